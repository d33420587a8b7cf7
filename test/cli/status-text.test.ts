import { describe, expect, it } from 'vitest';
import { statusText } from '../../electron/headless/commands/status-text.ts';
import type { ProfileStatus, TargetStatus } from '../../electron/shared/status.ts';

const now = new Date(2026, 11, 2, 14, 10, 0).getTime();
const MiB = 1024 ** 2;

function target(t: Partial<TargetStatus>): TargetStatus {
  return {
    key: 'rsync://127.0.0.1:8730/backup',
    state: 'idle',
    pending: 0,
    lastSuccessAt: now - 120_000,
    lastFullSyncAt: now - 3_600_000,
    lastError: null,
    retry: null,
    unreachableSince: null,
    hold: null,
    progress: null,
    totals: { runs: 1, files: 1, bytes: 1, failures: 0 },
    lastContactAt: now - 12_000,
    ...t,
  };
}

const profile = (targets: TargetStatus[]): ProfileStatus => ({
  name: 'docs',
  state: targets[0]!.state,
  pending: targets[0]!.pending,
  lastSuccessAt: targets[0]!.lastSuccessAt,
  lastError: null,
  watch: { mode: 'watching', note: null },
  targets,
});

describe('rsync-tray status text', () => {
  it('shows the transfer, the server health, the last sync and failed items under each target', () => {
    const text = statusText(
      [
        profile([
          target({
            state: 'syncing',
            pending: 3_880,
            progress: {
              kind: 'batch',
              bytes: 12 * MiB,
              bytesTotal: 40 * MiB,
              percent: 30,
              bytesPerSecond: 4.8 * MiB,
              etaSeconds: 6,
              filesDone: 120,
              filesTotal: 4_000,
            },
            failed: { count: 2, names: ['secret.txt', 'private'], at: now - 60_000 },
          }),
        ]),
      ],
      now,
    );
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^docs: syncing/);
    expect(lines[1]).toMatch(/^ {2}rsync:\/\/127\.0\.0\.1:8730\/backup: syncing/);
    expect(lines.slice(2)).toEqual([
      '    transfer: 120 of 4,000 files · 12 MiB of 40 MiB · 6 s left · 4.8 MiB/s',
      '    server: reachable · last contact 12 s ago',
      '    last synced: 2 min ago (14:08)',
      '    failed: 2 files could not be sent: secret.txt, private',
    ]);
  });

  it('says since when a server has not answered', () => {
    const text = statusText([profile([target({ state: 'retrying', unreachableSince: now - 300_000 })])], now);
    expect(text).toContain('    server: unreachable since 14:05 (5 min ago) · last contact 12 s ago');
  });
});
