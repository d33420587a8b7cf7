// @vitest-environment happy-dom
/**
 * The card's pause menu and Sync now, in happy-dom: the timed choices send their minutes, the
 * keyboard moves through them, a timed pause reads "Paused until …", and a quick full sync's
 * result shows beside Sync now when its run arrives.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ProfileSchema } from '../../electron/shared/profile-schema.ts';
import { formatClock } from '../../electron/shared/presenter.ts';
import type { ProfileStatus, RunRecord, SyncState } from '../../electron/shared/status.ts';
import { fakeClient, loadComponents, type ComponentBundle, type FakeClient } from './support/components.ts';

const dom = globalThis as unknown as { document: { body: unknown; activeElement: { textContent: string } | null } };

let ui: ComponentBundle;
beforeAll(async () => {
  ui = await loadComponents();
}, 60_000);

const profile = ProfileSchema.parse({
  name: 'documents',
  source: '/srv/docs',
  targets: [{ host: 'nas', module: 'm' }],
});
const status = (state: SyncState, patch: Partial<ProfileStatus> = {}): ProfileStatus => ({
  name: 'documents',
  state,
  pending: 0,
  lastSuccessAt: null,
  lastError: null,
  watch: { mode: 'watching', note: null },
  targets: [
    {
      key: 'nas:873/m',
      state,
      pending: 0,
      lastSuccessAt: null,
      lastFullSyncAt: 1,
      lastError: null,
      retry: null,
      unreachableSince: null,
      hold: null,
      progress: null,
      totals: { runs: 0, files: 0, bytes: 0, failures: 0 },
    },
  ],
  ...patch,
});

async function mountCard(s: ProfileStatus, client: FakeClient) {
  const store = ui.createStore(client);
  const w = ui.mount(ui.ProfileCard, {
    props: { status: s, profile },
    global: { provide: { [ui.STORE]: store } },
    attachTo: dom.document.body as never,
  });
  await ui.flushPromises();
  return { w, store };
}

describe('the pause menu', () => {
  it('offers the timed pauses and sends the one chosen as minutes', async () => {
    const client = fakeClient({ 'sync.pause': () => null });
    const { w } = await mountCard(status('idle'), client);
    const trigger = w.get('button[aria-label="For how long"]');
    expect(trigger.attributes('aria-expanded')).toBe('false');
    await trigger.trigger('click');
    await ui.flushPromises();
    expect(trigger.attributes('aria-expanded')).toBe('true');
    const items = w.findAll('[role="menuitem"]');
    expect(items.map((i) => i.text())).toEqual([
      'For 15 minutes',
      'For 1 hour',
      expect.stringMatching(/^Until (tomorrow|this morning) 08:00$/),
      'Until resumed',
    ]);
    // The first choice has the focus; arrows move it, wrapping round.
    expect(dom.document.activeElement?.textContent).toBe('For 15 minutes');
    await w.get('.pause-menu').trigger('keydown', { key: 'ArrowUp' });
    expect(dom.document.activeElement?.textContent).toBe('Until resumed');
    await items[1]!.trigger('click');
    await ui.flushPromises();
    expect(client.calls.at(-1)).toEqual({ method: 'sync.pause', input: { profile: 'documents', minutes: 60 } });
    expect(w.find('[role="menu"]').exists()).toBe(false);
    w.unmount();
  });

  it('Escape closes it and gives the focus back to its button', async () => {
    const { w } = await mountCard(status('idle'), fakeClient());
    await w.get('button[aria-label="For how long"]').trigger('click');
    await ui.flushPromises();
    await w.get('.pause-menu').trigger('keydown', { key: 'Escape' });
    expect(w.find('[role="menu"]').exists()).toBe(false);
    expect(dom.document.activeElement).toBe(w.get('button[aria-label="For how long"]').element);
    w.unmount();
  });

  it('"Pause" alone pauses until resumed; a timed pause reads "Paused until …"', async () => {
    const client = fakeClient({ 'sync.pause': () => null });
    const { w } = await mountCard(status('idle'), client);
    await w
      .findAll('button')
      .find((b) => b.text() === 'Pause')!
      .trigger('click');
    await ui.flushPromises();
    expect(client.calls.at(-1)).toEqual({ method: 'sync.pause', input: { profile: 'documents' } });
    const until = Date.now() + 15 * 60_000;
    // A wrapper of the bundle is loosely typed (support/components.ts); setProps is Vue Test Utils'.
    await (w as unknown as { setProps(p: object): Promise<void> }).setProps({
      status: status('paused', { pausedUntil: until }),
    });
    expect(w.get('.card-now').text()).toBe(
      `Paused until ${formatClock(until, Date.now())}. Changes are collected but not sent until you resume.`,
    );
    const syncNow = w.findAll('button').find((b) => b.text() === 'Sync now')!;
    expect(syncNow.attributes('disabled')).toBeDefined();
    expect(syncNow.attributes('title')).toBe(`Paused until ${formatClock(until, Date.now())}: resume it to sync now.`);
    w.unmount();
  });
});

describe('Sync now', () => {
  it('shows the result of the full sync it started, when its run arrives', async () => {
    const client = fakeClient({ 'sync.now': () => null });
    const { w, store } = await mountCard(status('idle'), client);
    store.start();
    await ui.flushPromises();
    await w
      .findAll('button')
      .find((b) => b.text() === 'Sync now')!
      .trigger('click');
    await ui.flushPromises();
    expect(w.get('.sync-result').text()).toBe('');
    const run: RunRecord = {
      id: 7,
      profile: 'documents',
      target: 'nas:873/m',
      kind: 'full',
      startedAt: Date.now(),
      durationMs: 40,
      paths: 0,
      files: 3,
      bytes: 300,
      latencyMs: null,
      deleted: 0,
      moved: 0,
      deletedNames: [],
      outcome: 'ok',
      error: null,
      sent: 3,
    };
    client.emit({ type: 'run', run, seq: 1, at: Date.now() });
    await ui.flushPromises();
    expect(w.get('[role="status"].sync-result').text()).toBe('Synced: 3 items sent');
    store.dispose();
    w.unmount();
  });
});
