/**
 * Typed errors. Every failure a user can meet has a stable `code` (for the UI, the tray and tests)
 * and a `hint` that says what to do about it. Messages never contain secrets.
 */
export const ERROR_CODES = [
  // configuration and input
  'INVALID_CONFIG',
  'CONFIG_NOT_FOUND',
  'SOURCE_MISSING',
  'PASSWORD_FILE_MODE',
  'SECRETS_FILE_MODE',
  'UNSAFE_FOLDER',
  'LOCAL_ONLY',
  'PASSWORD_FILE_MISSING',
  'PASSWORD_MISSING',
  // requests to a host (API calls over IPC, HTTP or the control socket; the command line)
  /** A method the API contract does not have: the UI and the host are of different versions. */
  'UNKNOWN_METHOD',
  /** A malformed request: a payload the contract refuses, a body that is not JSON, a bad option. */
  'BAD_REQUEST',
  /** An IPC call that did not come from the app's own window. */
  'SENDER_REFUSED',
  // rsync binary
  'RSYNC_MISSING',
  'RSYNC_TOO_OLD',
  // daemon and network
  'AUTH_FAILED',
  'UNKNOWN_MODULE',
  'ACCESS_DENIED',
  'CHROOT_FAILED',
  'MAX_CONNECTIONS',
  'CONNECTION_REFUSED',
  'HOST_NOT_FOUND',
  'HOST_UNREACHABLE',
  'TIMEOUT',
  'PROTOCOL',
  // transfer
  'PARTIAL_TRANSFER',
  'VANISHED',
  'PERMISSION_DENIED',
  'DISK_FULL',
  'CANCELED',
  'RSYNC_FAILED',
  // engine and hosts
  'NOT_RUNNING',
  'ALREADY_RUNNING',
  /** `serve` cannot listen on the port it was given. */
  'PORT_IN_USE',
  /** A mass deletion was to be confirmed or refused, but none is waiting. */
  'NOTHING_HELD',
  /** The host cannot do this (a desktop-only setting on a server, opening a folder in a browser). */
  'UNSUPPORTED',
  'UNKNOWN_PROFILE',
  /** A hook command set or changed through the API (window, import): only the config file sets one. */
  'HOOK_COMMAND_REFUSED',
  /** fs.inotify.max_user_watches is below the watched tree's folder count: changes found by rescans. */
  'WATCH_LIMIT',
  // restore (core/restore)
  /** A whole-profile restore into a folder that already holds files (without force). */
  'NOT_EMPTY',
  /** A restore would replace local files that differ, and no choice was given for them. */
  'RESTORE_CONFLICT',
  /** A path or version asked for is not on the backup. */
  'NOT_ON_BACKUP',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The plain shape that crosses process boundaries (IPC, JSON lines, the control socket). */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  hint: string;
}

export class RsyncTrayError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;

  constructor(code: ErrorCode, message: string, hint: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RsyncTrayError';
    this.code = code;
    this.hint = hint;
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message, hint: this.hint };
  }
}

/** Any thrown value as an ErrorInfo; unknown errors keep their message but get code INTERNAL. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof RsyncTrayError) return error.toInfo();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message, hint: 'This is a bug in Rsync Tray; please report it with the log.' };
}

/** "message — hint", the one-line form used in logs and the CLI. */
export function formatError(info: ErrorInfo): string {
  return info.hint ? `${info.message} — ${info.hint}` : info.message;
}

/**
 * What `rsync-tray` exits with when a command stops on an error: the one table, by error code,
 * and the default for every code it does not name. A command that ran to its end exits 0, or 1
 * when what it checked failed (a sync, a connection test, a validation, a status with errors).
 */
export const CLI_EXIT_CODES: Readonly<Partial<Record<ErrorCode, number>>> = {
  /** No engine runs for this config (status, pause, resume, confirm-/refuse-deletions). */
  NOT_RUNNING: 3,
  /** An unexpected failure (a bug): like a failed sync, not the user's input. */
  INTERNAL: 1,
};
/** Everything else is bad input: the command line, the config, or a request the engine refused. */
export const CLI_EXIT_DEFAULT = 2;

export function cliExitCode(code: ErrorCode): number {
  return CLI_EXIT_CODES[code] ?? CLI_EXIT_DEFAULT;
}
