/**
 * A target's deletions as a person sees them: the budget they spend (deletion-budget.ts), the
 * deletion held until someone decides, and the names it would remove — kept here whole, so the
 * window can page through them while the status carries only the first few.
 */
import type { Profile } from '../../shared/profile-schema.ts';
import type { DeletionHold, SafetyNetPlace } from '../../shared/status.ts';
import { DELETED_DIR } from '../rsync/rsync-args.ts';
import type { RunResult } from '../rsync/rsync-runner.ts';
import type { Clock } from './clock.ts';
import { DeletionBudget, type BudgetJudgement } from './deletion-budget.ts';
import { DELETION_BUDGET_POLICY } from './deletion-guard.ts';
import type { FullPassMemory } from './full-pass.ts';
import { whereDeletionsGo } from '../../shared/presenter.ts';

type Log = (level: 'info' | 'warn', message: string) => void;

/** Where deletions on a target go today: the safety net's dated folder, or nowhere. */
export function safetyNetPlace(profile: Pick<Profile, 'keepDeletedDays'>, now: number): SafetyNetPlace | null {
  if (profile.keepDeletedDays <= 0) return null;
  return { folder: `${DELETED_DIR}/${new Date(now).toISOString().slice(0, 10)}`, days: profile.keepDeletedDays };
}

export class HeldDeletions {
  readonly budget: DeletionBudget;
  /** What the full pass remembers between passes (full-pass.ts); the hold lives here. */
  readonly memory: FullPassMemory = { hold: null, confirmed: null, recounted: false };
  readonly #clock: Clock;
  readonly #profile: Profile;
  #names: string[] = [];
  /** Deletions the next batch run carries that are moves (see moving). */
  #moving = 0;

  constructor(clock: Clock, profile: Profile) {
    this.#clock = clock;
    this.#profile = profile;
    this.budget = new DeletionBudget(clock);
  }

  /** What the passes (batch-pass.ts, full-pass.ts) ask of the budget and the hold. */
  readonly io = {
    budget: (deletions: number, c: { sourceEmpty: boolean; backupEntries?: number }): BudgetJudgement =>
      this.budget.judge(deletions, { ...c, maxDeletePercent: this.#profile.maxDeletePercent }),
    counted: (backupEntries: number): void => this.budget.counted(backupEntries),
    hold: (count: number, names: readonly string[] | null, { verdict, alreadyDeleted }: BudgetJudgement): void => {
      if (!verdict.allow) this.#hold(count, names, { ...verdict, alreadyDeleted });
    },
    /**
     * The next batch run deletes this many entries under paths that moved elsewhere in the
     * source. They spend the budget only as far as that run does not create as many again (a
     * folder moved into an excluded one reaches the backup nowhere: that is a deletion).
     */
    moving: (count: number): void => {
      this.#moving = count;
    },
    /** Deletions seen while a hold waits join it, counted and named: none of them goes either. */
    join: (count: number, names: readonly string[]): void => {
      const hold = this.memory.hold;
      if (!hold || count === 0) return;
      const total = hold.deletions + count;
      const { verdict, alreadyDeleted } = this.io.budget(total, { sourceEmpty: false });
      // Past the window the stream may be judged allowed: it still waits for a person, as held.
      this.#hold(total, [...this.#names, ...names], verdict.allow ? hold : { ...verdict, alreadyDeleted });
    },
  };

  get hold(): DeletionHold | null {
    return this.memory.hold;
  }

  /** Replays a hold from the journal (its names come back with the next count). */
  restore(hold: DeletionHold | null): void {
    this.memory.hold = hold;
    this.#names = hold ? [...hold.sample] : [];
  }

  /** Holds `count` deletions, for the reason given; null names: those already held (the same count). */
  #hold(
    count: number,
    names: readonly string[] | null,
    why: Pick<DeletionHold, 'alreadyDeleted' | 'backupEntries' | 'reason'>,
  ): void {
    if (names !== null) this.#names = names.slice(0, DELETION_BUDGET_POLICY.namesKept);
    const now = this.#clock.now();
    this.memory.hold = {
      deletions: count,
      alreadyDeleted: why.alreadyDeleted,
      windowMinutes: Math.round(DELETION_BUDGET_POLICY.windowMs / 60_000),
      backupEntries: why.backupEntries,
      reason: why.reason,
      since: this.memory.hold?.since ?? now,
      sample: this.#names.slice(0, DELETION_BUDGET_POLICY.sampleNames),
      listed: this.#names.length,
      safetyNet: safetyNetPlace(this.#profile, now),
    };
  }

  /** A page of the names held, in rsync's order ("folder/" for a folder). */
  names(offset: number, limit: number): { total: number; listed: number; names: string[] } {
    const hold = this.memory.hold;
    if (!hold) return { total: 0, listed: 0, names: [] };
    return { total: hold.deletions, listed: this.#names.length, names: this.#names.slice(offset, offset + limit) };
  }

  /** A run ended: what it created and deleted keeps the budget's picture of the backup true. */
  ran(kind: 'full' | 'batch', result: RunResult, dryRun: boolean): void {
    if (dryRun) return;
    const confirmed = kind === 'full' && this.memory.confirmed !== null;
    const created = result.stats?.created ?? 0;
    const moved = kind === 'batch' ? Math.min(this.#moving, created) : 0;
    this.#moving = 0;
    this.budget.ran(created, result.deletions?.count ?? 0, confirmed, moved);
  }

  /** A person confirmed: the next full pass may delete what was counted, spending nothing. */
  confirm(key: string, log: Log): DeletionHold | null {
    const hold = this.memory.hold;
    if (!hold) return null;
    log(
      'info',
      `Deletions on ${key} confirmed (${hold.deletions}); the next full sync carries them out: ` +
        `${whereDeletionsGo(hold.safetyNet)}.`,
    );
    this.memory.confirmed = hold;
    this.memory.hold = null;
    this.#names = [];
    this.budget.forgive();
    return hold;
  }

  /** A person refused: nothing is deleted; the next count asks again. */
  refuse(key: string, log: Log): DeletionHold | null {
    const hold = this.memory.hold;
    if (!hold) return null;
    const before =
      hold.alreadyDeleted > 0
        ? ` (the ${hold.alreadyDeleted} deleted before the hold were ${whereDeletionsGo(hold.safetyNet)})`
        : '';
    log('warn', `Deletions on ${key} refused (${hold.deletions}); none was deleted${before}, and syncing is paused.`);
    this.memory.hold = null;
    this.#names = [];
    return hold;
  }
}
