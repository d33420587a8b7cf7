/**
 * The window's keyboard shortcuts, as data: the help panel (ShortcutHelp.vue) lists this table and
 * the dispatcher below reads the same one, so the list shown can never disagree with what a key
 * does. Two-key sequences ("g p") follow GitHub and Gmail, which admins already know.
 */
/**
 * The screens a shortcut opens: a subset of router.ts's Route (App.vue passes it to navigate(), so a
 * change there that breaks one is a compile error). Not imported from router.ts, which touches
 * `window` at load: this table is tested under plain Node.
 */
export type ShortcutRoute =
  | { name: 'dashboard' }
  | { name: 'editor'; profile: null }
  | { name: 'activity'; profile: null }
  | { name: 'log'; profile: null }
  | { name: 'transfer' }
  | { name: 'settings' };

export type ShortcutAction =
  | { kind: 'go'; route: ShortcutRoute }
  | { kind: 'focus-search' }
  | { kind: 'sync-now' }
  | { kind: 'help' };

export interface Shortcut {
  /** The keys in order, as KeyboardEvent.key gives them. */
  keys: string[];
  /** What it does, in the words the help panel shows. */
  label: string;
  action: ShortcutAction;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: ['g', 'p'], label: 'Go to Profiles', action: { kind: 'go', route: { name: 'dashboard' } } },
  { keys: ['g', 'a'], label: 'Go to Activity', action: { kind: 'go', route: { name: 'activity', profile: null } } },
  { keys: ['g', 'l'], label: 'Go to Log', action: { kind: 'go', route: { name: 'log', profile: null } } },
  { keys: ['g', 'i'], label: 'Go to Import & export', action: { kind: 'go', route: { name: 'transfer' } } },
  { keys: ['g', 's'], label: 'Go to Settings', action: { kind: 'go', route: { name: 'settings' } } },
  { keys: ['n'], label: 'New profile', action: { kind: 'go', route: { name: 'editor', profile: null } } },
  { keys: ['/'], label: 'Focus the search field', action: { kind: 'focus-search' } },
  { keys: ['s'], label: 'Sync now the profile that has focus', action: { kind: 'sync-now' } },
  { keys: ['?'], label: 'Show these shortcuts', action: { kind: 'help' } },
];

/** How long the second key of a sequence is waited for. */
export const SEQUENCE_TIMEOUT_MS = 1_500;

export interface KeyPress {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** The element the key was typed into: typing in a field is never a shortcut. */
  target?: { tagName?: string; isContentEditable?: boolean; type?: string } | null;
}

const TYPING_TAGS = new Set(['INPUT', 'TEXTAREA', 'SELECT']);
/** Inputs that take no text: a key pressed on a checkbox may still be a shortcut. */
const KEYLESS_INPUTS = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file']);

export function isTyping(target: KeyPress['target']): boolean {
  if (!target) return false;
  if (target.isContentEditable) return true;
  const tag = (target.tagName ?? '').toUpperCase();
  if (tag === 'INPUT') return !KEYLESS_INPUTS.has((target.type ?? 'text').toLowerCase());
  return TYPING_TAGS.has(tag);
}

/**
 * Follows key presses; answers the action a press completes, or null. A prefix ("g") is kept
 * until the next key or the timeout; `now` is passed in so the rule is tested without waiting.
 */
export function createShortcutDispatcher(table: readonly Shortcut[] = SHORTCUTS) {
  let pending: string[] = [];
  let pendingAt = 0;
  return {
    press(event: KeyPress, now: number): ShortcutAction | null {
      // Modified keys belong to the browser and the system (copy, find, tab switching).
      if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) {
        pending = [];
        return null;
      }
      if (pending.length && now - pendingAt > SEQUENCE_TIMEOUT_MS) pending = [];
      const keys = [...pending, event.key];
      const done = table.find((s) => s.keys.length === keys.length && s.keys.every((k, i) => k === keys[i]));
      if (done) {
        pending = [];
        return done.action;
      }
      const prefix = table.some((s) => s.keys.length > keys.length && keys.every((k, i) => s.keys[i] === k));
      pending = prefix ? keys : [];
      pendingAt = now;
      // A wrong second key may itself start a shortcut ("g x" then nothing, but "g n" is "n").
      if (!prefix && keys.length > 1) return this.press(event, now);
      return null;
    },
  };
}
