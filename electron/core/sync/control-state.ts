/**
 * Control state a person set — pauses, with their deadlines — owned by the engine rather than by
 * the runners it starts and stops, so it survives a profile edit, a settings change that restarts
 * the engine, and (written to the state folder) a restart of the host.
 *
 * "Pause all" is its own entry beside each profile's: a timed pause of one profile that ends
 * does not undo a later "pause all", and a "pause all" that ends does not resume a profile paused
 * on its own. Deadlines are checked with the injected clock.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../files/atomic-write.ts';
import type { Clock } from './clock.ts';

/** until: epoch ms, or null for "until resumed". */
const PauseSchema = z.object({ until: z.number().nullable() }).strict();
const ControlFileSchema = z
  .object({ version: z.literal(1), all: PauseSchema.nullable(), profiles: z.record(z.string(), PauseSchema) })
  .strict();
export type Pause = z.infer<typeof PauseSchema>;
type ControlFile = z.infer<typeof ControlFileSchema>;

export class ControlState {
  #all: Pause | null = null;
  #profiles = new Map<string, Pause>();
  readonly #file: string | null;
  #writing: Promise<void> = Promise.resolve();

  constructor(file: string | null = null) {
    this.#file = file;
  }

  /** Reads the saved state; a missing or unreadable file is an empty one (nothing paused). */
  static async load(file: string | null, log?: (message: string) => void): Promise<ControlState> {
    const state = new ControlState(file);
    if (!file) return state;
    try {
      const parsed = ControlFileSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
      if (parsed.success) {
        state.#all = parsed.data.all;
        state.#profiles = new Map(Object.entries(parsed.data.profiles));
      } else log?.(`The saved pause state ${file} is not in the expected format and was ignored; nothing is paused.`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        log?.(`The saved pause state ${file} could not be read (${(error as Error).message}); nothing is paused.`);
    }
    return state;
  }

  static fileIn(stateDir: string): string {
    return path.join(stateDir, 'control.json');
  }

  isPaused(profile: string, now: number): boolean {
    return active(this.#all, now) || active(this.#profiles.get(profile), now);
  }

  /** When the pause that keeps `profile` paused longest ends: null for "until resumed", undefined when not paused. */
  pausedUntil(profile: string, now: number): number | null | undefined {
    const spans = [this.#all, this.#profiles.get(profile)].filter((p): p is Pause => active(p, now));
    if (spans.length === 0) return undefined;
    return spans.some((p) => p.until === null) ? null : Math.max(...spans.map((p) => p.until!));
  }

  pause(profile: string | undefined, until: number | null): void {
    if (profile === undefined) this.#all = { until };
    else this.#profiles.set(profile, { until });
    this.#save();
  }

  /**
   * Resume one profile, or all. Resuming one while "pause all" holds turns the pause of all into
   * a pause of each of the others, so the one resumed really runs.
   */
  resume(profile: string | undefined, allProfiles: readonly string[], now: number): void {
    if (profile === undefined) {
      this.#all = null;
      this.#profiles.clear();
    } else {
      if (active(this.#all, now)) {
        for (const other of allProfiles)
          if (other !== profile && !this.#profiles.has(other)) this.#profiles.set(other, { ...this.#all! });
        this.#all = null;
      }
      this.#profiles.delete(profile);
    }
    this.#save();
  }

  /** The next time a pause ends (for the engine's timer), or null. */
  nextDeadline(now: number): number | null {
    const times = [this.#all, ...this.#profiles.values()].flatMap((p) =>
      p && p.until !== null && p.until > now ? [p.until] : [],
    );
    return times.length ? Math.min(...times) : null;
  }

  /** Drops pauses that ended; true when any did. */
  expire(now: number): boolean {
    let changed = false;
    if (this.#all && !active(this.#all, now)) {
      this.#all = null;
      changed = true;
    }
    for (const [name, p] of this.#profiles) {
      if (!active(p, now)) {
        this.#profiles.delete(name);
        changed = true;
      }
    }
    if (changed) this.#save();
    return changed;
  }

  /** Waits for the last write (dispose, tests). */
  flush(): Promise<void> {
    return this.#writing;
  }

  #save(): void {
    const file = this.#file;
    if (!file) return;
    const data: ControlFile = { version: 1, all: this.#all, profiles: Object.fromEntries(this.#profiles) };
    this.#writing = this.#writing.then(() => writeFileAtomic(file, JSON.stringify(data))).catch(() => undefined);
  }
}

function active(p: Pause | null | undefined, now: number): boolean {
  return !!p && (p.until === null || p.until > now);
}

/** The clock-driven part: a timer at the next deadline that expires pauses and tells the engine. */
export function pauseDeadlines(control: ControlState, clock: Clock, onExpired: () => void) {
  let timer: ReturnType<Clock['setTimeout']> | null = null;
  const arm = (): void => {
    clock.clearTimeout(timer);
    timer = null;
    const at = control.nextDeadline(clock.now());
    if (at === null) return;
    timer = clock.setTimeout(() => {
      timer = null;
      if (control.expire(clock.now())) onExpired();
      arm();
    }, at - clock.now());
  };
  return { arm, dispose: () => clock.clearTimeout(timer) };
}
