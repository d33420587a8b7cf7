/**
 * `rsync-tray`: the engine without Electron, for servers and scripts. Each command is one entry
 * of the COMMANDS table; exit codes: 0 ok, 1 a sync or test failed, 2 bad input, 3 not running.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { EngineEvent, ProfileStatus } from '../shared/status.ts';
import { startAppService } from '../core/service/app-service.ts';
import { loadConfig, serializeConfig, writeFileAtomic } from '../core/config/config-file.ts';
import { checkPasswordFile } from '../core/rsync/auth.ts';
import { testConnection } from '../core/service/connection-test.ts';
import { startEngine } from '../core/sync/engine.ts';
import { noWatcher } from '../core/watch/watcher-backends.ts';
import { formatError, RsyncTrayError, toErrorInfo } from '../shared/errors.ts';
import { describeBandwidth } from '../shared/bandwidth.ts';
import { applyImport, previewImport, type ConflictChoice, type ImportFormat } from '../core/config/profile-import.ts';
import { CONFIG_VERSION, ConfigSchema, targetKey, type Config } from '../shared/profile-schema.ts';
import { assertNotRunning, callControlSocket, serveControlSocket } from './control-socket.ts';
import { fileConfigStore, fileSecretStore } from './file-stores.ts';
import { eventLogger, formatStatusTable } from './log-format.ts';
import { controlSocketFor, defaultConfigFile, secretsFileFor, stateDirFor } from './paths.ts';
import { runDemo } from './demo.ts';

type Values = Record<string, string | boolean | string[] | undefined>;
interface Command {
  usage: string;
  summary: string;
  options?: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;
  run(values: Values, positionals: string[]): Promise<number>;
}

const out = (text: string) => process.stdout.write(`${text}\n`);
const configOption = { config: { type: 'string' as const, short: 'c' } };
const configFile = (v: Values) => (v.config as string | undefined) ?? defaultConfigFile();
const profileOption = { profile: { type: 'string' as const, short: 'p' } };

/** Runs until SIGINT/SIGTERM, then stops cleanly (running rsyncs are stopped, sockets closed). */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

function printEvents(json: boolean): (e: EngineEvent) => void {
  if (json) return (e) => out(JSON.stringify(e));
  const line = eventLogger();
  return (e) => {
    const text = line(e);
    if (text) out(text);
  };
}

/** Waits until every target of every running profile has finished one full sync, failed once, or held deletions. */
function firstPass(statuses: () => ProfileStatus[], subscribe: (l: () => void) => () => void): Promise<ProfileStatus[]> {
  return new Promise((resolve) => {
    const check = () => {
      const all = statuses();
      const done = all.every((s) => s.state === 'stopped' || (s.targets.length === 0 ? s.lastError !== null : s.targets.every((t) => (t.lastFullSyncAt !== null && t.pending === 0 && t.state === 'idle') || t.lastError !== null || t.hold !== null)));
      if (done) {
        unsubscribe();
        resolve(all);
      }
    };
    const unsubscribe = subscribe(check);
    check();
  });
}

