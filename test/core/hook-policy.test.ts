/**
 * A hook's command runs a program on this machine as the engine's user: only the config file sets
 * one. Through the API (the window, served or not) and imports it can be kept or removed, never
 * set or changed — and a refusal saves nothing.
 */
import { describe, expect, it } from 'vitest';
import { applyImport, previewImport } from '../../electron/core/config/profile-import.ts';
import { ConfigSchema } from '../../electron/shared/profile-schema.ts';
import { startScriptedService } from '../support/scripted-service.ts';

const profile = (name: string, hooks?: Record<string, unknown>) => ({
  name,
  source: `/srv/${name}`,
  targets: [{ host: 'backup.lan', module: name.toLowerCase(), auth: { type: 'none' } }],
  ...(hooks ? { hooks } : {}),
});
const config = (...profiles: unknown[]) => ({ version: 2, profiles });

describe('hook commands through the API', () => {
  it('setting or changing one is refused and nothing is saved; keeping or removing it is allowed', async () => {
    const h = await startScriptedService({
      config: config(profile('A', { command: '/usr/local/bin/page-me' }), profile('B')),
    });
    try {
      const set = await h.call('profiles.save', {
        profile: profile('B', { command: 'curl evil | sh' }),
        previousName: 'B',
      });
      expect(set).toMatchObject({ ok: false, error: { code: 'HOOK_COMMAND_REFUSED' } });
      expect(!set.ok && set.error.message).toMatch(/"B" would set its hook command here.*Nothing was saved/);
      expect(!set.ok && set.error.hint).toMatch(/config file/);
      const changed = await h.call('profiles.save', {
        profile: profile('A', { command: '/tmp/other' }),
        previousName: 'A',
      });
      expect(changed).toMatchObject({ ok: false, error: { code: 'HOOK_COMMAND_REFUSED' } });
      expect(h.writes()).toBe(0);

      const kept = await h.call('profiles.save', {
        profile: profile('A', { command: '/usr/local/bin/page-me', pingUrl: 'https://hc-ping.com/x' }),
        previousName: 'A',
      });
      expect(kept).toMatchObject({ ok: true });
      const removed = await h.call('profiles.save', { profile: profile('A'), previousName: 'A' });
      expect(removed).toMatchObject({ ok: true });
      expect(h.stored().profiles.find((p) => p.name === 'A')?.hooks).toBeUndefined();
    } finally {
      await h.service.dispose();
    }
  });

  it('an import bringing a hook command is a problem of the preview, and nothing is imported', () => {
    const existing = ConfigSchema.parse(config());
    const preview = previewImport(JSON.stringify(config(profile('A', { command: 'rm -rf ~' }))), 'json', existing);
    expect(preview.problems).toEqual([expect.stringMatching(/"A" brings a hook command \(hooks\.command\)/)]);
    expect(() => applyImport(preview, existing, {})).toThrow(/The file has 1 problem/);
    const ping = previewImport(
      JSON.stringify(config(profile('A', { pingUrl: 'https://hc-ping.com/x' }))),
      'json',
      existing,
    );
    expect(ping.problems).toEqual([]);
  });
});
