/**
 * `rsync-tray service install | uninstall | status`: the engine as a service that runs before
 * anyone logs in. Linux: a systemd unit (service/unit-text.ts), system-wide in /etc/systemd/system
 * or with --user in ~/.config/systemd/user; macOS: a launchd agent (service/launchd-plist.ts);
 * Windows: see the README. `--print` shows the file and installs nothing; `--unit-dir DIR` (or
 * $RSYNC_TRAY_UNIT_DIR) writes it elsewhere and leaves systemctl alone (tests, packaging).
 */
import { execFile } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RsyncTrayError } from '../../shared/errors.ts';
import { LAUNCHD_LABEL, launchdPlist } from '../service/launchd-plist.ts';
import { unitText } from '../service/unit-text.ts';
import { badArgument, configFile, configOption, out, type Command, type Values } from './common.ts';

const UNIT_NAME = 'rsync-tray.service';

interface Plan {
  kind: 'systemd' | 'launchd';
  user: boolean;
  file: string;
  text: string;
  /** The service manager is told (false with --unit-dir: the file only). */
  manage: boolean;
}

/**
 * The CLI script the service runs: the one started (through a link such as npx's
 * node_modules/.bin/rsync-tray, resolved), else bin/rsync-tray.mjs of the package this file is
 * in, found by its package.json — from the sources and from the bundle in dist/cli/ alike.
 */
function cliScript(): string {
  const started = process.argv[1] ?? '';
  try {
    const real = realpathSync(started);
    if (real.endsWith('rsync-tray.mjs')) return real;
  } catch {
    // not a file (node -e, a test): look for the package instead
  }
  for (let dir = import.meta.dirname; ; dir = path.dirname(dir)) {
    const script = path.join(dir, 'bin', 'rsync-tray.mjs');
    if (existsSync(path.join(dir, 'package.json')) && existsSync(script)) return script;
    if (path.dirname(dir) === dir) return path.resolve(import.meta.dirname, '../../../bin/rsync-tray.mjs');
  }
}

/** The profiles' source folders, for ReadWritePaths= (restore writes into them). */
async function sourcesOf(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return []; // no config yet: the first profile saved needs `service install` again
  }
  try {
    const config = JSON.parse(text) as { profiles?: { source?: unknown }[] };
    return (config.profiles ?? []).map((p) => p.source).filter((s): s is string => typeof s === 'string');
  } catch (error) {
    throw new RsyncTrayError(
      'BAD_REQUEST',
      `${file} is not valid JSON (${(error as Error).message}).`,
      'Fix it (`rsync-tray validate` says where), then run `rsync-tray service install` again.',
    );
  }
}

async function plan(v: Values): Promise<Plan> {
  if (process.platform === 'win32')
    throw badArgument(
      'Windows has no service install here yet.',
      'See "Running as a service" in the README: a scheduled task at start-up runs `rsync-tray run`.',
    );
  const file = path.resolve(configFile(v));
  const unitDir = (v['unit-dir'] as string | undefined) ?? process.env.RSYNC_TRAY_UNIT_DIR;
  const launchd = Boolean(v.launchd) || process.platform === 'darwin';
  const command = v.serve ? 'serve' : 'run';
  const args = [process.execPath, '--max-semi-space-size=1', cliScript(), command, '--config', file];
  if (launchd) {
    const dir = unitDir ?? path.join(os.homedir(), 'Library', 'LaunchAgents');
    return {
      kind: 'launchd',
      user: true,
      file: path.join(dir, `${LAUNCHD_LABEL}.plist`),
      text: launchdPlist({ programArguments: args, logDir: path.dirname(file) }),
      manage: unitDir === undefined,
    };
  }
  const user = Boolean(v.user);
  const base = user
    ? path.join(process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'systemd', 'user')
    : '/etc/systemd/system';
  const text = unitText({
    execStart: args,
    configFile: file,
    sources: await sourcesOf(file),
    user,
    runAs: v['run-as'] as string | undefined,
  });
  return { kind: 'systemd', user, file: path.join(unitDir ?? base, UNIT_NAME), text, manage: unitDir === undefined };
}

