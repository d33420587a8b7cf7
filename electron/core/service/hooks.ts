/**
 * What a profile's hooks do when an incident fires (core/sync/incident.ts): run its command with
 * the facts in RSYNC_TRAY_* environment variables, and ping its URLs (the healthchecks.io
 * convention: URL on success, URL/fail on failure). Both under a timeout, so a hung hook holds
 * nothing back: the command's whole process group is killed, the ping aborted. Never a secret in
 * the environment: the facts are names, codes and the error's words (which never carry one).
 */
import { spawn } from 'node:child_process';
import { type Clock, systemClock } from '../sync/clock.ts';
import type { IncidentFire } from '../sync/incident.ts';

export const HOOK_POLICY = {
  commandTimeoutMs: 30_000,
  pingTimeoutMs: 10_000,
  /** SIGTERM first; SIGKILL this long after if the group is still there. */
  killGraceMs: 2_000,
} as const;

export interface HookOutcome {
  ok: boolean;
  /** exit code, or null when killed/never started */
  code: number | null;
  timedOut: boolean;
  error?: string;
}

/** The environment a hook command sees, beside the service's own (PATH, HOME…). */
export function hookEnv(profile: string, fire: IncidentFire): Record<string, string> {
  const env: Record<string, string> = {
    RSYNC_TRAY_EVENT: fire.event,
    RSYNC_TRAY_PROFILE: profile,
    RSYNC_TRAY_TARGET: fire.target,
  };
  if (fire.code) env.RSYNC_TRAY_ERROR_CODE = fire.code;
  if (fire.message) env.RSYNC_TRAY_MESSAGE = fire.message;
  if (fire.heldCount !== undefined) env.RSYNC_TRAY_HELD_COUNT = String(fire.heldCount);
  return env;
}

/**
 * Runs `command` through /bin/sh in a process group of its own, so a timeout ends everything it
 * started (a `sleep` in a pipeline too), not only the shell.
 */
export function runHookCommand(
  command: string,
  env: Record<string, string>,
  o: { timeoutMs?: number; clock?: Clock } = {},
): Promise<HookOutcome> {
  const clock = o.clock ?? systemClock;
  const timeoutMs = o.timeoutMs ?? HOOK_POLICY.commandTimeoutMs;
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, ...env },
    });
    let timedOut = false;
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    let killTimer: ReturnType<Clock['setTimeout']> | null = null;
    const timer = clock.setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      killTimer = clock.setTimeout(() => killGroup('SIGKILL'), HOOK_POLICY.killGraceMs);
    }, timeoutMs);
    child.on('error', (error) => {
      clock.clearTimeout(timer);
      resolve({ ok: false, code: null, timedOut: false, error: error.message });
    });
    child.on('exit', (code) => {
      clock.clearTimeout(timer);
      if (timedOut) {
        // The shell is gone; make sure what it started is too.
        killGroup('SIGKILL');
        clock.clearTimeout(killTimer);
      }
      resolve({ ok: !timedOut && code === 0, code, timedOut });
    });
  });
}

/** healthchecks.io: the URL itself for success and recovery, URL/fail for failure and a held deletion. */
export function pingAddress(base: string, event: IncidentFire['event'] | 'success'): string {
  if (event === 'success' || event === 'recovery') return base;
  return `${base.replace(/\/+$/, '')}/fail`;
}

export async function pingHook(
  base: string,
  event: IncidentFire['event'] | 'success',
  timeoutMs: number = HOOK_POLICY.pingTimeoutMs,
): Promise<HookOutcome> {
  try {
    const reply = await fetch(pingAddress(base, event), { method: 'GET', signal: AbortSignal.timeout(timeoutMs) });
    await reply.body?.cancel();
    return { ok: reply.ok, code: reply.status, timedOut: false };
  } catch (error) {
    const timedOut = (error as { name?: string }).name === 'TimeoutError';
    return { ok: false, code: null, timedOut, error: timedOut ? `no answer in ${timeoutMs} ms` : String(error) };
  }
}
