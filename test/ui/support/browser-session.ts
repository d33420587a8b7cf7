/**
 * What every end-to-end test of the window needs: `rsync-tray serve` started as the CLI, Debian's
 * Chromium driven by playwright-core (never downloaded), the page opened at the printed address
 * (the token in its fragment, `/#token=…`),
 * and helpers to read the window as a user does. Page errors, console errors and warnings are
 * collected: each is a bug in the window.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { poll } from '../../support/sync-fixture.ts';
import { ensureRendererBuilt, ROOT } from './build-renderer.ts';

/** Debian's chromium package; CHROMIUM_PATH points elsewhere. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SHOTS = path.join(ROOT, 'test-results/screenshots');
export const chromiumAvailable = existsSync(CHROMIUM);
if (!chromiumAvailable)
  console.warn(
    `Skipping the browser tests: no Chromium at ${CHROMIUM} (Debian: apt-get install chromium, or set CHROMIUM_PATH).`,
  );

export type NavItem = 'Profiles' | 'Activity' | 'Import & export' | 'Settings';

export interface BrowserSession {
  page: Page;
  /** http://127.0.0.1:PORT */
  origin: string;
  /** Everything serve printed so far. */
  serveOutput(): string;
  /** Page errors, console errors and warnings (CSP violations, failed requests, Vue warnings). */
  problems: string[];
  shot(name: string, options?: { tall?: boolean }): Promise<void>;
  card(name: string): ReturnType<Page['locator']>;
  waitForBadge(name: string, label: string, timeoutMs?: number): Promise<void>;
  go(nav: NavItem): Promise<void>;
  /** Stops serve with SIGTERM and leaves the window open (a host that went away); its exit code. */
  stopServe(): Promise<number | null>;
  /**
   * Starts serve again, on the same port and config; answers the address it printed (the same
   * token, kept in the state folder; a new one with `newToken`, i.e. `--new-token`).
   */
  restartServe(options?: { newToken?: boolean }): Promise<string>;
  /** The address serve printed first. */
  readonly url: string;
  /** Closes the browser and stops serve with SIGTERM; answers serve's exit code. */
  dispose(): Promise<number | null>;
}

/** Starts serve on `configFile` (which may not exist yet: a first run) and opens the window. */
export async function startBrowserSession(configFile: string): Promise<BrowserSession> {
  await ensureRendererBuilt();
  await mkdir(SHOTS, { recursive: true });
  let output = '';
  let serve: ChildProcess;
  const launch = (port: number, newToken = false) => {
    serve = spawn(
      process.execPath,
      [
        path.join(ROOT, 'electron/headless/cli.ts'),
        'serve',
        '--config',
        configFile,
        '--port',
        String(port),
        // The tests are not a terminal: without it serve prints the address without the token.
        '--print-address',
        ...(newToken ? ['--new-token'] : []),
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    serve.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    serve.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  };
  /** The address printed after `from` in the output (each start prints its own). */
  const printedUrl = (from: number) =>
    poll(
      () => {
        if (serve.exitCode !== null) throw new Error(`serve exited with ${serve.exitCode}:\n${output}`);
        return /http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+/.exec(output.slice(from))?.[0];
      },
      20_000,
      () => `serve printed no address:\n${output}`,
    );
  launch(0);
  let browser: Browser | null = null;
  const stopServe = async (): Promise<number | null> => {
    if (serve.exitCode !== null) return serve.exitCode;
    const exited = new Promise<number | null>((resolve) => serve.once('exit', (code) => resolve(code)));
    serve.kill('SIGTERM');
    return exited;
  };
  try {
    const url = await printedUrl(0);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const context = await browser.newContext({
      viewport: { width: 1280, height: 860 },
      acceptDownloads: true,
      colorScheme: 'light',
      locale: 'en-GB',
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    await page.goto(url);

    const card = (name: string) => page.locator(`article[data-profile="${name}"]`);
    const session: BrowserSession = {
      page,
      origin: new URL(url).origin,
      url,
      serveOutput: () => output,
      problems,
      async shot(name, options = {}) {
        if (options.tall) await page.setViewportSize({ width: 1280, height: 1500 });
        await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
        if (options.tall) await page.setViewportSize({ width: 1280, height: 860 });
      },
      card,
      async waitForBadge(name, label, timeout = 20_000) {
        try {
          await card(name)
            .locator('.card-head .badge')
            .filter({ hasText: new RegExp(`^${label.replace(/[()]/g, '\\$&')}$`) })
            .waitFor({ timeout });
        } catch (error) {
          // Say what the card showed instead, and what serve logged.
          const shown = (await card(name).count()) ? await card(name).innerText() : '(no card)';
          const status = await page.evaluate(
            `fetch('/api/call', { method: 'POST', headers: { 'Content-Type': 'application/json', ` +
              `Authorization: 'Bearer ' + sessionStorage.getItem('rsync-tray-token') }, body: ` +
              `'{"method":"status.get","input":{}}' }).then((r) => r.text())`,
          );
          throw new Error(
            `"${name}" never showed ${label}. The card said:\n${shown}\n\nstatus.get: ${status}\n\nserve's output:\n` +
              `${output.slice(-6_000)}`,
            { cause: error },
          );
        }
      },
      async go(nav) {
        await page.getByRole('navigation').getByRole('link', { name: nav }).click();
      },
      stopServe,
      async restartServe(options = {}) {
        await stopServe();
        const from = output.length;
        launch(Number(new URL(url).port), options.newToken);
        return printedUrl(from);
      },
      async dispose() {
        await browser?.close();
        return stopServe();
      },
    };
    return session;
  } catch (error) {
    await browser?.close();
    await stopServe();
    throw error;
  }
}
