/**
 * The host's memory of the engine's log lines, for the window's Log screen (log.list): a bounded
 * ring fed from the engine's 'log' events, newest first when read, filtered by profile, minimum
 * level and words. Plain data; app-service.ts wires it, as it does the activity ring.
 *
 * Why the host keeps them rather than each window: a window opened after a failure must still
 * find rsync's own message ("see the log"), and a window that reconnects must not lose lines.
 */
import type { LogLine, LogPage } from '../../shared/contract.ts';
import type { LogLevel } from '../../shared/status.ts';

export const LOG_RING_POLICY = {
  /** Lines kept; the oldest go first. At a few hundred bytes a line, ~2 MB at most. */
  lines: 5_000,
  /** A single line's text is cut here (rsync's stderr of a bad run can be long). */
  maxChars: 8_000,
} as const;

/** Levels in rising order: a filter by level keeps that level and the ones above it. */
export const LOG_LEVEL_RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface LogQuery {
  profile?: string;
  /** The lowest level shown. */
  level?: LogLevel;
  /** Words (any case) found in the message or the profile's name. */
  query?: string;
  offset?: number;
  limit?: number;
}

export class LogRing {
  readonly #limit: number;
  readonly #lines: LogLine[] = [];
  #nextId = 1;

  constructor(limit: number = LOG_RING_POLICY.lines) {
    this.#limit = limit;
  }

  /** Takes one line in; answers it with its id, as a window then sees it. */
  add(line: Omit<LogLine, 'id'>): LogLine {
    const message =
      line.message.length > LOG_RING_POLICY.maxChars
        ? `${line.message.slice(0, LOG_RING_POLICY.maxChars)}… (cut at ${LOG_RING_POLICY.maxChars} characters)`
        : line.message;
    const kept: LogLine = { id: this.#nextId++, at: line.at, level: line.level, message, profile: line.profile };
    this.#lines.push(kept);
    if (this.#lines.length > this.#limit) this.#lines.splice(0, this.#lines.length - this.#limit);
    return kept;
  }

  /** A page of the lines matching the query, newest first, with how many match in all. */
  list(q: LogQuery = {}): LogPage {
    const needle = q.query?.trim().toLowerCase() || null;
    const min = LOG_LEVEL_RANK[q.level ?? 'debug'];
    const offset = q.offset ?? 0;
    const limit = q.limit ?? 200;
    const items: LogLine[] = [];
    let matched = 0;
    for (let i = this.#lines.length - 1; i >= 0; i--) {
      const line = this.#lines[i]!;
      if (q.profile !== undefined && line.profile !== q.profile) continue;
      if (LOG_LEVEL_RANK[line.level] < min) continue;
      if (needle && !`${line.message}\n${line.profile ?? ''}`.toLowerCase().includes(needle)) continue;
      if (matched >= offset && items.length < limit) items.push(line);
      matched++;
    }
    return { total: this.#lines.length, matched, offset, items };
  }
}
