/**
 * Two targets whose destinations overlap (the same module and path twice, or one path inside the
 * other) delete each other's files: each mirror removes what the other put there, and both say
 * "current". Found here, on the config as a whole, so validate, save, import and the window all
 * refuse it with the same words. Pure: the window imports it too.
 */
import { DELETED_DIR_NAME } from './profile-schema-constants.ts';

export interface TargetRef {
  profile: string;
  /** Index in the profile's targets (0-based). */
  index: number;
  host: string;
  port: number;
  module: string;
  path: string;
}

export interface Overlap {
  a: TargetRef;
  b: TargetRef;
  /** 'same': the same folder; 'inside': b's folder is inside a's. */
  kind: 'same' | 'inside';
}

/**
 * Path segments as the daemon's file system may see them: compared without case, since a backup
 * on a case-insensitive file system (macOS, Windows, many NAS shares) makes Docs and docs one
 * folder. Refusing a pair that differs only in case is the safe side.
 */
const segments = (p: string): string[] => p.toLowerCase().split('/').filter(Boolean);
/** The same daemon: host names compare without case; a name and its address cannot be told apart here. */
const daemonOf = (t: TargetRef): string => `${t.host.toLowerCase()}:${t.port}/${t.module}`;

export function findOverlaps(targets: readonly TargetRef[]): Overlap[] {
  const out: Overlap[] = [];
  for (let i = 0; i < targets.length; i++) {
    for (let j = i + 1; j < targets.length; j++) {
      const a = targets[i]!;
      const b = targets[j]!;
      if (daemonOf(a) !== daemonOf(b)) continue;
      const sa = segments(a.path);
      const sb = segments(b.path);
      const prefix = (x: string[], y: string[]) => x.every((s, k) => y[k] === s);
      if (sa.length === sb.length && prefix(sa, sb)) out.push({ a, b, kind: 'same' });
      else if (sa.length < sb.length && prefix(sa, sb)) out.push({ a, b, kind: 'inside' });
      else if (sb.length < sa.length && prefix(sb, sa)) out.push({ a: b, b: a, kind: 'inside' });
    }
  }
  return out;
}

/** A target inside a safety-net folder would mirror into the kept versions (and be pruned). */
export function pointsIntoSafetyNet(path: string): boolean {
  return segments(path).includes(DELETED_DIR_NAME.toLowerCase());
}

const where = (t: TargetRef): string =>
  `profile "${t.profile}" target ${t.index + 1} (${t.host}:${t.port}/${t.module}${t.path ? `/${t.path}` : ''})`;

export function describeOverlap(o: Overlap): string {
  const what =
    o.kind === 'same'
      ? `${where(o.b)} is the same backup folder as ${where(o.a)}`
      : `${where(o.b)} is inside the backup folder of ${where(o.a)}`;
  return (
    `${what}: each would delete the other's files. Give each target its own module, or sub-paths ` +
    'side by side (e.g. module/laptop and module/server), not one inside the other.'
  );
}
