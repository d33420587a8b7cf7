/**
 * `rsync-tray password set PROFILE`: stores a target's password in the secrets file beside the
 * config (mode 600), for targets with auth type "secret". The password comes from standard input
 * (typed without echo on a terminal), never from the command line, where `ps` would show it.
 */
import { loadConfig } from '../../core/config/config-file.ts';
import { RsyncTrayError } from '../../shared/errors.ts';
import { targetKey } from '../../shared/profile-schema.ts';
import { fileSecretStore } from '../file-stores.ts';
import { secretsFileFor } from '../paths.ts';
import { badArgument, configFile, configOption, out, type Command } from './common.ts';

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
        if (ch === '\u0003')
          return done(
            new RsyncTrayError(
              'PASSWORD_MISSING',
              'Cancelled; nothing was stored.',
              'Run the command again to store a password.',
            ),
          );
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

export const password: Command = {
  usage: 'password set PROFILE [--target N] [--config FILE]   (the password is read from standard input)',
  summary: 'Store a target\'s password in the secret store (for auth type "secret").',
  options: { ...configOption, target: { type: 'string' } },
  async run(v, [verb, name]) {
    if (verb !== 'set' || !name)
      throw badArgument(
        'Usage: rsync-tray password set PROFILE [--target N]',
        'The password is read from standard input, never from the command line.',
      );
    const file = configFile(v);
    const config = await loadConfig(file);
    const profile = config.profiles.find((p) => p.name === name);
    if (!profile)
      throw new RsyncTrayError(
        'UNKNOWN_PROFILE',
        `There is no profile named "${name}".`,
        `Known profiles: ${config.profiles.map((p) => p.name).join(', ')}.`,
      );
    const index = v.target === undefined ? 0 : Number(v.target) - 1;
    const target = profile.targets[index];
    if (!target)
      throw badArgument(`Profile "${name}" has no target ${index + 1}.`, `It has ${profile.targets.length}.`);
    const secret = process.stdin.isTTY
      ? await readHidden(`Password for ${targetKey(target)}: `)
      : (await readStdinLine()).replace(/\r?\n$/, '');
    if (!secret)
      throw new RsyncTrayError(
        'PASSWORD_MISSING',
        'No password was given on standard input.',
        'Pipe it in: printf %s "$PW" | rsync-tray password set NAME',
      );
    await fileSecretStore(secretsFileFor(file)).set(targetKey(target), secret);
    out(
      `Stored the password for ${targetKey(target)} in ${secretsFileFor(file)} (mode 600).` +
        `${target.auth.type === 'secret' ? '' : ` Set this target's auth to {"type": "secret"} to use it.`}`,
    );
    return 0;
  },
};
