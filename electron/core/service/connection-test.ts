/**
 * "Test connection": is the daemon reachable, which modules does it list, do this target's user
 * and password open this module, and may they write where the syncs go? A module that opens can
 * still refuse every write (`read only = yes`, or a folder the daemon's uid cannot write): the
 * first sync would then fail, so the test writes one probe file and takes it back out.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveAuth, typedPasswordAuth, type ResolvedAuth, type SecretStore } from '../rsync/auth.ts';
import { toErrorInfo, type ErrorInfo } from '../../shared/errors.ts';
import type { Target } from '../../shared/profile-schema.ts';
import type { ConnectionReport, DaemonModule, WriteCheck } from '../../shared/contract.ts';
import { parseModuleList } from '../rsync/daemon-modules.ts';
import { diagnose, type DiagnoseContext } from '../rsync/rsync-diagnostics.ts';
import { probeRsync, type RsyncCapabilities } from '../rsync/rsync-probe.ts';
import { runRsync } from '../rsync/rsync-runner.ts';

/** The probe file's name prefix; 128 random bits follow, so it never names a file of the backup. */
export const PROBE_PREFIX = '.rsync-tray-probe-';

export interface ConnectionTestOptions {
  rsyncPath?: string;
  secrets?: SecretStore;
  /** A password typed in the editor but not stored yet. */
  password?: string;
  timeoutSeconds?: number;
  /** Tests replace the rsync probe; by default the rsync at rsyncPath is asked its version. */
  probe?: (rsyncPath: string) => Promise<RsyncCapabilities>;
}

const skippedWrite = (): WriteCheck => ({ state: 'skipped', folder: '', folderMissing: false, leftover: null });

export async function testConnection(target: Target, options: ConnectionTestOptions = {}): Promise<ConnectionReport> {
  const rsyncPath = options.rsyncPath ?? 'rsync';
  const timeout = options.timeoutSeconds ?? 10;
  const common = [`--contimeout=${timeout}`, `--timeout=${timeout}`, '--sockopts=TCP_NODELAY'];
  const ctx: DiagnoseContext = { host: target.host, port: target.port, module: target.module, user: target.user };
  const base = `rsync://${target.host}:${target.port}/`;
  const report: ConnectionReport = {
    reachable: false,
    modules: [],
    module: 'skipped',
    write: skippedWrite(),
    error: null,
  };

  // 0. The rsync of the settings: a wrong path would otherwise read as an unreachable daemon.
  try {
    await (options.probe ?? probeRsync)(rsyncPath);
  } catch (error) {
    report.error = toErrorInfo(error);
    return report;
  }

  // 1. Listing needs no password, and tells reachability apart from auth problems.
  const listing = await runCapture(rsyncPath, [...common, base], {
    args: [],
    env: { RSYNC_PASSWORD: '' },
    secrets: [],
  });
  if (listing.exitCode === 0) {
    report.reachable = true;
    report.modules = parseModuleList(listing.stdout);
  } else {
    const error = diagnose(listing.stderr, listing.exitCode, ctx);
    // "@ERROR" means a daemon answered (e.g. listing refused by `hosts allow`).
    report.reachable = /@ERROR/.test(listing.stderr);
    if (!report.reachable) {
      report.error = error;
      return report;
    }
  }

  // 2. The module itself, with this target's credentials: list its top level only.
  const moduleCtx: DiagnoseContext = {
    ...ctx,
    passwordFile: target.auth.type === 'passwordFile' ? target.auth.path : undefined,
    // What the daemon listed, for "did you mean" should the module be unknown; not known when
    // the listing itself was refused.
    modules: listing.exitCode === 0 ? report.modules.map((m) => m.name) : undefined,
  };
  let auth: ResolvedAuth;
  try {
    auth =
      options.password !== undefined ? typedPasswordAuth(options.password) : await resolveAuth(target, options.secrets);
  } catch (error) {
    report.module = 'failed';
    report.error = toErrorInfo(error);
    return report;
  }
  const root = `rsync://${target.user ? `${target.user}@` : ''}${target.host}:${target.port}/${target.module}/`;
  const probe = await runCapture(rsyncPath, [...common, '--list-only', '--no-recursive', '--dirs', root], auth);
  if (probe.exitCode !== 0) {
    report.module = 'failed';
    report.error = diagnose(probe.stderr, probe.exitCode, moduleCtx);
    return report;
  }
  report.module = 'ok';

  // 3. Writing, where the syncs write.
  const { write, error } = await probeWrite({ rsyncPath, common, auth, root, target, ctx: moduleCtx });
  report.write = write;
  report.error = error;
  return report;
}

interface WriteProbe {
  rsyncPath: string;
  common: string[];
  auth: ResolvedAuth;
  /** The module's URL, ending in '/'. */
  root: string;
  target: Target;
  ctx: DiagnoseContext;
}

/**
 * Sends one empty file named PROBE_PREFIX + 32 random hex digits into the target's folder, then
 * takes it back with --remove-source-files. Neither run can delete anything else: nothing has
 * -r or --delete, the first only adds a file, and the second names exactly one file on the
 * daemon, the only one it sends and so the only one it may remove. No folder is created either:
 * when the target's folder does not exist yet, the probe goes into the deepest part of its path
 * that does, which is where the first sync creates the rest (--mkpath).
 */
