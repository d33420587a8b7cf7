/**
 * lsyncd (the Debian package) with its default.rsync layer against the same daemon: a Lua config
 * as its documentation writes it, `-nodaemon` in the foreground, `-log Exec` so every rsync it
 * spawns shows on its output. Two variants: delay = 0 (the fastest lsyncd can be, the main
 * comparison) and its default delay (15 s), as most installations run it.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseBandwidth } from '../../electron/shared/bandwidth.ts';
import { RunningTool, rsyncUrl, type StartOptions, type ToolSpec } from './tool.ts';

const run = promisify(execFile);
const lua = (s: string) => JSON.stringify(s); // a JSON string of plain characters is a Lua string

async function version(): Promise<string | null> {
  try {
    const { stdout } = await run('lsyncd', ['-version']);
    return /Version:\s*(\S+)/.exec(stdout)?.[1] ?? stdout.trim();
  } catch {
    return null;
  }
}

function lsyncd(id: string, delay: number | null): ToolSpec {
  return {
    id,
    label: delay === null ? 'lsyncd, default delay (15 s)' : `lsyncd, delay ${delay}`,
    configuration:
      `lsyncd -nodaemon -log Exec: sync{default.rsync, ${delay === null ? '' : `delay=${delay}, `}` +
      `rsync={archive=true, password_file=…}} (bwlimit in KiB/s for the bandwidth test); everything else default`,
    slow: delay === null,
    async unavailable() {
      return (await version())
        ? null
        : 'lsyncd is not installed (bash scripts/setup.sh --bench, or apt-get install lsyncd)';
    },
    async start(o: StartOptions) {
      const rsync = [`archive = true`, `password_file = ${lua(o.destination.passwordFile)}`];
      const bw = o.bandwidthLimit ? parseBandwidth(o.bandwidthLimit) : null;
      if (bw?.ok && bw.value.rsyncArg) rsync.push(`bwlimit = ${Number(bw.value.rsyncArg.slice(0, -1))}`); // KiB/s
      const config = [
        'settings { nodaemon = true }',
        'sync {',
        '  default.rsync,',
        `  source = ${lua(o.source)},`,
        `  target = ${lua(rsyncUrl(o.destination))},`,
        ...(delay === null ? [] : [`  delay = ${delay},`]),
        `  rsync = { ${rsync.join(', ')} },`,
        '}',
        '',
      ].join('\n');
      const file = path.join(o.workDir, 'lsyncd.lua');
      await writeFile(file, config);
      return new RunningTool(
        'lsyncd',
        ['-nodaemon', '-log', 'Exec', file],
        { cwd: o.workDir, transcript: o.transcript },
        (t, line) => {
          // Watches are added before the startup rsync is spawned.
          if (line.includes('recursive startup rsync:')) t.markReady();
          if (/ Exec: \S*rsync /.test(line)) t.runStarted();
          else if (/Startup of .* finished/.test(line)) {
            t.runEnded();
            t.markInitialSync();
          } else if (/ Finished|Retrying startup|failure on startup|Failure on startup/i.test(line)) t.runEnded();
        },
      );
    },
  };
}

export const lsyncdDelay0 = lsyncd('lsyncd', 0);
export const lsyncdDefault = lsyncd('lsyncd-default', null);
export const lsyncdVersion = version;
