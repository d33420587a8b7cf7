/**
 * Backoff for a target that fails: exponential with a cap and jitter, never giving up. Errors a
 * person must fix (wrong password, unknown module) are retried too — the daemon may be fixed
 * rather than the profile — but slowly, and the status says "error", not "retrying".
 */
import type { ErrorCode } from '../../shared/errors.ts';

export const NEEDS_A_PERSON: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'AUTH_FAILED',
  'UNKNOWN_MODULE',
  'ACCESS_DENIED',
  'CHROOT_FAILED',
  'PASSWORD_FILE_MODE',
  'SECRETS_FILE_MODE',
  'PASSWORD_FILE_MISSING',
  'PASSWORD_MISSING',
  'SOURCE_MISSING',
  'RSYNC_MISSING',
  'RSYNC_TOO_OLD',
  'PERMISSION_DENIED',
  'DISK_FULL',
  'PROTOCOL',
  'HOST_NOT_FOUND',
]);

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  /** Start and cap for errors in NEEDS_A_PERSON: a wrong password retried every second would
   *  fill the daemon's log and trip fail2ban. */
  slowBaseMs: number;
  slowCapMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 60_000, slowBaseMs: 30_000, slowCapMs: 300_000 };

/** Delay before attempt `attempt` (1-based) — "full jitter" halved: between 50 % and 100 %. */
export function backoffDelay(attempt: number, code: ErrorCode, policy = DEFAULT_BACKOFF, random = Math.random): number {
  const slow = NEEDS_A_PERSON.has(code);
  const cap = slow ? policy.slowCapMs : policy.capMs;
  const raw = Math.min(cap, (slow ? policy.slowBaseMs : policy.baseMs) * 2 ** Math.min(attempt - 1, 30));
  return Math.round(raw * (0.5 + random() * 0.5));
}
