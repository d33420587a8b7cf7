/**
 * How a target's password reaches rsync without ever being on a command line or in a log:
 * a password file (checked before rsync runs, since rsync's own refusal is cryptic), or
 * RSYNC_PASSWORD in the child's environment only.
 */
import { stat } from 'node:fs/promises';
import { RsyncTrayError } from '../../shared/errors.ts';
import { targetKey, type Target } from '../../shared/profile-schema.ts';

/** Where stored passwords live: safeStorage in the tray app, a mode-600 file for the headless host. */
export interface SecretStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface ResolvedAuth {
  args: string[];
  env: Record<string, string>;
  /** Values to redact from anything we log or show. */
  secrets: string[];
}

/** rsync refuses a password file that others can read, and (as root) one root does not own. */
export async function checkPasswordFile(file: string): Promise<void> {
  let info;
  try {
    info = await stat(file);
  } catch {
    throw new RsyncTrayError(
      'PASSWORD_FILE_MISSING',
      `The password file ${file} does not exist or cannot be read.`,
      'Create it with the password on its first line, then `chmod 600` it, or fix the path in the profile.',
    );
  }
  if (!info.isFile()) {
    throw new RsyncTrayError(
      'PASSWORD_FILE_MISSING',
      `The password file ${file} is not a regular file.`,
      'Point the profile at a file holding the password on its first line.',
    );
  }
  if ((info.mode & 0o007) !== 0) {
    throw new RsyncTrayError(
      'PASSWORD_FILE_MODE',
      `The password file ${file} can be read by other users (mode ${(info.mode & 0o777).toString(8)}); ` +
        `rsync refuses to use it.`,
      `Run: chmod 600 '${file}'`,
    );
  }
  if (process.getuid?.() === 0 && info.uid !== 0) {
    throw new RsyncTrayError(
      'PASSWORD_FILE_MODE',
      `The password file ${file} is not owned by root, and rsync running as root refuses it.`,
      `Run: chown root '${file}'`,
    );
  }
}

/** A password typed in the editor and not stored yet: through the environment, like every password. */
export const typedPasswordAuth = (password: string): ResolvedAuth => ({
  args: [],
  env: { RSYNC_PASSWORD: password },
  secrets: [password],
});

export async function resolveAuth(
  target: Target,
  secrets: SecretStore | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ResolvedAuth> {
  const auth = target.auth;
  switch (auth.type) {
    case 'none':
      // An empty RSYNC_PASSWORD stops rsync from prompting on a terminal when the module does
      // want a password: it fails with "auth failed" instead of hanging.
      return { args: [], env: { RSYNC_PASSWORD: '' }, secrets: [] };
    case 'passwordFile':
      await checkPasswordFile(auth.path);
      return { args: [`--password-file=${auth.path}`], env: {}, secrets: [] };
    case 'env': {
      const value = env[auth.variable];
      if (value === undefined || value === '') {
        throw new RsyncTrayError(
          'PASSWORD_MISSING',
          `The environment variable ${auth.variable} that should hold the password for ` +
            `${targetKey(target)} is not set.`,
          `Set ${auth.variable} in the environment of Rsync Tray (for a service: its EnvironmentFile).`,
        );
      }
      return { args: [], env: { RSYNC_PASSWORD: value }, secrets: [value] };
    }
    case 'secret': {
      const value = await secrets?.get(targetKey(target));
      if (!value) {
        throw new RsyncTrayError(
          'PASSWORD_MISSING',
          `No password is stored for ${targetKey(target)}.`,
          'Store it in the profile editor, or with `rsync-tray password set PROFILE`.',
        );
      }
      return { args: [], env: { RSYNC_PASSWORD: value }, secrets: [value] };
    }
  }
}
