// @vitest-environment happy-dom
/**
 * The target panels of a profile card say only what differs per target (happy-dom, the real
 * components): the card already says the profile's state, its last sync (the oldest of its
 * targets') and its pending changes, so a panel shows a target's own badge, pending count and
 * last sync only where they differ; no table repeats them. With one target, its panel leaves the
 * rate and the time left to the card's transfer line and says the totals.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ProfileSchema } from '../../electron/shared/profile-schema.ts';
import type { ProfileStatus, TargetStatus } from '../../electron/shared/status.ts';
import { fakeClient, loadComponents, type ComponentBundle, type Wrapper } from './support/components.ts';

let ui: ComponentBundle;
beforeAll(async () => {
  ui = await loadComponents();
}, 60_000);

const MIN = 60_000;
const profile = ProfileSchema.parse({
  name: 'documents',
  source: '/home/ann/Documents',
  targets: [
    { host: 'nas.lan', module: 'backup' },
    { host: 'offsite.example.org', module: 'docs' },
  ],
});

function target(key: string, over: Partial<TargetStatus>): TargetStatus {
  return {
    key,
    state: 'idle',
    pending: 0,
    lastSuccessAt: null,
    lastFullSyncAt: Date.now() - 60 * MIN,
    lastError: null,
    retry: null,
    unreachableSince: null,
    hold: null,
    progress: null,
    totals: { runs: 1, files: 0, bytes: 0, failures: 0 },
    lastContactAt: Date.now() - 5_000,
    ...over,
  };
}

function status(targets: TargetStatus[], over: Partial<ProfileStatus> = {}): ProfileStatus {
  return {
    name: 'documents',
    state: 'syncing',
    pending: Math.max(...targets.map((t) => t.pending)),
    lastSuccessAt: Math.min(...targets.map((t) => t.lastSuccessAt ?? 0)),
    lastError: null,
    watch: { mode: 'watching', note: null },
    targets,
    ...over,
  };
}

async function mount(s: ProfileStatus, p = profile): Promise<Wrapper> {
  const w = ui.mount(ui.ProfileCard, {
    props: { status: s, profile: p },
    global: { provide: { [ui.STORE]: ui.createStore(fakeClient()) } },
  });
  await ui.flushPromises();
  return w;
}

const panel = (w: Wrapper, key: string) => w.get(`section.target-panel[data-target="${key}"]`);

describe('target panels say what differs per target', () => {
  it('two targets: a badge, a pending count and a last sync only where the target differs from the card', async () => {
    const now = Date.now();
    const w = await mount(
      status([
        target('nas.lan:873/backup', { state: 'syncing', pending: 5, lastSuccessAt: now - 10 * MIN }),
        target('offsite.example.org:873/docs', { state: 'idle', pending: 2, lastSuccessAt: now - 2 * MIN }),
      ]),
    );
    const nas = panel(w, 'nas.lan:873/backup');
    const offsite = panel(w, 'offsite.example.org:873/docs');
    // The card's badge says Syncing, as the nas target is: only the other one has a badge.
    expect(nas.find('.badge').exists()).toBe(false);
    expect(offsite.get('.badge').text()).toBe('Current');
    // The card says 5 changes; the offsite target has fewer left.
    expect(nas.text()).not.toContain('pending');
    expect(offsite.text()).toContain('2 changes pending');
    // The card's last sync is the nas target's (the older): only offsite says its own.
    expect(w.get('.facts').text()).toContain('10 min ago');
    expect(nas.text()).not.toContain('last synced');
    expect(offsite.text()).toMatch(/last synced 2 min ago \(\d\d:\d\d\)/);
    expect(w.find('table').exists(), 'no targets table saying it all again').toBe(false);
    w.unmount();
  });

  it('two targets synced by the same run (ms apart) do not each say when', async () => {
    const at = Date.now() - 3 * MIN;
    const w = await mount(
      status(
        [
          target('nas.lan:873/backup', { lastSuccessAt: at }),
          target('offsite.example.org:873/docs', { lastSuccessAt: at + 40 }),
        ],
        { state: 'idle' },
      ),
    );
    expect(w.findAll('.target-panel').map((p) => p.text().includes('last synced'))).toEqual([false, false]);
    w.unmount();
  });

  it('one target: its panel says the totals, the card the rate and the time left; no last sync twice', async () => {
    const one = ProfileSchema.parse({ ...profile, targets: [profile.targets[0]] });
    const w = await mount(
      status([
        target('nas.lan:873/backup', {
          state: 'syncing',
          lastSuccessAt: Date.now() - 10 * MIN,
          progress: {
            kind: 'full',
            bytes: 3 * 1024 ** 2,
            percent: 25,
            bytesPerSecond: 1024 ** 2,
            etaSeconds: 9,
            filesDone: 2,
            filesTotal: 8,
            bytesTotal: 12 * 1024 ** 2,
          },
        }),
      ]),
      one,
    );
    expect(w.get('.card-now').text()).toBe('Full sync · 25 % · 3.0 MiB sent · 1.0 MiB/s · 9 s left');
    const facts = w
      .get('.target-panel [aria-label="Transfer"]')
      .findAll('li')
      .map((li) => li.text());
    expect(facts).toEqual(['2 of 8 files', '3.0 MiB of 12 MiB']);
    expect(w.get('.target-panel').text()).not.toContain('last synced');
    expect(w.find('.target-panel-head').exists(), 'one target: not named again').toBe(false);
    w.unmount();
  });
});
