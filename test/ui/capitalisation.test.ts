/**
 * One capitalisation style in the window: sentence case ("Test connection", "Backup targets"),
 * never Title Case ("Test Connection"). Read from the sources: every text of every component's
 * template (buttons, headings, labels, table heads, options, links, aria-labels and titles, the
 * string literals in their {{ }}), and the `label:` entries of the renderer's tables.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../renderer/src');

/**
 * Words that keep their capital anywhere in a sentence: names (of the app, systems, tools) and
 * the names of the window's own screens, which sentences refer to ("Fix the rsync program in
 * Settings").
 */
const PROPER = new Set([
  'Rsync',
  'Tray',
  'Syncthing',
  'Linux',
  'Windows',
  'FSEvents',
  'Electron',
  'Chromium',
  'Profiles',
  'Activity',
  'Log',
  'Settings',
  'Import',
  'Resume',
  'I',
]);

/** Title Case words in `text`: a capitalised word that does not start a sentence and is not a name. */
function titleCaseWords(text: string): string[] {
  const found: string[] = [];
  // After these a capital starts a new sentence or a list item.
  const sentences = text.split(/(?<=[.:?!—–·(“"])\s+|\n/);
  for (const sentence of sentences) {
    const words = sentence.trim().split(/\s+/);
    words.slice(1).forEach((word) => {
      const bare = word.replace(/^[“"'(]+|[”"'),.:;?!…]+$/g, '');
      if (/^[A-Z][a-z]+$/.test(bare) && !PROPER.has(bare)) found.push(bare);
    });
  }
  return found;
}

function files(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p, ext) : p.endsWith(ext) ? [p] : [];
  });
}

/** Quoted strings in an expression ('a', "b", `c ${x}` without the ${}). */
const literals = (expr: string): string[] =>
  [...expr.matchAll(/'([^'\\]*)'|"([^"\\]*)"|`([^`\\]*)`/g)].map((m) =>
    (m[1] ?? m[2] ?? m[3] ?? '').replace(/\$\{[^}]*\}/g, 'x'),
  );

/** A tag, with quoted attribute values that may hold ">" (v-if="a > b"). */
const TAG = /<\/?[A-Za-z][^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*\/?>/g;

/** Every text a person reads in a component's template. */
function templateTexts(source: string): string[] {
  const start = source.indexOf('<template>');
  if (start < 0) return [];
  const template = source.slice(start, source.lastIndexOf('</template>')).replace(/<!--[\s\S]*?-->/g, '');
  const texts: string[] = [];
  for (const tag of template.match(TAG) ?? []) {
    for (const m of tag.matchAll(/\s(aria-label|title|label)="([^"]*)"/g)) texts.push(m[2]!);
    for (const m of tag.matchAll(/\s:(aria-label|title|label)="([^"]*)"/g)) texts.push(...literals(m[2]!));
  }
  for (const node of template.split(TAG)) {
    const text = node.replace(/\{\{([\s\S]*?)\}\}/g, (_, expr: string) => {
      texts.push(...literals(expr));
      return ' x ';
    });
    if (text.trim()) texts.push(text.replace(/\s+/g, ' ').trim());
  }
  return texts.filter((t) => /[A-Za-z]/.test(t));
}

describe('sentence case across the window', () => {
  it('the check finds Title Case, and lets names and sentences be', () => {
    expect(titleCaseWords('Test Connection')).toEqual(['Connection']);
    expect(titleCaseWords('Sync All Now')).toEqual(['All', 'Now']);
    expect(titleCaseWords('Test connection')).toEqual([]);
    expect(titleCaseWords('Start Rsync Tray when I log in')).toEqual([]);
    expect(titleCaseWords('Carried over: 14 settings. Keep the files')).toEqual([]);
    expect(
      templateTexts(
        "<template><button :title=\"`Open Folder`\">{{ busy ? 'Saving…' : 'Save Profile' }}</button></template>",
      ),
    ).toEqual(['Open Folder', 'Saving…', 'Save Profile', 'x']);
  });

  const components = files(ROOT, '.vue');
  it('reads every component, and the texts in them', () => {
    expect(components.length).toBeGreaterThan(20);
    const all = components.flatMap((f) => templateTexts(readFileSync(f, 'utf8')));
    expect(all.length).toBeGreaterThan(300);
    for (const text of ['Test connection', 'Backup targets', 'Keep the files', 'Import and export'])
      expect(all, text).toContain(text);
  });

  it.each(components.map((f) => [path.relative(ROOT, f), f]))('%s', (_name, file) => {
    const wrong = templateTexts(readFileSync(file, 'utf8'))
      .map((t) => ({ t, words: titleCaseWords(t) }))
      .filter((x) => x.words.length)
      .map((x) => `"${x.t}": ${x.words.join(', ')}`);
    expect(wrong).toEqual([]);
  });

  it('the labels of the renderer’s tables', () => {
    const wrong = files(ROOT, '.ts').flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\blabel: '([^']*)'/g)]
        .filter((m) => titleCaseWords(m[1]!).length)
        .map((m) => `${path.relative(ROOT, file)}: "${m[1]}"`),
    );
    expect(wrong).toEqual([]);
  });
});
