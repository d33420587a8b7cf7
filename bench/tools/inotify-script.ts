/**
 * The plain "inotifywait + rsync" script (inotify-rsync.sh beside this file): the baseline every
 * admin knows. It is kept as honest as it is usually written: an initial mirror first, then one
 * whole-tree rsync per event, events queueing in the pipe while rsync runs.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseBandwidth } from '../../electron/shared/bandwidth.ts';
import { RunningTool, rsyncUrl, type StartOptions, type ToolSpec } from './tool.ts';

const run = promisify(execFile);
const SCRIPT = path.join(import.meta.dirname, 'inotify-rsync.sh');

export const inotifyScript: ToolSpec = {
  id: 'inotify-script',
  label: 'inotifywait + rsync',
  configuration:
    'bench/tools/inotify-rsync.sh: rsync -a --delete of the whole tree, ' +
    'then inotifywait -m -r -e close_write,create,delete,move | one whole-tree rsync -a --delete per event',
  async unavailable() {
    try {
      await run('inotifywait', ['--help']).catch((e: { stdout?: string }) => {
        if (!String(e.stdout ?? '').includes('inotifywait')) throw e;
      });
      return null;
    } catch {
      return 'inotifywait is not installed (bash scripts/setup.sh --bench, or apt-get install inotify-tools)';
    }
  },
  async start(o: StartOptions) {
    const bw = o.bandwidthLimit ? parseBandwidth(o.bandwidthLimit) : null;
    const args = [SCRIPT, o.source, rsyncUrl(o.destination), o.destination.passwordFile];
    if (bw?.ok && bw.value.rsyncArg) args.push(bw.value.rsyncArg);
    return new RunningTool('bash', args, { cwd: o.workDir, transcript: o.transcript }, (t, line) => {
      if (line === 'run-start') t.runStarted();
      else if (line.startsWith('run-end')) t.runEnded();
      else if (line === 'initial-sync-done') t.markInitialSync();
      else if (line === 'watching') t.markReady();
    });
  },
};
