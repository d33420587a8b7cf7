/**
 * Conditions of the machine that pause a profile by themselves: running on battery, a metered
 * network. Where they come from differs (Electron's powerMonitor in the tray, NetworkManager on
 * Linux, a condition the headless engine is told), so core sees only this interface and never
 * imports electron. A condition that cannot be known is "unknown" and never pauses anything: a
 * backup that silently stops because a probe failed is worse than one that runs on a metered link.
 */

export type Tristate = 'yes' | 'no' | 'unknown';

export interface MachineConditions {
  onBattery: Tristate;
  metered: Tristate;
}

export const UNKNOWN_CONDITIONS: MachineConditions = Object.freeze({ onBattery: 'unknown', metered: 'unknown' });

/** A place that knows the machine's conditions and says when they change. */
export interface ConditionSource {
  current(): MachineConditions;
  /** Called with the new conditions after any change; returns the unsubscribe. */
  onChange(listener: (conditions: MachineConditions) => void): () => void;
  /** Stops timers and child processes the source holds. */
  dispose(): void;
}

export type ConditionPauseCode = 'on-battery' | 'metered-network';

export interface ConditionRule {
  code: ConditionPauseCode;
  /** The profile option that turns it on. */
  option: 'pauseOnBattery' | 'pauseOnMetered';
  condition: keyof MachineConditions;
  /** Shown after "Paused: " in the tray and the window. */
  reason: string;
}

/** Policy as data: which option pauses on which condition, and how the pause is said. */
export const CONDITION_RULES: readonly ConditionRule[] = [
  { code: 'on-battery', option: 'pauseOnBattery', condition: 'onBattery', reason: 'on battery' },
  { code: 'metered-network', option: 'pauseOnMetered', condition: 'metered', reason: 'metered network' },
];

export interface ConditionPause {
  code: ConditionPauseCode;
  reason: string;
}

/**
 * Why the profile is paused by the machine's conditions now, or null when it may run. Only a
 * condition that is known to hold ("yes") pauses; "unknown" runs.
 */
export function conditionPause(
  profile: { pauseOnBattery?: boolean; pauseOnMetered?: boolean },
  conditions: MachineConditions,
): ConditionPause | null {
  for (const rule of CONDITION_RULES) {
    if (profile[rule.option] && conditions[rule.condition] === 'yes') return { code: rule.code, reason: rule.reason };
  }
  return null;
}

/** "Paused: on battery" — the one wording for the tray menu and the window's badge. */
export function conditionPauseLabel(pause: ConditionPause): string {
  return `Paused: ${pause.reason}`;
}

/** A source whose conditions are set by hand: the headless engine's, and tests'. */
export class ManualConditionSource implements ConditionSource {
  #conditions: MachineConditions;
  #listeners = new Set<(c: MachineConditions) => void>();

  constructor(initial: MachineConditions = UNKNOWN_CONDITIONS) {
    this.#conditions = { ...initial };
  }

  current(): MachineConditions {
    return { ...this.#conditions };
  }

  set(patch: Partial<MachineConditions>): void {
    const next = { ...this.#conditions, ...patch };
    if (next.onBattery === this.#conditions.onBattery && next.metered === this.#conditions.metered) return;
    this.#conditions = next;
    for (const l of this.#listeners) l(this.current());
  }

  onChange(listener: (c: MachineConditions) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  dispose(): void {
    this.#listeners.clear();
  }
}

export interface PauserActions {
  pause(pause: ConditionPause): void;
  resume(): void;
  pausedByPerson(): boolean;
}

/**
 * Pauses and resumes a profile as its conditions come and go. A person's own pause is theirs:
 * a condition ending never resumes a profile the person paused (the caller's `pausedByPerson`).
 */
export class ConditionPauser {
  #active: ConditionPause | null = null;
  #unsubscribe: () => void;
  private readonly source: ConditionSource;
  private readonly profile: () => { pauseOnBattery?: boolean; pauseOnMetered?: boolean };
  private readonly actions: PauserActions;

  constructor(
    source: ConditionSource,
    profile: () => { pauseOnBattery?: boolean; pauseOnMetered?: boolean },
    actions: PauserActions,
  ) {
    this.source = source;
    this.profile = profile;
    this.actions = actions;
    this.#unsubscribe = source.onChange(() => this.reconsider());
    this.reconsider();
  }

  /** The condition pause in force, or null. */
  get active(): ConditionPause | null {
    return this.#active;
  }

  /** Call after the profile's options change, too. */
  reconsider(): void {
    const next = conditionPause(this.profile(), this.source.current());
    if (next?.code === this.#active?.code) return;
    const was = this.#active;
    this.#active = next;
    if (next) this.actions.pause(next);
    else if (was && !this.actions.pausedByPerson()) this.actions.resume();
  }

  dispose(): void {
    this.#unsubscribe();
  }
}
