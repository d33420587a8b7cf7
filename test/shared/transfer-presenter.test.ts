import { describe, expect, it } from 'vitest';
import type { TransferProgress } from '../../electron/shared/status.ts';
import {
  failedPhrase,
  healthLine,
  lastSyncedValue,
  reachPhrase,
  transferFacts,
} from '../../electron/shared/transfer-presenter.ts';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const now = new Date(2026, 11, 2, 14, 10, 0).getTime();

const progress = (p: Partial<TransferProgress>): TransferProgress => ({
  kind: 'batch',
  bytes: 0,
  percent: null,
  bytesPerSecond: 0,
  etaSeconds: null,
  ...p,
});

describe('transferFacts', () => {
  it.each([
    [
      progress({
        filesDone: 120,
        filesTotal: 4000,
        bytes: 1.2 * GiB,
        bytesTotal: 3.4 * GiB,
        etaSeconds: 120,
        bytesPerSecond: 4.8 * MiB,
      }),
      ['120 of 4,000 files', '1.2 GiB of 3.4 GiB', 'about 2 min left', '4.8 MiB/s'],
    ],
    [
      progress({ kind: 'full', filesDone: 1642, bytes: 5 * MiB }),
      ['1,642 files sent', '5.0 MiB sent', 'measuring the rate'],
    ],
    [progress({ bytes: 10 }), ['10 B sent', 'measuring the rate']],
  ])('%#', (p, facts) => {
    expect(transferFacts(p)).toEqual(facts);
  });
});

describe('health', () => {
  it('says reachable, unreachable since, or not contacted yet, with the last contact', () => {
    expect(healthLine({ unreachableSince: null, lastContactAt: now - 12_000 }, now)).toBe(
      'reachable · last contact 12 s ago',
    );
    expect(reachPhrase({ unreachableSince: now - 300_000, lastContactAt: now - 320_000 }, now)).toBe(
      'unreachable since 14:05 (5 min ago)',
    );
    expect(healthLine({ unreachableSince: null, lastContactAt: null }, now)).toBe('not contacted yet · no contact yet');
  });

  it('names the failed files, escaped, and counts the rest', () => {
    expect(failedPhrase({ count: 2, names: ['a.txt', 'b\nc'], at: now })).toBe(
      '2 files could not be sent: a.txt, b\\nc',
    );
    expect(failedPhrase({ count: 1_250, names: ['a', 'b', 'c', 'd'], at: now })).toBe(
      '1,250 files could not be sent: a, b, c and 1,247 more',
    );
  });

  it('says the last sync one way', () => {
    expect(lastSyncedValue(null, now)).toBe('never');
    expect(lastSyncedValue(now - 120_000, now)).toBe('2 min ago (14:08)');
  });
});
