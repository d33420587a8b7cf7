/**
 * The bandwidth schedule in the window (real serve, real daemon, real Chromium): a rule added in
 * the profile editor, with the schema's words for a time or a limit written wrong, saved; the
 * profile's card then says the limit now and when it changes; the editor opened again shows the
 * rule and the pause switch as saved, and the config file holds them. Screenshot and axe of the
 * editor with a rule.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { describeLimitNow, WEEKDAYS } from '../../electron/shared/bandwidth-schedule.ts';
import { ROOT } from './support/build-renderer.ts';
import { chromiumAvailable, startBrowserSession, type BrowserSession } from './support/browser-session.ts';
import { daemonTarget } from './support/e2e-config.ts';

let work: string;
let daemon: LocalDaemon;
let session: BrowserSession;
let configFile: string;

const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

beforeAll(async () => {
  if (!chromiumAvailable) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-e2e-schedule-'));
  daemon = await startLocalDaemon({ rootDir: path.join(work, 'daemon'), modules: [{ name: 'backup' }] });
  const source = path.join(work, 'docs');
  await mkdir(source, { recursive: true });
  await writeFile(path.join(source, 'a.txt'), 'a\n');
  configFile = path.join(work, 'config', 'config.json');
  await mkdir(path.dirname(configFile), { recursive: true });
  await writeFile(
    configFile,
    JSON.stringify({
      version: 1,
      profiles: [{ name: 'docs', source, fullSyncIntervalMinutes: 0, targets: [daemonTarget(daemon)] }],
    }),
  );
  session = await startBrowserSession(configFile);
}, 120_000);

afterAll(async () => {
  if (session) expect(await session.dispose()).toBe(0);
  await daemon?.dispose();
  if (work) await rm(work, { recursive: true, force: true });
}, 30_000);

/** axe-core evaluated through DevTools (the page's CSP refuses an injected script; see e2e-screens). */
async function seriousAxeViolations(): Promise<string[]> {
  const { page } = session;
  if (!(await page.evaluate(() => 'axe' in globalThis)))
    await page.evaluate(await readFile(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8'));
  const result = (await page.evaluate(() =>
    (globalThis as unknown as { axe: { run(): Promise<unknown> } }).axe.run(),
  )) as { violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[] }> }> };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id} at ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}

describe.skipIf(!chromiumAvailable)('the bandwidth schedule in the window', () => {
  it('adds a rule, says what is wrong in words, saves it, shows the limit now on the card and keeps it', async () => {
    const { page } = session;
    // Today all day: the card then says "2 MiB/s now, unlimited from <tomorrow> 00:00".
    const today = WEEKDAYS[(new Date().getDay() + 6) % 7]!;
    const todayName = DAY_NAMES[WEEKDAYS.indexOf(today)]!;

    await session.card('docs').getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('heading', { name: 'Edit “docs”' }).waitFor();
    expect(await page.locator('.schedule-rule').count()).toBe(0);
    await page.getByRole('button', { name: 'Add a rule' }).click();
    const rule = page.locator('.schedule-rule[data-rule="0"]');
    await rule.waitFor();
    // A new rule starts as office hours on workdays, and says so.
    expect(await rule.locator('.rule-meaning').textContent()).toBe('Mon–Fri 08:00–18:00: 5 MiB/s');

    // Mistakes, in the schema's words.
    await page.fill('#s0-to', '25:00');
    await page.locator('#s0-to-msg', { hasText: 'HH:MM, e.g. 18:00' }).waitFor();
    expect(await page.getAttribute('#s0-to', 'aria-invalid')).toBe('true');
    await page.fill('#s0-limit', '5');
    await page.locator('#s0-limit-msg', { hasText: 'has no unit' }).waitFor();
    for (const name of DAY_NAMES) {
      const box = rule.getByRole('checkbox', { name: `${name}, rule 1` });
      if (await box.isChecked()) await box.uncheck();
    }
    await page.locator('#s0-days-msg', { hasText: 'at least one day' }).waitFor();

    // Put right: today, the whole day, 2 MiB/s.
    await rule.getByRole('checkbox', { name: `${todayName}, rule 1` }).check();
    await page.fill('#s0-from', '00:00');
    await page.fill('#s0-to', '24:00');
    await page.fill('#s0-limit', '2M');
    expect(await page.textContent('#s0-limit-msg')).toBe('Empty = no limit');
    const expected = describeLimitNow(
      { bandwidthLimit: '', bandwidthSchedule: [{ days: [today], from: '00:00', to: '24:00', limit: '2M' }] },
      new Date(),
    );
    expect(expected).toMatch(/^2 MiB\/s now, unlimited from \w{3} 00:00$/);
    await page.getByTestId('schedule-now').filter({ hasText: expected }).waitFor();
    await page.getByRole('checkbox', { name: 'Pause while on battery power' }).check();
    await rule.scrollIntoViewIfNeeded();
    await session.shot('schedule-editor');
    expect(await seriousAxeViolations()).toEqual([]);

    await page.getByRole('button', { name: 'Save profile' }).first().click();
    await page.getByRole('heading', { name: 'Profiles' }).waitFor();
    await session.card('docs').getByText(expected).waitFor();
    // Cut with an ellipsis in a narrow card: the whole of it on hover.
    expect(await session.card('docs').getByText(expected).getAttribute('title')).toBe(expected);
    await session.shot('schedule-card');

    const saved = JSON.parse(await readFile(configFile, 'utf8')) as {
      profiles: Array<{ bandwidthSchedule?: unknown; pauseOnBattery?: boolean }>;
    };
    expect(saved.profiles[0]?.bandwidthSchedule).toEqual([{ days: [today], from: '00:00', to: '24:00', limit: '2M' }]);
    expect(saved.profiles[0]?.pauseOnBattery).toBe(true);

    // Opened again, from the start: the rule and the switch as saved.
    await page.reload();
    await session.card('docs').getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('heading', { name: 'Edit “docs”' }).waitFor();
    expect(await page.inputValue('#s0-from')).toBe('00:00');
    expect(await page.inputValue('#s0-to')).toBe('24:00');
    expect(await page.inputValue('#s0-limit')).toBe('2M');
    const checked = [];
    for (const name of DAY_NAMES)
      if (await page.getByRole('checkbox', { name: `${name}, rule 1` }).isChecked()) checked.push(name);
    expect(checked).toEqual([todayName]);
    expect(await page.getByRole('checkbox', { name: 'Pause while on battery power' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Pause on a metered network' }).isChecked()).toBe(false);

    // Removed and saved: the card has the profile's own limit again.
    await page.getByRole('button', { name: 'Remove rule 1' }).click();
    expect(await page.locator('.schedule-rule').count()).toBe(0);
    await page.getByRole('button', { name: 'Save profile' }).first().click();
    await page.getByRole('heading', { name: 'Profiles' }).waitFor();
    await session
      .card('docs')
      .locator('dd', { hasText: /^unlimited$/ })
      .waitFor();
    expect(session.problems).toEqual([]);
  });
});
