/**
 * How each run outcome reads in the Activity table: its word, its colour and what it means. A
 * table, so a new outcome is one row; a host newer than the window may send one it does not know.
 */
import type { RunRecord } from '@shared/status.ts';

export interface OutcomeLook {
  label: string;
  tone: string;
  meaning: string;
}

export const OUTCOME: Record<RunRecord['outcome'], OutcomeLook> = {
  ok: { label: 'Done', tone: 'ok', meaning: 'Every file reached the backup.' },
  held: {
    label: 'Deletions held',
    tone: 'warn',
    meaning: 'Everything was sent, but a mass deletion waits for your confirmation.',
  },
  vanished: {
    label: 'Done',
    tone: 'ok',
    meaning: 'Some files vanished while being sent (normal while files churn); they are sent again when they reappear.',
  },
  retry: { label: 'Will retry', tone: 'warn', meaning: 'Failed; tried again automatically.' },
  fatal: { label: 'Failed', tone: 'error', meaning: 'Failed; needs you to fix something.' },
  canceled: {
    label: 'Canceled',
    tone: 'off',
    meaning: 'Stopped before it finished (pause, quit or a changed profile).',
  },
};

/** The look of a run's outcome; the bare word for one this window does not know. */
export const outcomeOf = (r: RunRecord): OutcomeLook =>
  OUTCOME[r.outcome] ?? { label: r.outcome, tone: 'off', meaning: '' };
