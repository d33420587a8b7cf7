/**
 * "Keep both": the local file stays as it is, and the restored copy goes beside it under a name
 * that says what it is — "report (restored 2026-12-02).txt" — never over anything that exists.
 */
import { lstat, mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { localBytes } from './browse.ts';

/** The local date as YYYY-MM-DD (the day a person restored it, in their time zone). */
export function localDay(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * "report.txt" → "report (restored 2026-12-02).txt"; the n-th try adds " n" inside the brackets.
 * A leading dot is part of the name, not an extension (".bashrc (restored …)").
 */
export function restoredName(name: string, day: string, n = 1): string {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  return `${stem} (restored ${day}${n > 1 ? ` ${n}` : ''})${ext}`;
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(localBytes(p));
    return true;
  } catch {
    return false;
  }
}

/**
 * Moves a staged copy beside `rel` (a path under `dest`) under the first free restored name;
 * answers the name it got (relative to dest).
 */
export async function placeBeside(staged: string, dest: string, rel: string, day: string): Promise<string> {
  const dir = path.posix.dirname(rel);
  const base = path.posix.basename(rel);
  for (let n = 1; ; n++) {
    const candidate = (dir === '.' ? '' : `${dir}/`) + restoredName(base, day, n);
    if (await exists(`${dest}/${candidate}`)) continue;
    await mkdir(localBytes(path.posix.dirname(`${dest}/${candidate}`)), { recursive: true });
    await rename(localBytes(staged), localBytes(`${dest}/${candidate}`));
    return candidate;
  }
}
