/** The STATUS= line `systemctl status` shows: profiles counted by state, worst first, and the last sync. */
import { describe, expect, it } from 'vitest';
import { serviceStatusLine } from '../../electron/headless/service/status-line.ts';
import type { ProfileStatus, SyncState } from '../../electron/shared/status.ts';

const at = (h: number, m: number) => new Date(2026, 11, 2, h, m).getTime();
const profile = (state: SyncState, lastSuccessAt: number | null): ProfileStatus => ({
  name: state,
  state,
  pending: 0,
  lastSuccessAt,
  lastError: null,
  watch: { mode: 'watching', note: null },
  targets: [],
});

describe('serviceStatusLine', () => {
  it('counts the profiles by state, worst first, with the newest sync as a clock', () => {
    const line = serviceStatusLine(
      [profile('idle', at(11, 50)), profile('syncing', at(12, 3)), profile('idle', null)],
      at(12, 10),
    );
    expect(line).toBe('1 profile syncing, 2 current, last sync 12:03');
  });

  it('says when nothing has synced yet, and when there are no profiles', () => {
    expect(serviceStatusLine([profile('scanning', null)], at(9, 0))).toBe('1 profile checking, no sync yet');
    expect(serviceStatusLine([], at(9, 0))).toMatch(/^no profiles/);
  });

  it('writes big counts with a thousands comma', () => {
    const many = Array.from({ length: 1_642 }, () => profile('idle', at(8, 0)));
    expect(serviceStatusLine(many, at(9, 0))).toBe('1,642 profiles current, last sync 08:00');
  });
});