/** systemctl/launchctl, its output passed through; a failure says what to run by hand. */
function manager(program: string, args: string[], quiet = false): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(program, args, (error, stdout, stderr) => {
      if (!quiet) process.stdout.write(stdout);
      process.stderr.write(stderr);
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code === 'string')
        reject(
          new RsyncTrayError(
            'BAD_REQUEST',
            `Cannot run ${program} (${code}).`,
            'Is this machine run by systemd? Use --print to see the unit and install it by hand.',
          ),
        );
      else resolve(typeof code === 'number' ? code : 0);
    });
  });
}

const systemctl = (p: Plan, ...args: string[]) => manager('systemctl', [...(p.user ? ['--user'] : []), ...args]);

const options = {
  ...configOption,
  user: { type: 'boolean' as const },
  print: { type: 'boolean' as const },
  'dry-run': { type: 'boolean' as const },
  serve: { type: 'boolean' as const },
  launchd: { type: 'boolean' as const },
  'run-as': { type: 'string' as const },
  'unit-dir': { type: 'string' as const },
};

async function install(p: Plan, v: Values): Promise<number> {
  if (v.print || v['dry-run']) {
    process.stdout.write(p.text);
    return 0;
  }
  await mkdir(path.dirname(p.file), { recursive: true });
  await writeFile(p.file, p.text, { mode: 0o644 });
  out(`Wrote ${p.file}.`);
  if (!p.manage) return 0;
  if (p.kind === 'launchd') {
    await manager('launchctl', ['bootout', `gui/${process.getuid?.()}/${LAUNCHD_LABEL}`], true).catch(() => 1);
    return manager('launchctl', ['bootstrap', `gui/${process.getuid?.()}`, p.file]);
  }
  await systemctl(p, 'daemon-reload');
  const code = await systemctl(p, 'enable', '--now', UNIT_NAME);
  if (code === 0) out(`Started. See it with: systemctl ${p.user ? '--user ' : ''}status rsync-tray`);
  return code;
}

async function uninstall(p: Plan): Promise<number> {
  const present = await stat(p.file).then(
    () => true,
    () => false,
  );
  if (p.manage && present) {
    if (p.kind === 'launchd') await manager('launchctl', ['bootout', `gui/${process.getuid?.()}/${LAUNCHD_LABEL}`]);
    else await systemctl(p, 'disable', '--now', UNIT_NAME);
  }
  await rm(p.file, { force: true });
  if (p.manage && p.kind === 'systemd') await systemctl(p, 'daemon-reload');
  out(present ? `Removed ${p.file}.` : `Nothing to remove: ${p.file} does not exist.`);
  return 0;
}

async function status(p: Plan): Promise<number> {
  const present = await stat(p.file).then(
    () => true,
    () => false,
  );
  if (!present) {
    out(`Not installed (no ${p.file}). Install it with: rsync-tray service install${p.user ? ' --user' : ''}`);
    return 3;
  }
  out(`Installed: ${p.file}`);
  if (!p.manage) return 0;
  if (p.kind === 'launchd') return manager('launchctl', ['print', `gui/${process.getuid?.()}/${LAUNCHD_LABEL}`]);
  return systemctl(p, 'status', '--no-pager', UNIT_NAME);
}

export const service: Command = {
  usage:
    'service install|uninstall|status [--user] [--print] [--serve] [--run-as USER] [--config FILE] [--unit-dir DIR]',
  summary:
    'Run the engine as a service that starts before login: a systemd unit (system-wide, or --user), a launchd ' +
    'agent on macOS. --print shows it and installs nothing; --serve runs `serve` instead of `run`.',
  options,
  async run(v, positionals) {
    const [action, ...extra] = positionals;
    if (!['install', 'uninstall', 'status'].includes(action ?? '') || extra.length > 0)
      throw badArgument(
        `service takes install, uninstall or status${action ? `, not ${JSON.stringify(positionals.join(' '))}` : ''}.`,
        'For example: rsync-tray service install --user --print',
      );
    const p = await plan(v);
    if (action === 'install') return install(p, v);
    if (action === 'uninstall') return uninstall(p);
    return status(p);
  },
};
