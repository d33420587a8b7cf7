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
  'PASSWORD_FILE_MISSING',
  'PASSWORD_MISSING',
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
  /** The host cannot do this (a desktop-only setting on a server, opening a folder in a browser). */
  'UNSUPPORTED',
  'UNKNOWN_PROFILE',
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
