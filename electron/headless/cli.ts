/**
 * `rsync-tray`: the engine without Electron, for servers and scripts. This file is the command
 * table and the dispatch; each command's code is in commands/, grouped by what it works on:
 *   hosts.ts     run, serve, demo        an engine in the foreground (bootstrap.ts starts it)
 *   sync.ts      sync                    a full sync now, by the running engine or one pass here
 *   control.ts   status, pause, resume, confirm-/refuse-deletions   the running engine
 *   profiles.ts  validate, test, export, import                     the config file
 *   password.ts  password set                                       the secrets file
 *   restore.ts   ls, restore, versions          getting files back: the running engine, or here
 *   service.ts   service install|uninstall|status   the engine as a systemd unit / launchd agent
 * Exit codes: what a command returns (0 done, 1 what it checked failed), or for an error the one
 * table in shared/errors.ts (CLI_EXIT_CODES: 3 not running, 1 internal, 2 everything else).
 */
import { parseArgs } from 'node:util';
import { cliExitCode, toErrorInfo } from '../shared/errors.ts';
import { address } from './commands/address.ts';
import { out, type Command, type Values } from './commands/common.ts';
import { confirmDeletions, held, pause, refuseDeletions, resume, status } from './commands/control.ts';
import { demo, run, serve } from './commands/hosts.ts';
import { password } from './commands/password.ts';
import { exportProfiles, importProfiles, test, validate } from './commands/profiles.ts';
import { service } from './commands/service.ts';
import { sync } from './commands/sync.ts';
import { ls, restore, versions } from './commands/restore.ts';
import { defaultConfigFile } from './paths.ts';

/** In the order `rsync-tray help` lists them. */
const COMMANDS: Record<string, Command> = {
  demo,
  run,
  serve,
  address,
  sync,
  status,
  pause,
  resume,
  held,
  'confirm-deletions': confirmDeletions,
  'refuse-deletions': refuseDeletions,
  validate,
  test,
  export: exportProfiles,
  import: importProfiles,
  password,
  ls,
  restore,
  versions,
  service,
};

function help(): string {
  const lines = ['Usage: rsync-tray COMMAND [options]', '', 'Commands:'];
  for (const c of Object.values(COMMANDS)) lines.push(`  ${c.usage}`, `      ${c.summary}`);
  lines.push(
    '',
    `The config file defaults to ${defaultConfigFile()} (or $RSYNC_TRAY_CONFIG); ` +
      `its format is the profile export format (see README).`,
  );
  return lines.join('\n');
}

/** A command line that names no command, or one that does not exist, is bad input. */
const USAGE_EXIT = cliExitCode('BAD_REQUEST');

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    out(help());
    return name ? 0 : USAGE_EXIT;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${help()}\n`);
    return USAGE_EXIT;
  }
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: command.options ?? {},
      allowPositionals: true,
      strict: true,
    });
    return await command.run(values as Values, positionals);
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(error as Error).message}\nUsage: rsync-tray ${command.usage}\n`);
      return USAGE_EXIT;
    }
    const info = toErrorInfo(error);
    process.stderr.write(`Error: ${info.message}\n${info.hint ? `What to do: ${info.hint}\n` : ''}`);
    return cliExitCode(info.code);
  }
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
