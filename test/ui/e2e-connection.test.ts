/**
 * Honest state in the window, end to end: `rsync-tray serve` started as the CLI, a real rsync
 * daemon on 127.0.0.1 with a writable and a read-only module, Debian's Chromium. Test connection
 * says a read-only module cannot be written (the login alone passes); saving a profile whose
 * source folder does not exist is refused with what to do, and the config is untouched; a wrong
 * rsync program in Settings turns the profile to an error naming it, not to "Disabled"; a daemon
 * that goes away shows "retrying, unreachable since …", and Current again when it is back.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { CONFIG_VERSION } from '../../electron/shared/profile-schema.ts';
import { callControlSocket } from '../../electron/headless/control-socket.ts';
import { controlSocketFor } from '../../electron/headless/paths.ts';
import { chromiumAvailable, startBrowserSession, type BrowserSession } from './support/browser-session.ts';

const NO_RSYNC = '/nonexistent/bin/rsync';

let work: string;
let daemon: LocalDaemon;
let source: string;
let configFile: string;
let session: BrowserSession;

beforeAll(async () => {
  if (!chromiumAvailable) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-e2e-connection-'));
  daemon = await startLocalDaemon({
    rootDir: path.join(work, 'daemon'),
    modules: [{ name: 'backup' }, { name: 'archive', readOnly: true }],
  });
  source = path.join(work, 'Documents');
  await mkdir(source, { recursive: true });
  await writeFile(path.join(source, 'hello.txt'), 'hello\n');
  configFile = path.join(work, 'config', 'config.json');
  await mkdir(path.dirname(configFile), { recursive: true });
  await writeFile(
    configFile,
    JSON.stringify({
      version: CONFIG_VERSION,
      profiles: [
        {
          name: 'docs',
          source,
          fullSyncIntervalMinutes: 0,
          targets: [
            {
              host: '127.0.0.1',
              port: daemon.port,
              module: 'backup',
              path: 'docs',
              user: daemon.user,
              auth: { type: 'passwordFile', path: daemon.passwordFile },
            },
          ],
        },
      ],
    }),
  );
  session = await startBrowserSession(configFile);
}, 120_000);

afterAll(async () => {
  if (session) expect(await session.dispose()).toBe(0);
  await daemon?.dispose();
  if (work) await rm(work, { recursive: true, force: true });
}, 30_000);

describe.skipIf(!chromiumAvailable)('honest state in the window served by rsync-tray serve', () => {
  it('Test connection says a read-only module cannot be written, and what to do', async () => {
    const { page } = session;
    await session.waitForBadge('docs', 'Current');
    await page.getByRole('link', { name: 'New profile' }).click();
    await page.getByRole('heading', { name: 'New profile' }).waitFor();
    await page.fill('#f-name', 'photos');
    await page.fill('#f-source', source);
    await page.fill('#t0-host', '127.0.0.1');
    await page.fill('#t0-port', String(daemon.port));
    await page.fill('#t0-module', 'archive');
    await page.fill('#t0-user', daemon.user);
    await page.fill('#t0-password', daemon.password);
    await page.getByRole('button', { name: 'Test connection' }).click();

    await page.getByText('Login and module "archive": OK').waitFor();
    const write = page.locator('[data-check="write"]');
    await write.getByText('Not writable: module "archive" is read-only').waitFor();
    expect(await write.getAttribute('class')).toContain('check-fail');
    const note = page.locator('.test-result .error-note');
    expect(await note.textContent()).toMatch(
      /The module "archive" is read-only \(read only = yes in the daemon's rsyncd\.conf\)[\s\S]*What to do:\s+On the server, set "read only = no" in the \[archive\] section/,
    );
    await session.shot('30-test-connection-read-only', { tall: true });

    // The writable module, into a folder the first sync will create.
    await page.fill('#t0-module', 'backup');
    await page.fill('#t0-path', 'photos');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await write
      .getByText(
        'Writable: a test file was written and removed in the top folder of module "backup"; ' +
          '"photos" does not exist yet, the first sync creates it',
      )
      .waitFor();
    expect(await page.locator('.test-result .error-note').count()).toBe(0);
  });

  it('saving with a source folder that does not exist is refused, and the config is untouched', async () => {
    const { page } = session;
    const before = await readFile(configFile, 'utf8');
    const missing = path.join(work, 'USB-disk', 'Photos');
    await page.fill('#f-source', missing);
    await page.getByRole('button', { name: 'Save profile' }).last().click();
    const refusal = page.locator('.editor > form > .error-note');
    await refusal.getByText(`Not saved: The source folder ${missing} does not exist`).waitFor();
    expect(await refusal.textContent()).toContain(
      'What to do: Create the folder, mount the disk it is on, or fix the path, then save again',
    );
    expect(await page.textContent('#f-source-msg')).toBe('there is no such folder on the computer running Rsync Tray');
    await page.getByRole('heading', { name: 'New profile' }).waitFor();
    await session.shot('31-save-source-missing', { tall: true });
    expect(await readFile(configFile, 'utf8')).toBe(before);

    // Typing another path clears the field's mark.
    await page.fill('#f-source', source);
    expect(await page.locator('#f-source-msg').textContent()).not.toContain('no such folder');
    await page.getByRole('link', { name: 'Cancel' }).click();
    await page.getByRole('heading', { name: 'Profiles' }).waitFor();
    expect(await session.card('photos').count()).toBe(0);
  });

  it('the served window cannot choose the rsync program (a program to run): refused, and said why', async () => {
    const { page } = session;
    await session.go('Settings');
    expect(await page.locator('#s-rsync').getAttribute('readonly')).not.toBeNull();
    await page.getByText(/Changed only on the machine itself: settings\.rsyncPath in the config file/).waitFor();
    // Past the read-only field, straight to the API with the window's own login: refused.
    const r = await page.evaluate(async (path) => {
      const storage = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } })
        .sessionStorage;
      const token = storage.getItem('rsync-tray-token') ?? '';
      const res = await fetch('/api/call', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ method: 'settings.set', input: { settings: { rsyncPath: path } } }),
      });
      return { status: res.status, body: (await res.json()) as { error: { code: string } } };
    }, NO_RSYNC);
    expect(r.status, JSON.stringify(r.body)).toBe(403);
    expect(r.body.error.code).toBe('LOCAL_ONLY');
    // The local side (the control socket, as the CLI talks to the engine) may.
    const local = await callControlSocket(controlSocketFor(configFile), 'settings.set', {
      settings: { rsyncPath: NO_RSYNC },
    });
    expect(local.ok).toBe(true);
  });

  it('the served window cannot choose where a restore writes (another folder): refused, and said why', async () => {
    const { page } = session;
    const r = await page.evaluate(async () => {
      const storage = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } })
        .sessionStorage;
      const res = await fetch('/api/call', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${storage.getItem('rsync-tray-token') ?? ''}`,
        },
        body: JSON.stringify({
          method: 'restore.run',
          input: { profile: 'docs', paths: ['a.txt'], to: '/root/.ssh', onConflict: 'overwrite' },
        }),
      });
      return { status: res.status, body: (await res.json()) as { error: { code: string; hint: string } } };
    });
    expect(r.status, JSON.stringify(r.body)).toBe(403);
    expect(r.body.error.code).toBe('LOCAL_ONLY');
    expect(r.body.error.hint).toContain('rsync-tray restore');
  });

  it('a wrong rsync program shows the profile in error, naming it, with the way to Settings', async () => {
    const { page } = session;
    await session.go('Profiles');
    await session.waitForBadge('docs', 'Error');
    const card = session.card('docs');
    const text = await card.textContent();
    expect(text).not.toContain('Disabled');
    expect(text).toContain(`rsync was not found at ${NO_RSYNC}.`);
    expect(text).toContain('Correct the rsync program in Settings (in the window)');
    // Nothing can run, so the card offers no "Sync now" that would do nothing.
    expect(await card.getByRole('button', { name: 'Sync now' }).isDisabled()).toBe(true);
    await session.shot('32-rsync-path-wrong');

    await card.getByRole('link', { name: 'Fix the rsync program in Settings' }).click();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    expect(await page.inputValue('#s-rsync')).toBe(NO_RSYNC);
    // Fixed on the local side, as the served window says.
    const local = await callControlSocket(controlSocketFor(configFile), 'settings.set', {
      settings: { rsyncPath: 'rsync' },
    });
    expect(local.ok).toBe(true);
    await session.go('Profiles');
    await session.waitForBadge('docs', 'Current');
  });

  it('a daemon that goes away: retrying, unreachable since when; current again as soon as it is back', async () => {
    await session.waitForBadge('docs', 'Current');
    await daemon.stop();
    const card = session.card('docs');
    await card.getByRole('button', { name: 'Sync now' }).click();
    await session.waitForBadge('docs', 'Retrying');
    await card.getByText(/unreachable since \d\d:\d\d\./).waitFor();
    expect(await card.textContent()).toMatch(/Connection refused|does not answer/);
    await session.shot('33-daemon-unreachable');
    await daemon.start();
    // The backoff is not waited out: the daemon is asked every 0.5 s while it runs.
    await session.waitForBadge('docs', 'Current');
    expect(await card.textContent()).not.toMatch(/unreachable since/);
  });

  it('the page logged no errors, CSP violations or Vue warnings', () => {
    // But those these tests provoked: Chromium logs the refused settings.set and restore.run (403)
    // as failed loads.
    const expected = (p: string) => /status of 403/.test(p);
    expect(session.problems.filter((p) => expected(p))).toHaveLength(2);
    expect(session.problems.filter((p) => !expected(p))).toEqual([]);
  });
});
