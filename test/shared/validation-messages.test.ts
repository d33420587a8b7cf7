/**
 * Validation in words: a sweep of bad values through every field of the profile, target, auth
 * and settings schemas, through each way a person meets them (the editor as-you-type, the
 * config file / `rsync-tray validate` / the API through describeIssues, the sersync import), and
 * not one of zod's own messages may come out.
 */
import { describe, expect, it } from 'vitest';
import { describeIssues, validateConfig } from '../../electron/core/config/config-file.ts';
import { importSersync } from '../../electron/core/config/sersync-import.ts';
import { dispatch } from '../../electron/core/service/api-dispatch.ts';
import type { ApiHandlers } from '../../electron/shared/contract.ts';
import { ProfileSchema, SettingsSchema, TargetSchema } from '../../electron/shared/profile-schema.ts';
import { FIELD_WORDS, asSentence, fieldKey, issueSentence } from '../../electron/shared/validation-messages.ts';
import { emptyForm, emptyTarget, validateForm } from '../../renderer/src/profile-form.ts';
import { validateSettings } from '../../renderer/src/settings-form.ts';

/** What zod says in its own words (v4's messages), and schema notation. */
const ZOD_TEXT =
  /Expected|expected|Too small|Too big|Invalid input|Invalid option|Invalid discriminator|received|>=|<=|Unrecognized key/;

const BAD_VALUES: unknown[] = [undefined, null, '', '   ', 'soon', -1, 1.5, 1e12, true, [], {}, ['x'], { a: 1 }];

const good = {
  name: 'docs',
  source: '/srv/docs',
  targets: [{ host: 'backup.lan', module: 'docs' }],
};

