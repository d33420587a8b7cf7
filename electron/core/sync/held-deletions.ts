/**
 * A target's deletions as a person sees them: the budget they spend (deletion-budget.ts), the
 * deletion held until someone decides, and the names it would remove — kept here whole, so the
 * window can page through them while the status carries only the first few.
 */
import { toErrorInfo } from '../../shared/errors.ts';
import { targetUrl, type Profile, type Target } from '../../shared/profile-schema.ts';
import type { DeletionHold, HeldReview, SafetyNetPlace } from '../../shared/status.ts';
import { resolveAuth, type SecretStore } from '../rsync/auth.ts';
import { diagnoseContextOf } from '../rsync/rsync-diagnostics.ts';
import { DELETED_DIR } from '../rsync/rsync-args.ts';
import { listTarget } from '../rsync/rsync-listing.ts';
import type { RsyncCapabilities } from '../rsync/rsync-probe.ts';
import type { RunResult } from '../rsync/rsync-runner.ts';
import type { Clock } from './clock.ts';
import { DeletionBudget, type BudgetJudgement } from './deletion-budget.ts';
import { DELETION_BUDGET_POLICY } from './deletion-guard.ts';
import type { FullPassMemory } from './full-pass.ts';
import { formatCount, whereDeletionsGo } from '../../shared/presenter.ts';
import { reviewHeld, searchableNames, type HeldPage } from './held-review.ts';

type Log = (level: 'info' | 'warn', message: string) => void;

/** Where the held names are, to ask their sizes (the target's own address and auth). */
export interface BackupAccess {
  target: Target;
  caps: Pick<RsyncCapabilities, 'path'>;
  secrets?: SecretStore;
  listTarget?: typeof listTarget;
}

/** The sizes of one list of held names, or why they are not known. */
type Sizes = { of: readonly string[]; sizes: Promise<ReadonlyMap<string, number> | Error> };

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
  readonly #backup: BackupAccess | undefined;
  /**
   * Listed on the first look at a hold, not with every status: one rsync per hold (its names are
   * at most namesKept, so the map is bounded). A new list of names (a join) lists again.
   */
  #sizes: Sizes | null = null;
  #searchable: { of: readonly string[]; names: string[] } | null = null;

  constructor(clock: Clock, profile: Profile, backup?: BackupAccess) {
    this.#clock = clock;
    this.#profile = profile;
    this.budget = new DeletionBudget(clock);
    this.#backup = backup;
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

  /**
   * A page of the names held that match a search under a folder, with their sizes on the backup
   * and the totals per folder (held-review.ts). The first look lists the sizes (one rsync).
   */
  async review(page: HeldPage): Promise<Omit<HeldReview, 'target'>> {
    const hold = this.memory.hold;
    const names = this.#names;
    const listed = await (hold && names.length > 0 ? this.#sizesOf(names) : null);
    const sizes = listed instanceof Error ? null : listed;
    const searchable = () => {
      if (this.#searchable?.of !== names) this.#searchable = { of: names, names: searchableNames(names) };
      return this.#searchable.names;
    };
    const note = !this.#backup
      ? 'Sizes are not known here.'
      : listed instanceof Error
        ? `Sizes could not be read from the backup: ${listed.message}`
        : '';
    return {
      total: hold?.deletions ?? 0,
      listed: names.length,
      sizesNote: note,
      ...reviewHeld({ names: hold ? names : [], searchable, sizes }, page),
    };
  }

  #sizesOf(names: readonly string[]): Promise<ReadonlyMap<string, number> | Error> | null {
    const backup = this.#backup;
    if (!backup) return null;
    if (this.#sizes?.of === names) return this.#sizes.sizes;
    const sizes = listSizes(backup, this.#profile, names).then((map) => {
      // A failure is not kept: the next look asks again (the daemon may be back).
      if (map instanceof Error && this.#sizes?.of === names) this.#sizes = null;
      return map;
    });
    this.#sizes = { of: names, sizes };
    return sizes;
  }

  /** A person confirmed: the next full pass may delete what was counted, spending nothing. */
  confirm(key: string, log: Log): DeletionHold | null {
    const hold = this.memory.hold;
    if (!hold) return null;
    log(
      'info',
      `Deletions on ${key} confirmed (${formatCount(hold.deletions)}); the next full sync carries them out: ` +
        `${whereDeletionsGo(hold.safetyNet)}.`,
    );
    this.memory.confirmed = hold;
    this.memory.hold = null;
    this.#names = [];
    this.#sizes = null;
    this.budget.forgive();
    return hold;
  }

  /** A person refused: nothing is deleted; the next count asks again. */
  refuse(key: string, log: Log): DeletionHold | null {
    const hold = this.memory.hold;
    if (!hold) return null;
    const before =
      hold.alreadyDeleted > 0
        ? ` (the ${formatCount(hold.alreadyDeleted)} deleted before the hold were ${whereDeletionsGo(hold.safetyNet)})`
        : '';
    log(
      'warn',
      `Deletions on ${key} refused (${formatCount(hold.deletions)}); none was deleted${before}, and syncing is paused.`,
    );
    this.memory.hold = null;
    this.#names = [];
    this.#sizes = null;
    return hold;
  }
}

/** The sizes of held names on the backup (files and links; folders are totalled from them). */
async function listSizes(
  backup: BackupAccess,
  profile: Pick<Profile, 'timeoutSeconds'>,
  names: readonly string[],
): Promise<ReadonlyMap<string, number> | Error> {
  const { target, caps, secrets } = backup;
  try {
    const entries = await (backup.listTarget ?? listTarget)({
      rsyncPath: caps.path,
      url: targetUrl(target),
      auth: await resolveAuth(target, secrets),
      where: diagnoseContextOf(target),
      timeoutSeconds: profile.timeoutSeconds,
      paths: names.filter((n) => !n.endsWith('/')),
    });
    return new Map(entries.filter((e) => e.kind !== 'folder').map((e) => [e.name, e.size]));
  } catch (error) {
    return new Error(toErrorInfo(error).message);
  }
}
