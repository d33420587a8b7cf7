/**
 * `rsync-tray sync`: a full sync now. A running engine is asked to do it; otherwise this process
 * does one pass over every target, with nothing watched, reports each failure or held mass
 * deletion, and exits 1 if there was any.
 */
import { loadConfig } from '../../core/config/config-file.ts';
import { startEngine } from '../../core/sync/engine.ts';
import { ControlState } from '../../core/sync/control-state.ts';
import { noWatcher } from '../../core/watch/watcher-backends.ts';
import { formatError, RsyncTrayError } from '../../shared/errors.ts';
import type { Config } from '../../shared/profile-schema.ts';
import type { ProfileStatus } from '../../shared/status.ts';
import { holdPhrase } from '../../shared/presenter.ts';
import { eventPrinter } from '../bootstrap.ts';
import { fileSecretStore } from '../file-stores.ts';
import { secretsFileFor, stateDirFor } from '../paths.ts';
import { askRunningIfAny, configFile, configOption, out, profileOption, type Command } from './common.ts';

/** Waits until every target of every running profile has finished one full sync, failed once, or held deletions. */
function firstPass(
  statuses: () => ProfileStatus[],
  subscribe: (l: () => void) => () => void,
): Promise<ProfileStatus[]> {
  return new Promise((resolve) => {
    const check = () => {
      const all = statuses();
      const done = all.every(
        (s) =>
          s.state === 'stopped' ||
          (s.targets.length === 0
            ? s.lastError !== null
            : s.targets.every(
                (t) =>
                  (t.lastFullSyncAt !== null && t.pending === 0 && t.state === 'idle') ||
                  t.lastError !== null ||
                  t.hold !== null,
              )),
      );
      if (done) {
        unsubscribe();
        resolve(all);
      }
    };
    const unsubscribe = subscribe(check);
    check();
  });
}

const NOT_RETRIED = '(Not retried: `sync` without a running engine is one pass; `rsync-tray run` keeps retrying.)';

/** One line per target that failed or held deletions; the count of them. */
function reportFailures(statuses: readonly ProfileStatus[]): number {
  let failures = 0;
  for (const s of statuses) {
    for (const t of s.targets) {
      if (t.hold)
        out(
          `HELD [${s.name}] ${t.key}: ${holdPhrase(t.hold)} ` +
            `To delete: rsync-tray sync --profile ${JSON.stringify(s.name)} --confirm-deletions`,
        );
      // The retry the status line announced does not come: this process exits now.
      else if (t.lastError) out(`FAILED [${s.name}] ${t.key}: ${formatError(t.lastError)} ${NOT_RETRIED}`);
      else continue;
      failures++;
    }
    if (s.targets.length === 0 && s.lastError) {
      out(`FAILED [${s.name}]: ${formatError(s.lastError)}`);
      failures++;
    }
  }
  return failures;
}

export const sync: Command = {
  usage: 'sync [--config FILE] [--profile NAME] [--confirm-deletions]',
  summary:
    'Full sync now: asks a running `run` to do it, or does it once and exits (--confirm-deletions: ' +
    'carry out a mass deletion the guard would hold).',
  options: { ...configOption, ...profileOption, 'confirm-deletions': { type: 'boolean' } },
  async run(v) {
    const file = configFile(v);
    const profile = v.profile as string | undefined;
    if (await askRunningIfAny(file, 'sync.now', { profile })) {
      out(`Asked the running engine to sync ${profile ? `"${profile}"` : 'every profile'} now.`);
      return 0;
    }
    const config = await loadConfig(file);
    const selected: Config = { ...config, profiles: config.profiles.filter((p) => !profile || p.name === profile) };
    if (profile && selected.profiles.length === 0)
      throw new RsyncTrayError(
        'UNKNOWN_PROFILE',
        `There is no profile named "${profile}" in ${file}.`,
        `Known profiles: ${config.profiles.map((p) => p.name).join(', ') || 'none'}.`,
      );
    // One pass and out: nothing to watch. A person asked for this sync, so a pause saved by an
    // earlier `run` does not apply (it would also keep the pass from ever ending): the control
    // state here is an empty one of its own, and the saved one is left as it is.
    const engine = await startEngine({
      config: selected,
      secrets: fileSecretStore(secretsFileFor(file)),
      stateDir: stateDirFor(file),
      watcherFactory: noWatcher,
      control: new ControlState(),
    });
    const print = eventPrinter(out);
    let stopping = false;
    engine.subscribe((e) => {
      if (!stopping) print(e);
    });
    let statuses = await firstPass(engine.status, (l) => engine.subscribe(l));
    const held = statuses.filter((s) => s.targets.some((t) => t.hold));
    if (held.length && v['confirm-deletions']) {
      for (const s of held) engine.confirmDeletions(s.name);
      statuses = await firstPass(engine.status, (l) => engine.subscribe(l));
    }
    stopping = true;
    await engine.dispose();
    return reportFailures(statuses) ? 1 : 0;
  },
};
