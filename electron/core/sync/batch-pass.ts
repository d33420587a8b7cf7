/**
 * A batch pass: the paths the watcher reported, handed to one rsync with --files-from.
 *
 * In: the paths taken from pending, whether their deletions are due, and whether a mass deletion
 * is held. Out: a verdict, the deletions that were not due (found gone before their event came:
 * they go back to pending and wait like any deletion), and whether a full pass is owed instead
 * (a source that emptied at once: nothing destructive is sent, the full pass counts and asks).
 */
import type { ExcludeMatcher } from '../../shared/exclude-rules.ts';
import type { Profile } from '../../shared/profile-schema.ts';
import { filesFromInput, type DeletionMode } from '../rsync/rsync-args.ts';
import type { RsyncCapabilities } from '../rsync/rsync-probe.ts';
import type { RunResult } from '../rsync/rsync-runner.ts';
import { isEmptyFolder } from './deletion-guard.ts';
import type { Verdict } from './full-pass.ts';
import { movedAway, planBatch } from './pending-paths.ts';

export interface BatchPassIO {
  profile: Profile;
  caps: RsyncCapabilities;
  excludes: ExcludeMatcher;
  held: boolean;
  run(deletion: DeletionMode, input: Buffer, onlyNewTrees: boolean): Promise<RunResult>;
  judge(paths: number, result: RunResult): Verdict;
  /** An rsync before 3.2.3 cannot delete listed paths: a full pass does it. */
  fullPass(): Promise<Verdict>;
}

export interface BatchPassResult {
  verdict: Verdict;
  /** Deletions found but not due yet: back to pending. */
  notDue: string[];
  fullPassWanted: boolean;
}

export async function batchPass(
  entries: ReadonlyMap<string, number>,
  withDeletions: boolean,
  io: BatchPassIO,
): Promise<BatchPassResult> {
  const { profile, caps, excludes } = io;
  let deletion: DeletionMode = io.held ? { mode: 'hold' } : { mode: 'propagate' };
  const plan = await planBatch(entries, {
    root: profile.source,
    deletions: profile.deletions && !io.held,
    isExcluded: (p, d) => excludes.isExcluded(p, d),
  });
  const notDue = withDeletions ? [] : [...plan.deleted].filter((rel) => !movedAway(entries.get(rel)));
  if (notDue.length > 0) {
    for (const rel of notDue) plan.deleted.delete(rel);
    const skip = new Set(notDue);
    plan.paths = plan.paths.filter((p) => !skip.has(p));
    plan.deletions = plan.deleted.size;
  }
  let fullPassWanted = false;
  if (plan.deletions > 0 && (await isEmptyFolder(profile.source))) {
    // Everything vanished from the source at once: an unmounted disk looks like this.
    deletion = { mode: 'hold' };
    fullPassWanted = true;
  } else if (plan.deletions > 0 && !caps.deleteMissingArgs) {
    return { verdict: await io.fullPass(), notDue, fullPassWanted };
  }
  const paths = deletion.mode === 'hold' ? plan.paths.filter((p) => !plan.deleted.has(p)) : plan.paths;
  if (paths.length === 0) return { verdict: { type: 'done', kind: null }, notDue, fullPassWanted };
  const verdict = io.judge(paths.length, await io.run(deletion, filesFromInput(paths), plan.files === 0));
  // A batch that succeeded while a full pass is owed is not the target being current.
  return {
    verdict: verdict.type === 'done' && fullPassWanted ? { type: 'done', kind: null } : verdict,
    notDue,
    fullPassWanted,
  };
}