const COMMANDS: Record<string, Command> = {
  demo: {
    usage: 'demo [--once]',
    summary: 'Try it with no server of your own: a private rsync daemon on 127.0.0.1 and a demo folder, watched live.',
    options: { once: { type: 'boolean' } },
    run: (v) => runDemo({ once: Boolean(v.once), print: out }),
  },
  run: {
    usage: 'run [--config FILE] [--json]',
    summary: 'Run every enabled profile in the foreground (Ctrl+C stops cleanly).',
    options: { ...configOption, json: { type: 'boolean' } },
    async run(v) {
      const file = configFile(v);
      await assertNotRunning(controlSocketFor(file));
      const { loadImporters } = await import('./importers.ts');
      const service = await startAppService({ configStore: fileConfigStore(file), secrets: fileSecretStore(secretsFileFor(file)), importers: await loadImporters(), engine: { stateDir: stateDirFor(file) } });
      service.subscribe(printEvents(Boolean(v.json)));
      const control = await serveControlSocket(controlSocketFor(file), service.handlers);
      const profiles = service.engine().status();
      if (!v.json) out(`Running ${profiles.length} profile${profiles.length === 1 ? '' : 's'} from ${file}. Ctrl+C to stop.`);
      const signal = await untilSignal();
      if (!v.json) out(`${signal}: stopping…`);
      await control.dispose();
      await service.dispose();
      return 0;
    },
  },
  serve: {
    usage: 'serve [--config FILE] [--port N] [--host 127.0.0.1]',
    summary: 'Like `run`, and serve the window on 127.0.0.1: open the printed address (it carries an access token).',
    options: { ...configOption, port: { type: 'string' }, host: { type: 'string' } },
    async run(v) {
      const { serveCommand } = await import('./serve.ts');
      return serveCommand({ configFile: configFile(v), host: v.host as string | undefined, port: v.port === undefined ? undefined : Number(v.port), print: out });
    },
  },
  sync: {
    usage: 'sync [--config FILE] [--profile NAME] [--confirm-deletions]',
    summary: 'Full sync now: asks a running `run` to do it, or does it once and exits (--confirm-deletions: carry out a mass deletion the guard would hold).',
    options: { ...configOption, ...profileOption, 'confirm-deletions': { type: 'boolean' } },
    async run(v) {
      const file = configFile(v);
      const profile = v.profile as string | undefined;
      try {
        const result = await callControlSocket(controlSocketFor(file), 'sync.now', { profile });
        if (!result.ok) throw new RsyncTrayError(result.error.code, result.error.message, result.error.hint);
        out(`Asked the running engine to sync ${profile ? `"${profile}"` : 'every profile'} now.`);
        return 0;
      } catch (error) {
        if (!(error instanceof RsyncTrayError) || error.code !== 'NOT_RUNNING') throw error;
      }
      const config = await loadConfig(file);
      const selected: Config = { ...config, profiles: config.profiles.filter((p) => !profile || p.name === profile) };
      if (profile && selected.profiles.length === 0) throw new RsyncTrayError('UNKNOWN_PROFILE', `There is no profile named "${profile}" in ${file}.`, `Known profiles: ${config.profiles.map((p) => p.name).join(', ') || 'none'}.`);
      // One pass and out: nothing to watch.
      const engine = await startEngine({ config: selected, secrets: fileSecretStore(secretsFileFor(file)), stateDir: stateDirFor(file), watcherFactory: noWatcher });
      const print = printEvents(false);
      let stopping = false;
      engine.subscribe((e) => {
        if (!stopping) print(e);
      });
      let statuses = await firstPass(engine.status, (l) => engine.subscribe(l));
      const held = statuses.filter((s) => s.targets.some((t) => t.hold));
      if (held.length && v['confirm-deletions']) {
        for (const s of held) engine.confirmDeletions(s.name);
        statuses = await firstPass(engine.status, (l) => engine.subscribe(l));
      }
      stopping = true;
      await engine.dispose();
      let failures = 0;
      for (const s of statuses) {
        for (const t of s.targets) {
          if (t.hold) out(`HELD [${s.name}] ${t.key}: ${t.hold.reason}. Nothing was deleted. To delete: rsync-tray sync --profile ${JSON.stringify(s.name)} --confirm-deletions`);
          else if (t.lastError) out(`FAILED [${s.name}] ${t.key}: ${formatError(t.lastError)}`);
          else continue;
          failures++;
        }
        if (s.targets.length === 0 && s.lastError) {
          out(`FAILED [${s.name}]: ${formatError(s.lastError)}`);
          failures++;
        }
      }
      return failures ? 1 : 0;
    },
  },
  status: {
    usage: 'status [--config FILE] [--json]',
    summary: 'Status of the running engine.',
    options: { ...configOption, json: { type: 'boolean' } },
    async run(v) {
      const result = await callControlSocket(controlSocketFor(configFile(v)), 'status.get', {});
      if (!result.ok) throw new RsyncTrayError(result.error.code, result.error.message, result.error.hint);
      out(v.json ? JSON.stringify(result.value, null, 2) : formatStatusTable(result.value));
      return result.value.some((s) => s.state === 'error' || s.state === 'needs-confirmation') ? 1 : 0;
    },
  },
  pause: {
    usage: 'pause [--config FILE] [--profile NAME] [--minutes N]',
    summary: 'Pause syncing (all profiles, or one; for N minutes).',
    options: { ...configOption, ...profileOption, minutes: { type: 'string' } },
    async run(v) {
      const minutes = v.minutes === undefined ? undefined : Number(v.minutes);
      if (minutes !== undefined && !(minutes > 0 && minutes <= 7 * 24 * 60)) {
        throw new RsyncTrayError('INVALID_CONFIG', `--minutes must be a number of minutes between 1 and 10080, not "${v.minutes}".`, 'Leave it out to pause until `rsync-tray resume`.');
      }
      const result = await callControlSocket(controlSocketFor(configFile(v)), 'sync.pause', { profile: v.profile as string | undefined, minutes });
      if (!result.ok) throw new RsyncTrayError(result.error.code, result.error.message, result.error.hint);
      out(`Paused${minutes ? ` for ${minutes} min` : ''}.`);
      return 0;
    },
  },
  resume: {
    usage: 'resume [--config FILE] [--profile NAME]',
    summary: 'Resume syncing.',
    options: { ...configOption, ...profileOption },
    async run(v) {
      const result = await callControlSocket(controlSocketFor(configFile(v)), 'sync.resume', { profile: v.profile as string | undefined });
      if (!result.ok) throw new RsyncTrayError(result.error.code, result.error.message, result.error.hint);
      out('Resumed.');
      return 0;
    },
  },
  'confirm-deletions': {
    usage: 'confirm-deletions --profile NAME [--config FILE]',
    summary: 'Carry out a mass deletion the guard held back (see `status`).',
    options: { ...configOption, ...profileOption },
    run: (v) => deletionDecision(v, 'deletions.confirm', 'Confirmed: the next full sync deletes them.'),
  },
  'refuse-deletions': {
    usage: 'refuse-deletions --profile NAME [--config FILE]',
    summary: 'Keep the backup as it is: drop the held deletion and pause the profile.',
    options: { ...configOption, ...profileOption },
    run: (v) => deletionDecision(v, 'deletions.refuse', 'Refused: nothing was deleted; the profile is paused until `rsync-tray resume`.'),
  },
  validate: {
    usage: 'validate [--config FILE]',
    summary: 'Check a config file and say what each profile will do.',
    options: configOption,
    async run(v) {
      const file = configFile(v);
      const config = await loadConfig(file);
      out(`${file} is valid: ${config.profiles.length} profile${config.profiles.length === 1 ? '' : 's'}.`);
      for (const p of config.profiles) {
        out(`  ${p.name}${p.enabled ? '' : ' (disabled)'}: ${p.source} → ${p.targets.map((t) => targetKey(t)).join(', ')}`);
        out(`    bandwidth: ${p.bandwidthLimit ? describeBandwidth(p.bandwidthLimit) : 'unlimited'}; deletions ${p.deletions ? 'propagate' : 'are kept on the backup'}; ${p.excludes.length} exclude${p.excludes.length === 1 ? '' : 's'}; ${p.fullSyncIntervalMinutes ? `full sync every ${p.fullSyncIntervalMinutes} min` : 'no periodic full sync'}`);
      }
      // The file is valid; is this machine ready for it? (What `run` would stop at.)
      const problems: string[] = [];
      for (const p of config.profiles.filter((x) => x.enabled)) {
        const source = await stat(p.source).catch(() => null);
        if (!source?.isDirectory()) problems.push(`[${p.name}] the source folder ${p.source} is missing or not a folder — create or mount it, or fix the path.`);
        for (const t of p.targets) {
          if (t.auth.type !== 'passwordFile') continue;
          await checkPasswordFile(t.auth.path).catch((error: RsyncTrayError) => problems.push(`[${p.name}] ${targetKey(t)}: ${formatError(error.toInfo())}`));
        }
      }
      for (const line of problems) out(`PROBLEM ${line}`);
      return problems.length ? 1 : 0;
    },
  },
  test: {
    usage: 'test [--config FILE] [--profile NAME]',
    summary: 'Test each target: daemon reachable, modules listed, user/password accepted by the module.',
    options: { ...configOption, ...profileOption },
    async run(v) {
      const file = configFile(v);
      const config = await loadConfig(file);
      const secrets = fileSecretStore(secretsFileFor(file));
      let failures = 0;
      for (const p of config.profiles.filter((x) => !v.profile || x.name === v.profile)) {
        for (const t of p.targets) {
          const report = await testConnection(t, { rsyncPath: config.settings.rsyncPath, secrets });
          const modules = report.modules.map((m) => m.name).join(', ');
          out(`[${p.name}] ${targetKey(t)}: ${report.module === 'ok' ? 'OK' : 'FAILED'}`);
          out(`  daemon: ${report.reachable ? `reachable${modules ? `, lists modules: ${modules}` : ', lists no modules'}` : 'not reachable'}`);
          if (report.error) out(`  ${formatError(report.error)}`);
          if (report.module !== 'ok') failures++;
        }
      }
      return failures ? 1 : 0;
    },
  },
  export: {
    usage: 'export [--config FILE] [--profile NAME]... [--output FILE]',
    summary: 'Write profiles as JSON (the config format; no secrets).',
    options: { ...configOption, profile: { type: 'string', short: 'p', multiple: true }, output: { type: 'string', short: 'o' } },
    async run(v) {
      const config = await loadConfig(configFile(v));
      const names = v.profile as string[] | undefined;
      for (const n of names ?? []) if (!config.profiles.some((p) => p.name === n)) throw new RsyncTrayError('UNKNOWN_PROFILE', `There is no profile named "${n}".`, `Known profiles: ${config.profiles.map((p) => p.name).join(', ')}.`);
      const json = serializeConfig(config, names);
      if (v.output) await writeFile(v.output as string, json, { mode: 0o600 });
      else process.stdout.write(json);
      return 0;
    },
  },
  import: {
    usage: 'import FILE [--config FILE] [--format json|sersync] [--on-conflict replace|skip|rename] [--dry-run]',
    summary: 'Add the profiles of an export (or a sersync confxml.xml) to the config; all or nothing.',
    options: { ...configOption, format: { type: 'string' }, 'on-conflict': { type: 'string' }, 'dry-run': { type: 'boolean' } },
    async run(v, [input]) {
      if (!input) throw new RsyncTrayError('INVALID_CONFIG', 'Name the file to import.', 'rsync-tray import profiles.json');
      const file = configFile(v);
      const format = ((v.format as string | undefined) ?? (input.endsWith('.xml') ? 'sersync' : 'json')) as ImportFormat;
      if (format !== 'json' && format !== 'sersync') throw new RsyncTrayError('INVALID_CONFIG', `Unknown format "${format}".`, 'Use --format json or --format sersync.');
      const onConflict = v['on-conflict'] as ConflictChoice | undefined;
      if (onConflict && !['replace', 'skip', 'rename'].includes(onConflict)) throw new RsyncTrayError('INVALID_CONFIG', `--on-conflict must be replace, skip or rename, not "${onConflict}".`, 'Choose one of the three.');
      let config: Config;
      try {
        config = await loadConfig(file);
      } catch (error) {
        if (!(error instanceof RsyncTrayError) || error.code !== 'CONFIG_NOT_FOUND') throw error;
        config = ConfigSchema.parse({ version: CONFIG_VERSION });
      }
      let text: string;
      try {
        text = await readFile(input, 'utf8');
      } catch (error) {
        throw new RsyncTrayError('CONFIG_NOT_FOUND', `Cannot read ${input}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : (error as Error).message}.`, 'Check the path of the file to import.');
      }
      const { loadImporters } = await import('./importers.ts');
      const preview = previewImport(text, format, config, await loadImporters());
      if (preview.conflicts.length && !onConflict && !preview.problems.length) {
        throw new RsyncTrayError('INVALID_CONFIG', `${preview.conflicts.map((n) => `"${n}"`).join(', ')} exist${preview.conflicts.length === 1 ? 's' : ''} already; nothing was imported.`, 'Say what to do with --on-conflict replace, skip or rename.');
      }
      const conflicts = Object.fromEntries(preview.conflicts.map((n) => [n, onConflict])) as Record<string, ConflictChoice>;
      const outcome = applyImport(preview, config, conflicts);
      const summary = (o: { created: string[]; replaced: string[]; skipped: string[] }) => `${o.created.length} created${o.created.length ? ` (${o.created.join(', ')})` : ''}, ${o.replaced.length} replaced, ${o.skipped.length} skipped`;
      if (v['dry-run']) {
        out(`Would import into ${file}: ${summary(outcome)}. Nothing was written (--dry-run).`);
        return 0;
      }
      // A running engine imports through its own service, so the new profiles start right away.
      try {
        const result = await callControlSocket(controlSocketFor(file), 'config.importApply', { text, format, conflicts });
        if (!result.ok) throw new RsyncTrayError(result.error.code, result.error.message, result.error.hint);
        out(`Imported into the running engine (${file}): ${summary(result.value)}.`);
        return 0;
      } catch (error) {
        if (!(error instanceof RsyncTrayError) || error.code !== 'NOT_RUNNING') throw error;
      }
      await writeFileAtomic(file, serializeConfig(outcome.config));
      out(`Imported into ${file}: ${summary(outcome)}.`);
      return 0;
    },
  },
  password: {
    usage: 'password set PROFILE [--target N] [--config FILE]   (the password is read from standard input)',
    summary: 'Store a target\'s password in the secret store (for auth type "secret").',
    options: { ...configOption, target: { type: 'string' } },
    async run(v, [verb, name]) {
      if (verb !== 'set' || !name) throw new RsyncTrayError('INVALID_CONFIG', 'Usage: rsync-tray password set PROFILE [--target N]', 'The password is read from standard input, never from the command line.');
      const file = configFile(v);
      const config = await loadConfig(file);
      const profile = config.profiles.find((p) => p.name === name);
      if (!profile) throw new RsyncTrayError('UNKNOWN_PROFILE', `There is no profile named "${name}".`, `Known profiles: ${config.profiles.map((p) => p.name).join(', ')}.`);
      const index = v.target === undefined ? 0 : Number(v.target) - 1;
      const target = profile.targets[index];
      if (!target) throw new RsyncTrayError('INVALID_CONFIG', `Profile "${name}" has no target ${index + 1}.`, `It has ${profile.targets.length}.`);
      const password = process.stdin.isTTY ? await readHidden(`Password for ${targetKey(target)}: `) : (await readStdinLine()).replace(/\r?\n$/, '');
      if (!password) throw new RsyncTrayError('PASSWORD_MISSING', 'No password was given on standard input.', 'Pipe it in: printf %s "$PW" | rsync-tray password set NAME');
      await fileSecretStore(secretsFileFor(file)).set(targetKey(target), password);
      out(`Stored the password for ${targetKey(target)} in ${secretsFileFor(file)} (mode 600).${target.auth.type === 'secret' ? '' : ` Set this target's auth to {"type": "secret"} to use it.`}`);
      return 0;
    },
  },
};

async function deletionDecision(v: Values, method: 'deletions.confirm' | 'deletions.refuse', done: string): Promise<number> {
  const profile = v.profile as string | undefined;
  if (!profile) throw new RsyncTrayError('INVALID_CONFIG', 'Name the profile with --profile NAME.', 'See `rsync-tray status` for the profile that needs confirmation.');
  const result = await callControlSocket(controlSocketFor(configFile(v)), method, { profile });
  if (!result.ok) throw new RsyncTrayError(result.error.code, result.error.message, result.error.hint);
  out(done);
  return 0;
}

/** Reads a line from the terminal without echoing it. */
function readHidden(prompt: string): Promise<string> {
  process.stderr.write(prompt);
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new RsyncTrayError('PASSWORD_MISSING', 'Cancelled; nothing was stored.', 'Run the command again to store a password.'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function readStdinLine(): Promise<string> {
  let data = '';
  for await (const chunk of process.stdin) {
    data += chunk;
    if (data.includes('\n')) break;
  }
  return data.split('\n')[0] ?? '';
}

function help(): string {
  const lines = ['Usage: rsync-tray COMMAND [options]', '', 'Commands:'];
  for (const c of Object.values(COMMANDS)) lines.push(`  ${c.usage}`, `      ${c.summary}`);
  lines.push('', `The config file defaults to ${defaultConfigFile()} (or $RSYNC_TRAY_CONFIG); its format is the profile export format (see README).`);
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    out(help());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${help()}\n`);
    return 2;
  }
  try {
    const { values, positionals } = parseArgs({ args: rest, options: command.options ?? {}, allowPositionals: true, strict: true });
    return await command.run(values as Values, positionals);
  } catch (error) {
    const info = toErrorInfo(error);
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(error as Error).message}\nUsage: rsync-tray ${command.usage}\n`);
      return 2;
    }
    process.stderr.write(`Error: ${info.message}\n${info.hint ? `What to do: ${info.hint}\n` : ''}`);
    return info.code === 'NOT_RUNNING' ? 3 : info.code === 'INTERNAL' ? 1 : 2;
  }
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
