/**
 * The host's activity log (core/service/activity-log.ts): the ring of runs, each run's full name
 * lists taken off the record and kept within a total, searched by file name, paged, and the
 * recent changes across runs.
 */
import { describe, expect, it } from 'vitest';
import { ActivityLog } from '../../electron/core/service/activity-log.ts';
import type { RunRecord } from '../../electron/shared/status.ts';

let at = 1_000_000;
function run(sent: string[], deleted: string[] = [], over: Partial<RunRecord> = {}): RunRecord {
  at += 1_000;
  return {
    profile: 'docs',
    target: 'h:873/m',
    kind: 'batch',
    startedAt: at,
    durationMs: 50,
    paths: sent.length + deleted.length,
    files: sent.length,
    bytes: 10,
    latencyMs: null,
    deleted: deleted.length,
    moved: 0,
    deletedNames: deleted.slice(0, 2),
    outcome: 'ok',
    error: null,
    sent: sent.length,
    sentNames: sent.slice(0, 2),
    allNames: { sent, deleted },
    ...over,
  };
}

const many = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}/f${i}.txt`);

describe('ActivityLog', () => {
  it('numbers each run and keeps its full lists on the host, not in the record it passes on', () => {
    const log = new ActivityLog();
    const a = log.add(run(many('a', 5)));
    const b = log.add(run(['x']));
    expect([a.id, b.id]).toEqual([1, 2]);
    expect(a.allNames).toBeUndefined();
    expect(a.sentNames).toEqual(['a/f0.txt', 'a/f1.txt']);
    expect(log.names(1, { offset: 3, limit: 10 })).toEqual({
      run: 1,
      total: 5,
      kept: 5,
      matched: 5,
      offset: 3,
      items: [
        { action: 'sent', name: 'a/f3.txt' },
        { action: 'sent', name: 'a/f4.txt' },
      ],
    });
    expect(log.names(99)).toBeNull();
  });

  it('finds a run by any name it sent, deleted or moved (any case), or by its words', () => {
    const log = new ActivityLog();
    log.add(run(many('photos', 500)));
    log.add(run([], ['Old Report.PDF']));
    log.add(run([], [], { moved: 1, movedNames: [{ from: 'drafts', to: 'archive/drafts' }] }));
    log.add(run(['z'], [], { outcome: 'retry', error: { code: 'AUTH_FAILED', message: 'Wrong password', hint: '' } }));
    // Past the record's first two names: the host's list.
    expect(log.list({ query: 'f499.TXT' }).map((r) => r.id)).toEqual([1]);
    expect(log.list({ query: 'old report' }).map((r) => r.id)).toEqual([2]);
    expect(log.list({ query: 'archive/' }).map((r) => r.id)).toEqual([3]);
    expect(log.list({ query: 'password' }).map((r) => r.id)).toEqual([4]);
    expect(log.list({ query: 'nowhere' })).toEqual([]);
    expect(log.list().map((r) => r.id)).toEqual([4, 3, 2, 1]);
    expect(log.list({ limit: 2, profile: 'docs' }).map((r) => r.id)).toEqual([4, 3]);
    expect(log.names(1, { query: 'f49', limit: 3 })).toMatchObject({
      matched: 11,
      items: [{ name: 'photos/f49.txt' }, {}, {}],
    });
    expect(log.names(3)!.items).toEqual([{ action: 'moved', name: 'drafts', to: 'archive/drafts' }]);
  });

  it('keeps names within its total: the oldest runs lose their lists first, and their pages say so', () => {
    const log = new ActivityLog(500, 1_000);
    log.add(run(many('old', 600)));
    log.add(run(many('mid', 300)));
    log.add(run(many('new', 300)));
    // 1,200 > 1,000: the oldest run's list went; its record (and first names) stay.
    expect(log.names(1)).toMatchObject({ total: 600, kept: 0, items: [] });
    expect(log.names(2)).toMatchObject({ total: 300, kept: 300 });
    expect(log.list({ query: 'old/f0.txt' }).map((r) => r.id)).toEqual([1]); // still in the record
    expect(log.list({ query: 'old/f599.txt' })).toEqual([]);
    // A run bigger than the whole total keeps its list until the next one comes.
    log.add(run(many('huge', 1_500)));
    expect(log.names(4)).toMatchObject({ kept: 1_500 });
    expect(log.names(3)).toMatchObject({ kept: 0 });
  });

  it('drops the oldest runs past its ring, with their names', () => {
    const log = new ActivityLog(3);
    for (let i = 0; i < 5; i++) log.add(run([`r${i}`]));
    expect(log.list().map((r) => r.id)).toEqual([5, 4, 3]);
    expect(log.names(1)).toBeNull();
  });

  it('lists the newest file changes across runs, newest run first, without folders', () => {
    const log = new ActivityLog();
    log.add(run(['a.txt', 'dir/', 'dir/b.txt'], ['gone.txt'], { profile: 'docs' }));
    log.add(run(['c.txt'], [], { profile: 'photos' }));
    const changes = log.changes({ limit: 10 });
    expect(changes.map((c) => [c.run, c.profile, c.action, c.name])).toEqual([
      [2, 'photos', 'sent', 'c.txt'],
      [1, 'docs', 'sent', 'a.txt'],
      [1, 'docs', 'sent', 'dir/b.txt'],
      [1, 'docs', 'deleted', 'gone.txt'],
    ]);
    expect(changes[0]!.at).toBe(at + 50);
    expect(log.changes({ limit: 2 })).toHaveLength(2);
    expect(log.changes({ profile: 'docs', query: 'GONE' }).map((c) => c.name)).toEqual(['gone.txt']);
  });
});
