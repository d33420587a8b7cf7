/**
 * One target's deletion budget: what was deleted on the backup without a person's confirmation
 * in the rolling window, and how many entries the backup holds — the two numbers the guard
 * (deletion-guard.ts) needs to judge the next deletion as part of a stream rather than alone.
 *
 * The backup's size comes from the last full pass's count and is kept up to date by every run
 * (created entries add, deleted ones subtract), so a batch is judged without listing the backup.
 * Time comes from the target's clock: test/core/deletion-budget.test.ts checks the window to the
 * millisecond.
 */
import type { Clock } from './clock.ts';
import { DELETION_BUDGET_POLICY, judgeDeletions, type DeletionVerdict } from './deletion-guard.ts';

export interface BudgetJudgement {
  verdict: DeletionVerdict;
  alreadyDeleted: number;
}

export class DeletionBudget {
  readonly #clock: Clock;
  readonly #windowMs: number;
  #spent: Array<{ at: number; count: number }> = [];
  #backupEntries: number | null = null;

  constructor(clock: Clock, windowMs: number = DELETION_BUDGET_POLICY.windowMs) {
    this.#clock = clock;
    this.#windowMs = windowMs;
  }

  /** Deleted without confirmation within the window. */
  get alreadyDeleted(): number {
    const from = this.#clock.now() - this.#windowMs;
    this.#spent = this.#spent.filter((s) => s.at > from);
    return this.#spent.reduce((sum, s) => sum + s.count, 0);
  }

  /** What the backup holds, as far as the last count and the runs since tell; null before any count. */
  get backupEntries(): number | null {
    return this.#backupEntries;
  }

  /** A full pass counted the backup (its entries before that pass deleted anything). */
  counted(backupEntries: number): void {
    this.#backupEntries = backupEntries;
  }

  /**
   * A run created and deleted entries on the backup. `confirmed` deletions spend nothing, nor do
   * `moved` ones: a folder renamed within the source is deleted at its old path and created at
   * the new one, and the backup lost nothing.
   */
  ran(created: number, deleted: number, confirmed = false, moved = 0): void {
    if (this.#backupEntries !== null) this.#backupEntries = Math.max(0, this.#backupEntries + created - deleted);
    const spent = confirmed ? 0 : deleted - Math.min(moved, deleted);
    if (spent > 0) this.#spent.push({ at: this.#clock.now(), count: spent });
  }

  /** A person confirmed a hold: what went before was shown to them, and the window starts afresh. */
  forgive(): void {
    this.#spent = [];
  }

  /**
   * Judges a pass that would delete `deletions` entries. Before any count the backup's size is
   * unknown: the pass is judged as if it were all of it (a hold, unless below the minimum).
   */
  judge(
    deletions: number,
    c: { sourceEmpty: boolean; maxDeletePercent: number; backupEntries?: number },
  ): BudgetJudgement {
    const alreadyDeleted = this.alreadyDeleted;
    const backupEntries = c.backupEntries ?? this.#backupEntries ?? deletions;
    const verdict = judgeDeletions({
      deletions,
      alreadyDeleted,
      backupEntries,
      sourceEmpty: c.sourceEmpty,
      maxDeletePercent: c.maxDeletePercent,
    });
    return { verdict, alreadyDeleted };
  }
}