function expectWords(text: string, context: string): void {
  expect(text, context).not.toMatch(ZOD_TEXT);
  expect(text, context).toMatch(/^["“A-Z]/);
  expect(text, context).toMatch(/[.)"]$/);
}

describe('every field has words', () => {
  it('a row for each field of the profile, target, auth and settings schemas', () => {
    const fields = [
      ...Object.keys(ProfileSchema.shape),
      ...Object.keys(TargetSchema.shape),
      ...Object.keys(SettingsSchema.shape),
      'auth.type',
      'auth.path',
      'auth.variable',
      'version',
    ];
    expect(fields.filter((f) => !FIELD_WORDS[f])).toEqual([]);
    for (const [key, words] of Object.entries(FIELD_WORDS)) {
      expectWords(words.rule.replace(/\{\w+\}/g, '1'), key);
      if (words.empty) expectWords(words.empty, key);
    }
  });

  it('the limits are the schema’s own, written as numbers are written everywhere', () => {
    const sentence = (patch: Record<string, unknown>) => {
      const r = ProfileSchema.safeParse({ ...good, ...patch });
      return r.success ? '' : issueSentence(r.error.issues[0]!);
    };
    expect(sentence({ targets: [{ ...good.targets[0], port: 0 }] })).toBe(
      'The port must be a whole number between 1 and 65535.',
    );
    expect(sentence({ debounceMs: 70_000 })).toBe(
      'The quiet time must be a whole number of milliseconds between 0 and 60,000.',
    );
    expect(sentence({ targets: [{ ...good.targets[0], module: '' }] })).toMatch(/^The module name must not be empty/);
    expect(sentence({ watch: 'inotify' })).toBe('The watch mode must be "native" or "poll".');
    expect(sentence({ targets: [{ host: 'h' }] })).toMatch(/^The module name must not be empty/);
  });

  it('fragments become sentences; sentences stay as they are', () => {
    expect(asSentence('must be an absolute path', 'The source folder')).toBe(
      'The source folder must be an absolute path.',
    );
    expect(asSentence('give the path of the password file')).toBe('Give the path of the password file.');
    expect(asSentence('Exclude pattern is empty; write a name.', 'x')).toBe('Exclude pattern is empty; write a name.');
    expect(fieldKey(['profiles', 0, 'targets', 1, 'auth', 'path'])).toBe('auth.path');
    expect(fieldKey(['profiles', 0, 'targets', 1, 'path'])).toBe('path');
  });
});

describe('a sweep of bad values of every field says words, never zod’s', () => {
  const profileFields = Object.keys(ProfileSchema.shape);
  const targetFields = Object.keys(TargetSchema.shape);
  const authCases: unknown[] = [
    { type: 'password' },
    { type: 'passwordFile' },
    { type: 'passwordFile', path: '' },
    { type: 'passwordFile', path: 5 },
    { type: 'env', variable: '1BAD' },
    { type: 'env' },
    { type: 'none', extra: 1 },
    'secret',
  ];

  function sweep(input: unknown): string[] {
    const r = ProfileSchema.safeParse(input);
    return r.success ? [] : r.error.issues.map(issueSentence);
  }

  it('profile fields: ProfileSchema → issueSentence, and the config file’s lines', () => {
    let seen = 0;
    for (const field of profileFields)
      for (const bad of BAD_VALUES) {
        const input = { ...good, [field]: bad };
        for (const s of sweep(input)) {
          expectWords(s, `${field} = ${JSON.stringify(bad)}`);
          seen++;
        }
        try {
          validateConfig({ version: 2, profiles: [input] });
        } catch (error) {
          expect((error as Error).message, `${field} = ${JSON.stringify(bad)}`).not.toMatch(ZOD_TEXT);
        }
      }
    expect(seen).toBeGreaterThan(100);
  });

  it('target and auth fields', () => {
    let seen = 0;
    const targets = [
      ...targetFields.flatMap((field) => BAD_VALUES.map((bad) => ({ ...good.targets[0], [field]: bad }))),
      ...authCases.map((auth) => ({ ...good.targets[0], auth })),
    ];
    for (const target of targets)
      for (const s of sweep({ ...good, targets: [target] })) {
        expectWords(s, JSON.stringify(target));
        seen++;
      }
    expect(seen).toBeGreaterThan(50);
  });

  it('settings and the config around the profiles', () => {
    for (const field of Object.keys(SettingsSchema.shape))
      for (const bad of BAD_VALUES) {
        const r = SettingsSchema.safeParse({ [field]: bad });
        if (!r.success) for (const i of r.error.issues) expectWords(issueSentence(i), `${field} = ${String(bad)}`);
      }
    for (const config of [5, null, [], { version: 1, profiles: 'x' }, { version: 9 }, { version: 2, settings: 3 }])
      try {
        validateConfig(config);
      } catch (error) {
        expect((error as Error).message, JSON.stringify(config)).not.toMatch(ZOD_TEXT);
      }
  });

  it('the editor, as a person types', () => {
    const texts = ['', ' ', 'soon', '-1', '1.5', '99999999', '0'];
    for (const text of texts) {
      const form = {
        ...emptyForm(),
        name: text,
        source: text,
        maxDeletePercent: text,
        keepDeletedDays: text,
        debounceMs: text,
        maxDelayMs: text,
        fullSyncIntervalMinutes: text,
        timeoutSeconds: text,
        pollIntervalSeconds: text,
        bandwidthLimit: text,
        excludes: text,
        targets: [
          { ...emptyTarget(), host: text, port: text, module: text, path: text, user: text },
          { ...emptyTarget(), authType: 'passwordFile' as const, passwordFile: text },
          { ...emptyTarget(), authType: 'env' as const, envVariable: text },
        ],
      };
      for (const [key, message] of Object.entries(validateForm(form).errors))
        expectWords(message.replace(/^Line \d+: /, ''), `${key} = ${JSON.stringify(text)}`);
      for (const message of Object.values(validateSettings({ rsyncPath: text, defaultDebounceMs: text }).errors))
        expectWords(message!, `settings = ${JSON.stringify(text)}`);
    }
  });

  it('the API’s refusals and the sersync import', async () => {
    const bad = await dispatch({} as ApiHandlers, 'profiles.save', { profile: { name: 5, port: 'x' }, extra: 1 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).not.toMatch(ZOD_TEXT);
    const { problems } = importSersync(
      '<head version="2.5"><sersync><localpath watch="relative"><remote ip="" name=""/></localpath>' +
        '<rsync><userDefinedPort start="true" port="99999"/></rsync></sersync></head>',
      { readPasswordFile: () => null },
    );
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p).not.toMatch(ZOD_TEXT);
    expect(
      describeIssues(
        [
          {
            code: 'too_small',
            origin: 'number',
            minimum: 3,
            inclusive: true,
            path: ['minutes'],
            message: 'Too small: expected number to be >=3',
            input: 1,
          },
        ],
        {},
      ),
    ).toEqual(['minutes: The field "minutes" must be at least 3.']);
  });
});
