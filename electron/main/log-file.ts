/**
 * The log the tray's "Open the log" shows: one line per engine log event and per rsync run, in the
 * user-data folder, rotated at a size limit (one previous file kept). Written synchronously:
 * lines are few (events, not file lists), and a quit or a crash must not lose the last ones.
 * Engine messages arrive already redacted; nothing here ever sees a password.
 */
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import type { EngineEvent, LogLevel, RunRecord } from '../shared/status.ts';
import { formatError } from '../shared/errors.ts';
import { formatBytes, formatDuration, plural, runEffectPhrase } from '../shared/presenter.ts';

export interface LogFile {
  readonly path: string;
  write(level: LogLevel, message: string, profile?: string): void;
  event(event: EngineEvent): void;
}

export function formatLogLine(at: number, level: LogLevel, message: string, profile?: string): string {
  const text = message.replace(/\r?\n/g, '\n    ');
  return `${new Date(at).toISOString()} ${level.toUpperCase().padEnd(5)} ${profile ? `[${profile}] ` : ''}${text}\n`;
}

/** A run in the window's and the CLI's words (the presenter's): "3 changes to t: 2 items sent, 2.0 KiB in 1.2 s". */
export function describeRun(run: RunRecord): { level: LogLevel; message: string } {
  const what = `${run.kind === 'full' ? 'full sync' : plural(run.paths, 'change')} to ${run.target}`;
  const took = formatDuration(run.durationMs);
  switch (run.outcome) {
    case 'ok':
      return { level: 'info', message: `${what}: ${runEffectPhrase(run)}, ${formatBytes(run.bytes)} in ${took}` };
    case 'vanished':
      return { level: 'info', message: `${what}: some files vanished while copying; they go round again (${took})` };
    case 'canceled':
      return { level: 'info', message: `${what}: canceled after ${took}` };
    case 'held':
      return {
        level: 'warn',
        message:
          `${what}: ${runEffectPhrase(run)} in ${took}; ` +
          `a mass deletion is held back until someone confirms it in the window`,
      };
    default:
      return {
        level: run.outcome === 'fatal' ? 'error' : 'warn',
        message: `${what} failed after ${took}: ${run.error ? formatError(run.error) : 'no diagnosis'}`,
      };
  }
}

export function createLogFile(file: string, options: { maxBytes?: number; now?: () => number } = {}): LogFile {
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const now = options.now ?? Date.now;
  mkdirSync(path.dirname(file), { recursive: true });
  let written = 0;
  try {
    written = statSync(file).size;
  } catch {
    written = 0;
  }
  const write = (line: string): void => {
    if (written + line.length > maxBytes && written > 0) {
      renameSync(file, `${file}.1`);
      written = 0;
    }
    appendFileSync(file, line, { mode: 0o600 });
    written += Buffer.byteLength(line);
  };
  return {
    path: file,
    write: (level, message, profile) => write(formatLogLine(now(), level, message, profile)),
    event(event) {
      if (event.type === 'log') write(formatLogLine(event.at, event.level, event.message, event.profile));
      else if (event.type === 'run') {
        const { level, message } = describeRun(event.run);
        write(formatLogLine(event.at, level, message, event.run.profile));
      }
      // Status events are the tray's business, not the log's: they arrive several times a second.
    },
  };
}
