/** The shortcut table and its dispatcher: sequences, the timeout, and never while typing. */
import { describe, expect, it } from 'vitest';
import { createShortcutDispatcher, isTyping, SEQUENCE_TIMEOUT_MS, SHORTCUTS } from '../../renderer/src/shortcuts.ts';

const press = (d: ReturnType<typeof createShortcutDispatcher>, keys: string[], at = 0, extra = {}) =>
  keys.map((key, i) => d.press({ key, ...extra }, at + i * 100));

describe('keyboard shortcuts', () => {
  it('no two shortcuts share keys, and none is a prefix of another', () => {
    const seqs = SHORTCUTS.map((s) => s.keys.join(' '));
    expect(new Set(seqs).size).toBe(seqs.length);
    for (const a of SHORTCUTS)
      for (const b of SHORTCUTS)
        if (a !== b && a.keys.length < b.keys.length) expect(b.keys.slice(0, a.keys.length)).not.toEqual(a.keys);
  });

  it.each([
    [['g', 'p'], { kind: 'go', route: { name: 'dashboard' } }],
    [['g', 'a'], { kind: 'go', route: { name: 'activity', profile: null } }],
    [['/'], { kind: 'focus-search' }],
    [['s'], { kind: 'sync-now' }],
    [['?'], { kind: 'help' }],
    [['g', 'x', 's'], { kind: 'sync-now' }],
  ])('%j → %j', (keys, action) => {
    const results = press(createShortcutDispatcher(), keys);
    expect(results.at(-1)).toEqual(action);
    expect(results.slice(0, -1).every((r) => r === null)).toBe(true);
  });

  it('a wrong second key that starts a shortcut itself is that shortcut ("g n" is New profile)', () => {
    expect(press(createShortcutDispatcher(), ['g', 'n']).at(-1)).toEqual({
      kind: 'go',
      route: { name: 'editor', profile: null },
    });
  });

  it('the second key of a sequence comes within the timeout, or the sequence is forgotten', () => {
    const d = createShortcutDispatcher();
    expect(d.press({ key: 'g' }, 0)).toBeNull();
    expect(d.press({ key: 'p' }, SEQUENCE_TIMEOUT_MS + 1)).toBeNull();
    expect(d.press({ key: 'g' }, 10_000)).toBeNull();
    expect(d.press({ key: 'p' }, 10_000 + SEQUENCE_TIMEOUT_MS)).toEqual({ kind: 'go', route: { name: 'dashboard' } });
  });

  it('typing in a field or with a modifier is never a shortcut', () => {
    for (const target of [
      { tagName: 'INPUT', type: 'search' },
      { tagName: 'TEXTAREA' },
      { tagName: 'SELECT' },
      { tagName: 'DIV', isContentEditable: true },
    ])
      expect(press(createShortcutDispatcher(), ['s'], 0, { target })).toEqual([null]);
    expect(press(createShortcutDispatcher(), ['s'], 0, { ctrlKey: true })).toEqual([null]);
    expect(press(createShortcutDispatcher(), ['s'], 0, { target: { tagName: 'INPUT', type: 'checkbox' } })).toEqual([
      { kind: 'sync-now' },
    ]);
    expect(isTyping({ tagName: 'input' })).toBe(true);
    expect(isTyping({ tagName: 'BUTTON' })).toBe(false);
  });
});
