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

const ENTRY = /^([A-Za-z0-9_][A-Za-z0-9._@$-]*):\S/;

/**
 * The names of the `name:secret` lines at the top of a file (blank lines and # comments skipped,
 * as rsyncd does in a secrets file), up to the first line that is something else — so a file whose
 * first line is a bare password gives none.
 */
export function secretsFileUsers(text: string): string[] {
  const users: string[] = [];
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const user = ENTRY.exec(line)?.[1];
    if (user === undefined) break;
    users.push(user);
  }
  return users;
}

/**
 * The problem to report for <auth passwordfile> when the file named looks like a daemon secrets
 * file; null when it does not, or when it cannot be read. Never includes the secret.
 *
 * A client password may itself contain a colon ("abc:def" is a valid password), so one such line
 * is taken for a secrets file only when its name is the user sersync logs in as; two or more such
 * lines are a secrets file whatever the names.
 */
export function secretsFileProblem(
  file: string,
  where: string,
  user: string | undefined,
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
  const users = text === null ? [] : secretsFileUsers(text);
  if (users.length === 0 || (users.length === 1 && users[0] !== user)) return null;
  return (
    `${where}: ${file} looks like an rsync daemon secrets file ` +
    `(its first line is "${users[0]}:" followed by a password), ` +
    `but rsync sends the whole first line of a client password file as the password, so the login would fail. ` +
    `Make a client password file holding only the password (for example /etc/rsync-client.pas, then chmod 600 it), ` +
    `point passwordfile at it, and import again`
  );
}
