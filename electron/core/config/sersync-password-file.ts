/**
 * sersync configs often point <auth passwordfile="/etc/rsync.pas"/> at the rsync daemon's
 * `secrets file`, whose lines are `user:password`. A client's --password-file is different: rsync
 * sends its whole first line as the password, so "user:password" there means a failed login.
 * This looks at the file named (its first few KiB only) and says so. A file that cannot be read
 * here (absent, no permission, not a regular file) is not a problem for the import: it may live
 * on the machine that will run the backup.
 */
import { Buffer } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';

/** The start of a file, or null when it cannot be read. */
export type PasswordFileReader = (file: string) => string | null;

/** rsync reads one line; a secrets file's first entry is near the top, after any comments. */
const READ_LIMIT = 4096;

/**
 * The first READ_LIMIT bytes of a regular file, or null. Opened non-blocking and checked after
 * opening, so a FIFO or device named by mistake cannot hang the import.
 */
export function readFileStart(file: string): string | null {
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    if (!fstatSync(fd).isFile()) return null;
    const buffer = Buffer.alloc(READ_LIMIT);
    const length = readSync(fd, buffer, 0, READ_LIMIT, 0);
    return buffer.toString('utf8', 0, length);
  } catch {
    return null;
  } finally {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // Nothing was written; a failed close loses nothing.
      }
    }
  }
}

/**
 * The name in a `name:secret` first line (blank lines and # comments skipped, as rsyncd does in a
 * secrets file), or null when the first line is something else, such as a bare password.
 */
export function secretsFileUser(text: string): string | null {
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    return /^([A-Za-z0-9_][A-Za-z0-9._@$-]*):\S/.exec(line)?.[1] ?? null;
  }
  return null;
}

/**
 * The problem to report for <auth passwordfile> when the file named looks like a daemon secrets
 * file; null when it does not, or when it cannot be read. Never includes the secret.
 */
export function secretsFileProblem(
  file: string,
  where: string,
  read: PasswordFileReader = readFileStart,
): string | null {
  // A relative path would be looked up from wherever Rsync Tray runs, which says nothing.
  if (!path.isAbsolute(file)) return null;
  let text: string | null;
  try {
    text = read(file);
  } catch {
    return null;
  }
  const user = text === null ? null : secretsFileUser(text);
  if (user === null) return null;
  return (
    `${where}: ${file} looks like an rsync daemon secrets file ` +
    `(its first line is "${user}:" followed by a password), ` +
    `but rsync sends the whole first line of a client password file as the password, so the login would fail. ` +
    `Make a client password file holding only the password (for example /etc/rsync-client.pas, then chmod 600 it), ` +
    `point passwordfile at it, and import again`
  );
}
