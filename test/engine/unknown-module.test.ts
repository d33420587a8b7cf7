/**
 * "Unknown module": the connection test and a running profile both name the closest module the
 * daemon lists ("Did you mean `backup`?"), list them when none is close, and say so when the
 * daemon lists none. Against real daemons on 127.0.0.1 serving `backup` and `photos`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from '../../electron/core/rsync/rsync-diagnostics.ts';
import { testConnection } from '../../electron/core/service/connection-test.ts';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { TargetSchema } from '../../electron/shared/profile-schema.ts';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.ts';

let work: string;
let daemon: LocalDaemon;
let hidden: LocalDaemon;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-unknown-module-'));
  daemon = await startLocalDaemon({
    rootDir: path.join(work, 'listed'),
    modules: [{ name: 'backup' }, { name: 'photos' }],
  });
  // Every module hidden from the listing: the daemon lists none.
  hidden = await startLocalDaemon({
    rootDir: path.join(work, 'hidden'),
    modules: [{ name: 'backup', extra: ['list = no'] }],
  });
}, 30_000);

afterAll(async () => {
  await daemon?.dispose();
  await hidden?.dispose();
  if (work) await rm(work, { recursive: true, force: true });
});

const target = (d: LocalDaemon, module: string) =>
  TargetSchema.parse({
    host: d.host,
    port: d.port,
    module,
    user: d.user,
    auth: { type: 'passwordFile', path: d.passwordFile },
  });

describe('the connection test', () => {
  it.each([
    ['bakup', 'Did you mean `backup`?', /Set the module to `backup`/],
    ['Photos', 'Did you mean `photos`?', /case-sensitive/],
    ['photo', 'Did you mean `photos`?', /`photos`/],
    ['documents', 'The daemon lists `backup`, `photos`.', /Choose one of the listed modules/],
  ])('%s → %s', async (module, said, hint) => {
    const report = await testConnection(target(daemon, module));
    expect(report.reachable).toBe(true);
    expect(report.module).toBe('failed');
    expect(report.error?.code).toBe('UNKNOWN_MODULE');
    expect(report.error?.message).toBe(`Unknown module \`${module}\` on 127.0.0.1:${daemon.port}. ${said}`);
    expect(report.error?.hint).toMatch(hint);
  });

  it('a daemon that lists no modules: said so, with where the name comes from', async () => {
    const report = await testConnection(target(hidden, 'bakup'));
    expect(report.modules).toEqual([]);
    expect(report.error?.code).toBe('UNKNOWN_MODULE');
    expect(report.error?.message).toBe(
      `Unknown module \`bakup\` on 127.0.0.1:${hidden.port}. The daemon lists no modules.`,
    );
    expect(report.error?.hint).toMatch(/`list = no`.*admin/);
  });
});

describe('the threshold and the list', () => {
  const said = (module: string, modules?: string[]) =>
    diagnose(`@ERROR: Unknown module '${module}'\n`, 5, { host: 'h', port: 873, module, modules })!.message;

  it.each([
    ['bakup', ['backup', 'photos'], 'Did you mean `backup`?'],
    ['BACKUP', ['backup'], 'Did you mean `backup`?'],
    ['nope', ['backup', 'more'], 'The daemon lists `backup`, `more`.'],
    ['docs', ['photos'], 'The daemon lists `photos`.'],
    [
      'x',
      ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9', 'm10'],
      'The daemon lists `m1`, `m2`, `m3`, `m4`, `m5`, `m6`, `m7`, `m8` and 2 more.',
    ],
    ['x', [], 'The daemon lists no modules.'],
  ])('%s among %j', (module, modules, tail) => {
    expect(said(module, modules)).toBe(`Unknown module \`${module}\` on h:873. ${tail}`);
  });

  it('without a listing (not asked, or refused) it says where to find them', () => {
    expect(said('bakup')).toBe('Unknown module `bakup` on h:873.');
  });
});

describe('a running profile', () => {
  let fx: SyncFixture | undefined;
  afterEach(async () => {
    await fx?.dispose();
    fx = undefined;
  });

  it('a sync refused with "Unknown module" names the closest listed module', async () => {
    fx = await startSyncFixture({
      daemon: { modules: [{ name: 'backup' }, { name: 'photos' }] },
      target: { module: 'bakup' },
    });
    const status = await fx.waitForStatus((s) => Boolean(s.targets[0]?.lastError));
    const error = status.targets[0]!.lastError!;
    expect(error.code).toBe('UNKNOWN_MODULE');
    expect(error.message).toBe(`Unknown module \`bakup\` on 127.0.0.1:${fx.daemon.port}. Did you mean \`backup\`?`);
    expect(error.hint).toMatch(/Set the module to `backup`/);
  });
});
