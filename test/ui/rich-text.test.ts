// @vitest-environment happy-dom
/**
 * Messages with `code spans`: shown as <code>, never with literal backticks, and always as text —
 * a file or module name that looks like HTML stays text (no v-html anywhere on this path).
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { plainText, richParts } from '../../renderer/src/rich-text.ts';
import { buildComponentBundle, ROOT } from './support/build-renderer.ts';
import type { Wrapper } from './support/components.ts';

describe('richParts', () => {
  it.each([
    ['no spans', 'plain text', [{ code: false, text: 'plain text' }]],
    [
      'a span',
      'Unknown module `bakup` on h:873.',
      [
        { code: false, text: 'Unknown module ' },
        { code: true, text: 'bakup' },
        { code: false, text: ' on h:873.' },
      ],
    ],
    [
      'spans back to back',
      '`a``b`',
      [
        { code: true, text: 'a' },
        { code: true, text: 'b' },
      ],
    ],
    ['a lone backtick stays', 'it`s', [{ code: false, text: 'it`s' }]],
    ['an empty pair stays', 'say `` here', [{ code: false, text: 'say `` here' }]],
    [
      'an odd one out at the end',
      '`x` and `y',
      [
        { code: true, text: 'x' },
        { code: false, text: ' and `y' },
      ],
    ],
  ])('%s', (_name, message, parts) => {
    expect(richParts(message)).toEqual(parts);
  });

  it('plain text drops the marks only', () => {
    expect(plainText('Set `list = no` in `rsyncd.conf`.')).toBe('Set list = no in rsyncd.conf.');
  });
});

interface Bundle {
  mount(component: unknown, options?: unknown): Wrapper;
  ErrorNote: unknown;
}

const src = (rel: string) => JSON.stringify(path.join(ROOT, 'renderer/src', rel));
let ui: Bundle;
beforeAll(async () => {
  ui = await buildComponentBundle<Bundle>(`
export { mount } from '@vue/test-utils';
export { default as ErrorNote } from ${src('components/ErrorNote.vue')};
`);
}, 60_000);

describe('ErrorNote', () => {
  it('shows code spans as <code> and every name as text, never as HTML', () => {
    const w = ui.mount(ui.ErrorNote, {
      props: {
        error: {
          code: 'UNKNOWN_MODULE',
          message: 'Unknown module `<img src=x onerror=alert(1)>` on h:873. Did you mean `backup`?',
          hint: 'Set the module to `backup` <b>now</b>.',
        },
      },
    });
    expect(w.findAll('.error-message code').map((c) => c.text())).toEqual(['<img src=x onerror=alert(1)>', 'backup']);
    expect(w.find('img').exists()).toBe(false);
    expect(w.find('b').exists()).toBe(false);
    expect(w.text()).not.toContain('`');
    expect(w.get('.error-hint').text()).toBe('What to do: Set the module to backup <b>now</b>.');
    w.unmount();
  });
});