async function probeWrite(p: WriteProbe): Promise<{ write: WriteCheck; error: ErrorInfo | null }> {
  const local = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-probe-'));
  try {
    const found = await existingFolder(p, local);
    if ('error' in found) return { write: { ...skippedWrite(), state: 'failed' }, error: found.error };
    const { folder, folderMissing } = found;
    const write: WriteCheck = { state: 'ok', folder, folderMissing, leftover: null };
    const name = `${PROBE_PREFIX}${randomBytes(16).toString('hex')}`;
    const dest = `${p.root}${folder ? `${folder}/` : ''}`;
    await writeFile(path.join(local, name), '');
    const put = await runCapture(p.rsyncPath, [...p.common, path.join(local, name), dest], p.auth);
    if (put.exitCode !== 0) {
      const refusal = writeRefusal(put.stderr, p, write);
      return {
        write: { ...write, state: refusal?.state ?? 'failed' },
        error: refusal?.error ?? diagnose(put.stderr, put.exitCode, p.ctx),
      };
    }
    const back = path.join(local, 'back');
    await mkdir(back);
    const take = await runCapture(
      p.rsyncPath,
      [...p.common, '--remove-source-files', `${dest}${name}`, `${back}/`],
      p.auth,
    );
    if (take.exitCode !== 0) write.leftover = folder ? `${folder}/${name}` : name;
    return { write, error: null };
  } finally {
    await rm(local, { recursive: true, force: true });
  }
}

/**
 * The target's folder, or the deepest part of its path that exists on the daemon: one listing
 * of every step of the path (a, a/b, a/b/c), missing ones answered as such (exit 23).
 */
async function existingFolder(
  p: WriteProbe,
  local: string,
): Promise<{ folder: string; folderMissing: boolean } | { error: ErrorInfo }> {
  const parts = p.target.path.split('/').filter((part) => part && part !== '.');
  if (parts.length === 0) return { folder: '', folderMissing: false };
  const steps = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  // With a local destination every source is on the daemon; --list-only still copies nothing.
  const listing = await runCapture(
    p.rsyncPath,
    [...p.common, '--list-only', '--dirs', '-R', ...steps.map((s) => `${p.root}${s}`), `${local}/`],
    p.auth,
  );
  if (listing.exitCode !== 0 && listing.exitCode !== 23) {
    return { error: diagnose(listing.stderr, listing.exitCode, p.ctx) ?? unexplained(p.ctx) };
  }
  const kinds = new Map<string, string>();
  for (const line of listing.stdout.split('\n')) {
    const m = /^([-dlbcps])\S{9}\s+[\d,]+\s+\S+\s+\S+\s+(.+)$/.exec(line);
    if (m) kinds.set(m[2]!.replace(/ -> .*$/, ''), m[1]!);
  }
  let depth = 0;
  while (depth < steps.length && ['d', 'l'].includes(kinds.get(steps[depth]!) ?? '')) depth++;
  const blocking = steps[depth] !== undefined && kinds.has(steps[depth]!) ? steps[depth] : undefined;
  if (blocking) {
    return {
      error: {
        code: 'RSYNC_FAILED',
        message: `"${blocking}" in module "${p.target.module}" is a file, so the folder "${p.target.path}" cannot be made.`,
        hint: 'Choose another folder in the module, or remove or rename that file on the server.',
      },
    };
  }
  return { folder: steps[depth - 1] ?? '', folderMissing: depth < steps.length };
}

/** The two refusals a writable-looking module gives, each with the fix on the server. */
function writeRefusal(
  stderr: string,
  p: WriteProbe,
  { folder, folderMissing }: WriteCheck,
): { state: 'read-only' | 'denied'; error: ErrorInfo } | null {
  const module = p.target.module;
  if (/ERROR: module is read only/.test(stderr)) {
    return {
      state: 'read-only',
      error: {
        code: 'ACCESS_DENIED',
        message:
          `The module "${module}" is read-only (read only = yes in the daemon's rsyncd.conf): ` +
          `the login works, but every sync into it would be refused.`,
        hint:
          `On the server, set "read only = no" in the [${module}] section of rsyncd.conf ` +
          `(the daemon reads it at the next connection), or choose a module you may write to.`,
      },
    };
  }
  if (/Permission denied \(13\)/.test(stderr)) {
    const where = folder ? `the folder "${folder}" of module "${module}"` : `the top folder of module "${module}"`;
    const what = folderMissing ? ` (to create "${p.target.path}" in it)` : '';
    return {
      state: 'denied',
      error: {
        code: 'PERMISSION_DENIED',
        message:
          `The daemon may not write into ${where}${what}: permission denied. The module is writable, ` +
          `but that folder is not writable by the user the daemon runs as for it.`,
        hint:
          `On the server, give the module's uid/gid (rsyncd.conf; "nobody" when a daemon started as root names ` +
          `none) write access to that folder, e.g. chown it to that user, or set uid/gid to the folder's owner.`,
      },
    };
  }
  return null;
}

const unexplained = (ctx: DiagnoseContext): ErrorInfo => ({
  code: 'RSYNC_FAILED',
  message: `rsync could not look into module "${ctx.module}".`,
  hint: 'Test again; if it repeats, see the daemon log on the server.',
});

async function runCapture(rsyncPath: string, args: string[], auth: ResolvedAuth) {
  const result = await runRsync({
    rsyncPath,
    args: [...auth.args, ...args],
    env: auth.env,
    secrets: auth.secrets,
    captureStdout: true,
  });
  return { exitCode: result.exitCode, stderr: result.stderr, stdout: result.stdout ?? '' };
}

// The module list's parser moved to core/rsync (runs use it too); callers import it from here.
export { parseModuleList };
export type { ConnectionReport, DaemonModule, WriteCheck };
