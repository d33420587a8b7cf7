/**
 * The host's memory of recent runs: a ring of RunRecords (activity.list), each run's names as
 * the engine read them (activity.names, paged), and the newest file changes across runs
 * (activity.changes, Syncthing's "Recent changes"). Plain data; app-service.ts wires it.
 *
 * A record arrives with every name its run read (RunRecord.allNames, bounded per run by the
 * executor); the log takes them off, so what goes on to the windows is the record alone, and keeps
 * them until its total passes ACTIVITY_LOG_POLICY.namesKept — the oldest runs' lists go first,
 * and such a run's page then says how many names are gone.
 */
import type { RecentChange, RunNamesPage } from '../../shared/contract.ts';
import type { ChangeAction, FileChange, RunRecord } from '../../shared/status.ts';

export const ACTIVITY_LOG_POLICY = {
  /** Runs in the ring. */
  runs: 500,
  /** Names kept across all runs' lists (at ~60 bytes a name, ~12 MB at most). */
  namesKept: 200_000,
} as const;

interface RunNames {
  sent: readonly string[];
  deleted: readonly string[];
}

const lower = (s: string): string => s.toLowerCase();

export class ActivityLog {
  readonly #limit: number;
  readonly #namesKept: number;
  readonly #runs: RunRecord[] = [];
  readonly #names = new Map<number, RunNames>();
  #namesTotal = 0;
  #nextId = 1;

  constructor(limit: number = ACTIVITY_LOG_POLICY.runs, namesKept: number = ACTIVITY_LOG_POLICY.namesKept) {
    this.#limit = limit;
    this.#namesKept = namesKept;
  }

  /** Takes a run in; answers the record as it goes on to windows: with an id, without the full lists. */
  add(run: RunRecord): RunRecord {
    const { allNames, ...rest } = run;
    const record: RunRecord = { ...rest, id: this.#nextId++ };
    this.#runs.push(record);
    if (this.#runs.length > this.#limit) {
      for (const gone of this.#runs.splice(0, this.#runs.length - this.#limit)) this.#drop(gone.id);
    }
    const names: RunNames = {
      sent: allNames?.sent ?? record.sentNames ?? [],
      deleted: allNames?.deleted ?? record.deletedNames,
    };
    const count = names.sent.length + names.deleted.length;
    if (count > 0) {
      this.#names.set(record.id!, names);
      this.#namesTotal += count;
      // Oldest first (a Map iterates in insertion order), never the run just added.
      for (const id of this.#names.keys()) {
        if (this.#namesTotal <= this.#namesKept || id === record.id) break;
        this.#drop(id);
      }
    }
    return record;
  }

  #drop(id: number | undefined): void {
    const names = id === undefined ? undefined : this.#names.get(id);
    if (!names) return;
    this.#namesTotal -= names.sent.length + names.deleted.length;
    this.#names.delete(id!);
  }

  /**
   * The newest runs first. `query` (any case) matches a profile, a target, an error, or a name the
   * run sent, deleted or moved — all the names the host still has, not only the record's first.
   */
  list(o: { profile?: string; limit?: number; query?: string } = {}): RunRecord[] {
    const needle = o.query?.trim() ? lower(o.query.trim()) : null;
    const out: RunRecord[] = [];
    const limit = o.limit ?? 100;
    for (let i = this.#runs.length - 1; i >= 0 && out.length < limit; i--) {
      const r = this.#runs[i]!;
      if (o.profile && r.profile !== o.profile) continue;
      if (needle !== null && !this.#matches(r, needle)) continue;
      out.push(r);
    }
    return out;
  }

  #matches(r: RunRecord, needle: string): boolean {
    const words = `${r.profile}\n${r.target}\n${r.error?.message ?? ''}\n${r.error?.hint ?? ''}`;
    if (lower(words).includes(needle)) return true;
    const names = r.id === undefined ? undefined : this.#names.get(r.id);
    // Straight over the lists: a search may look through every name the host keeps.
    for (const list of [names?.sent ?? r.sentNames ?? [], names?.deleted ?? r.deletedNames])
      for (const name of list) if (lower(name).includes(needle)) return true;
    return (r.movedNames ?? []).some((m) => matchesName({ action: 'moved', name: m.from, to: m.to }, needle));
  }

  /** A run's names: sent, deleted, moved; what the host still has. */
  #items(r: RunRecord): FileChange[] {
    const names = r.id === undefined ? undefined : this.#names.get(r.id);
    const sent = names?.sent ?? [];
    const deleted = names?.deleted ?? [];
    const items: FileChange[] = [];
    for (const name of sent) items.push({ action: 'sent', name });
    for (const name of deleted) items.push({ action: 'deleted', name });
    for (const m of r.movedNames ?? []) items.push({ action: 'moved', name: m.from, to: m.to });
    return items;
  }

  /** A page of one run's names, filtered by `query` (a name substring, any case); null when the run is gone. */
  names(
    run: number,
    o: { offset?: number; limit?: number; query?: string; action?: ChangeAction } = {},
  ): RunNamesPage | null {
    const r = this.#runs.find((x) => x.id === run);
    if (!r) return null;
    const needle = o.query?.trim() ? lower(o.query.trim()) : null;
    const all = this.#items(r);
    const matching = all.filter(
      (c) => (o.action === undefined || c.action === o.action) && (needle === null || matchesName(c, needle)),
    );
    const offset = o.offset ?? 0;
    return {
      run,
      total: (r.sent ?? 0) + r.deleted + r.moved,
      kept: all.length,
      matched: matching.length,
      offset,
      items: matching.slice(offset, offset + (o.limit ?? 100)),
    };
  }

  /** The newest file changes across runs, newest run first (within a run, in rsync's order). */
  changes(o: { profile?: string; limit?: number; query?: string } = {}): RecentChange[] {
    const needle = o.query?.trim() ? lower(o.query.trim()) : null;
    const limit = o.limit ?? 100;
    const out: RecentChange[] = [];
    for (let i = this.#runs.length - 1; i >= 0 && out.length < limit; i--) {
      const r = this.#runs[i]!;
      if (o.profile && r.profile !== o.profile) continue;
      const at = r.startedAt + r.durationMs;
      for (const c of this.#items(r)) {
        if (needle !== null && !matchesName(c, needle)) continue;
        // A folder's own line says less than the files in it; folders still show in a run's list.
        if (c.action === 'sent' && c.name.endsWith('/')) continue;
        out.push({ ...c, at, run: r.id!, profile: r.profile, target: r.target });
        if (out.length >= limit) break;
      }
    }
    return out;
  }
}

function matchesName(c: FileChange, needle: string): boolean {
  return lower(c.name).includes(needle) || (c.to != null && lower(c.to).includes(needle));
}
