// @vitest-environment happy-dom
/**
 * Component tests: the profile editor validates as you type with ProfileSchema's own messages,
 * saves passwords only to the secret store, and the state vocabulary (words and colours) is one
 * table, the tray's, everywhere a state is shown.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SYNC_STATES, type ProfileStatus, type SyncState, type TargetStatus } from '../../electron/shared/status.ts';
import { describeBandwidth } from '../../electron/shared/bandwidth.ts';
import { ProfileSchema, type Profile } from '../../electron/shared/profile-schema.ts';
import { issueSentence } from '../../electron/shared/validation-messages.ts';
import { STATE_LABEL as TRAY_LABEL } from '../../electron/main/tray-model.ts';
import { overallLook, STATE_LOOK } from '../../renderer/src/status-vocabulary.ts';
import {
  fakeClient,
  loadComponents,
  type ComponentBundle,
  type FakeClient,
  type Wrapper,
} from './support/components.ts';

/** happy-dom's globals (the root tsconfig has no DOM lib: tests and the engine share it). */
const dom = globalThis as unknown as { document: { body: unknown; activeElement: { id: string } | null } };

let ui: ComponentBundle;
beforeAll(async () => {
  ui = await loadComponents();
}, 60_000);

/** The message ProfileSchema itself gives for one bad field of an otherwise valid profile. */
function schemaMessage(patch: Record<string, unknown>, field: string): string {
  const result = ProfileSchema.safeParse({
    name: 'n',
    source: '/srv',
    targets: [{ host: 'h', module: 'm' }],
    ...patch,
  });
  if (result.success) throw new Error(`expected ${field} to be invalid`);
  const issue = result.error.issues.find((i) => i.path.join('.') === field || i.path[0] === field);
  return issueSentence(issue!);
}

const existing: Profile = ProfileSchema.parse({
  name: 'documents',
  source: '/home/ann/Documents',
  targets: [{ host: 'nas.lan', module: 'backup', user: 'ann', auth: { type: 'secret' } }],
});

async function mountEditor(client: FakeClient, profileName: string | null = null): Promise<Wrapper> {
  const store = ui.createStore(client);
  await store.refresh();
  const wrapper = ui.mount(ui.ProfileEditor, {
    props: { profileName },
    global: { provide: { [ui.STORE]: store } },
    attachTo: dom.document.body,
  });
  await ui.flushPromises();
  return wrapper;
}

const msg = (w: Wrapper, id: string) => w.get(`#${id}-msg`).text();

describe('profile editor: validated as you type, with the schema’s own messages', () => {
  it('a fresh form shows help, not errors', async () => {
    const w = await mountEditor(fakeClient());
    expect(w.findAll('[aria-invalid="true"]')).toHaveLength(0);
    expect(msg(w, 'f-name')).toBe('Shown in the tray menu and notifications.');
    expect(msg(w, 'f-bandwidth')).toContain('5M for 5 MiB/s');
    w.unmount();
  });

  it('bandwidth: a bare number is refused with the schema’s words; a unit is spelled out', async () => {
    const w = await mountEditor(fakeClient());
    await w.get('#f-bandwidth').setValue('5');
    expect(msg(w, 'f-bandwidth')).toBe(schemaMessage({ bandwidthLimit: '5' }, 'bandwidthLimit'));
    expect(msg(w, 'f-bandwidth')).toContain('has no unit');
    expect(w.get('#f-bandwidth').attributes('aria-invalid')).toBe('true');

    await w.get('#f-bandwidth').setValue('5M');
    expect(msg(w, 'f-bandwidth')).toBe(describeBandwidth('5M'));
    expect(msg(w, 'f-bandwidth')).toBe('5M = 5 MiB/s = 5,242,880 bytes per second');
    expect(w.get('#f-bandwidth').attributes('aria-invalid')).toBe('false');

    await w.get('#f-bandwidth').setValue('10 Mbit');
    expect(msg(w, 'f-bandwidth')).toBe(schemaMessage({ bandwidthLimit: '10 Mbit' }, 'bandwidthLimit'));
    w.unmount();
  });

  it.each([
    ['f-source', 'relative/path', { source: 'relative/path' }, 'source'],
    ['t0-host', 'bad host', { targets: [{ host: 'bad host', module: 'm' }] }, 'targets.0.host'],
    ['t0-module', 'a/b', { targets: [{ host: 'h', module: 'a/b' }] }, 'targets.0.module'],
    ['t0-port', '70000', { targets: [{ host: 'h', module: 'm', port: 70000 }] }, 'targets.0.port'],
    ['t0-path', '../up', { targets: [{ host: 'h', module: 'm', path: '../up' }] }, 'targets.0.path'],
    ['t0-user', 'ann@home', { targets: [{ host: 'h', module: 'm', user: 'ann@home' }] }, 'targets.0.user'],
    ['f-maxdelete', '150', { maxDeletePercent: 150 }, 'maxDeletePercent'],
    ['f-keepdeleted', '1.5', { keepDeletedDays: 1.5 }, 'keepDeletedDays'],
    ['f-debounce', '70000', { debounceMs: 70000 }, 'debounceMs'],
    ['f-timeout', 'soon', { timeoutSeconds: 'soon' }, 'timeoutSeconds'],
  ])('%s = %j → the schema’s message', async (id, value, patch, field) => {
    const w = await mountEditor(fakeClient());
    await w.get(`#${id}`).setValue(value);
    expect(msg(w, id)).toBe(schemaMessage(patch, field));
    expect(w.get(`#${id}`).attributes('aria-invalid')).toBe('true');
    w.unmount();
  });

  it('excludes: the bad pattern is named by its line', async () => {
    const w = await mountEditor(fakeClient());
    await w.get('#f-excludes').setValue('*.tmp\n\n+ keep');
    expect(msg(w, 'f-excludes')).toBe(`Line 3: ${schemaMessage({ excludes: ['+ keep'] }, 'excludes')}`);
    w.unmount();
  });

  it('a name already used by another profile', async () => {
    const w = await mountEditor(fakeClient({ 'profiles.list': () => [existing] }));
    await w.get('#f-name').setValue('Documents');
    expect(msg(w, 'f-name')).toContain('is already the name of another profile');
    w.unmount();
  });

  it('saving an empty form shows every problem, focuses the first, and sends nothing', async () => {
    const client = fakeClient();
    const w = await mountEditor(client);
    await w.get('form').trigger('submit');
    await ui.flushPromises();
    expect(w.text()).toMatch(/\d+ fields need attention/);
    expect(msg(w, 'f-name')).toBe('Give the profile a name.');
    expect(msg(w, 'f-source')).toBe('Give the folder to back up.');
    expect(msg(w, 't0-host')).toBe("Give the backup server's host name or IP address.");
    expect(msg(w, 't0-module')).toContain('The module name must not be empty');
    expect(dom.document.activeElement?.id).toBe('f-name');
    expect(client.calls.map((c) => c.method)).not.toContain('profiles.save');
    w.unmount();
  });

  it('a valid form stores the typed password as a secret first, then saves a profile without it', async () => {
    const client = fakeClient({ 'secrets.set': () => null, 'profiles.save': ({ profile }) => profile });
    const w = await mountEditor(client);
    await w.get('#f-name').setValue('photos');
    await w.get('#f-source').setValue('/srv/photos');
    await w.get('#t0-host').setValue('nas.lan');
    await w.get('#t0-module').setValue('backup');
    await w.get('#t0-user').setValue('ann');
    await w.get('#t0-password').setValue('s3cret!');
    await w.get('#f-bandwidth').setValue('640K');
    await w.get('form').trigger('submit');
    await ui.flushPromises();
    const methods = client.calls.map((c) => c.method);
    expect(methods.indexOf('secrets.set')).toBeLessThan(methods.indexOf('profiles.save'));
    expect(client.calls.find((c) => c.method === 'secrets.set')!.input).toEqual({
      targetKey: 'ann@nas.lan:873/backup',
      password: 's3cret!',
    });
    const saved = client.calls.find((c) => c.method === 'profiles.save')!.input as {
      profile: Profile;
      previousName?: string;
    };
    expect(saved.previousName).toBeUndefined();
    expect(saved.profile).toMatchObject({
      name: 'photos',
      source: '/srv/photos',
      bandwidthLimit: '640K',
      targets: [{ host: 'nas.lan', port: 873, module: 'backup', user: 'ann', auth: { type: 'secret' } }],
    });
    expect(JSON.stringify(saved)).not.toContain('s3cret!');
    w.unmount();
  });

  it('the host’s refusal is shown with what to do, and nothing is lost from the form', async () => {
    const client = fakeClient({
      'profiles.save': () =>
        Promise.reject({
          code: 'INVALID_CONFIG',
          message: 'the config has 1 problem',
          hint: 'Correct the fields listed',
        }),
    });
    const w = await mountEditor(client);
    await w.get('#f-name').setValue('x');
    await w.get('#f-source').setValue('/x');
    await w.get('#t0-host').setValue('h');
    await w.get('#t0-module').setValue('m');
    await w.get('#t0-auth').setValue('none');
    await w.get('form').trigger('submit');
    await ui.flushPromises();
    expect(w.text()).toMatch(/Not saved:\s+the config has 1 problem/);
    expect(w.text()).toContain('What to do: Correct the fields listed');
    expect(w.get('#f-name').element.value).toBe('x');
    w.unmount();
  });

  it('editing: the stored password is never loaded, only that there is one', async () => {
    const client = fakeClient({
      'profiles.list': () => [existing],
      'secrets.has': ({ targetKey }) => targetKey === 'ann@nas.lan:873/backup',
    });
    const w = await mountEditor(client, 'documents');
    expect(w.get('#f-name').element.value).toBe('documents');
    expect(w.get('#t0-password').element.value).toBe('');
    expect(msg(w, 't0-password')).toContain('A password is stored for ann@nas.lan:873/backup');
    w.unmount();
  });

  it('password file and environment variable are validated by the schema too', async () => {
    const w = await mountEditor(fakeClient());
    await w.get('#t0-auth').setValue('env');
    await w.get('#t0-envVariable').setValue('1BAD');
    expect(msg(w, 't0-envVariable')).toBe(
      'The environment variable must be a name such as BACKUP_PASSWORD: letters, digits and _, not starting with a digit.',
    );
    await w.get('#t0-auth').setValue('passwordFile');
    await w.get('#t0-passwordFile').setValue('');
    expect(msg(w, 't0-passwordFile')).toBe('Give the path of the password file.');
    w.unmount();
  });

  it('Test connection lists the daemon’s modules, and picking one fills the field', async () => {
    const client = fakeClient({
      'connection.test': () => ({
        reachable: true,
        module: 'failed',
        modules: [
          { name: 'backup', comment: 'nightly' },
          { name: 'www', comment: '' },
        ],
        error: { code: 'UNKNOWN_MODULE', message: 'Unknown module `bakup` on h:873.', hint: 'Check the module name' },
      }),
    });
    const w = await mountEditor(client);
    await w.get('#t0-host').setValue('nas.lan');
    await w.get('#t0-module').setValue('bakup');
    await w
      .findAll('button')
      .find((b) => b.text() === 'Test connection')!
      .trigger('click');
    await ui.flushPromises();
    expect(client.calls.find((c) => c.method === 'connection.test')!.input).toMatchObject({
      target: { host: 'nas.lan', module: 'bakup' },
    });
    expect(w.text()).toContain('Daemon reachable, it lists 2 modules');
    expect(w.text()).toContain('Login or module "bakup": failed');
    expect(w.text()).toContain('Unknown module bakup on h:873.');
    expect(w.find('.error-message code').text()).toBe('bakup');
    await w
      .findAll('button.chip')
      .find((b) => b.text().startsWith('backup'))!
      .trigger('click');
    expect(w.get('#t0-module').element.value).toBe('backup');
    w.unmount();
  });
});

// ---------------------------------------------------------------------------------------------

describe('the state vocabulary is one table, the tray’s', () => {
  it('every state has a look, and its word is the tray menu’s word', () => {
    for (const s of SYNC_STATES) {
      const look = STATE_LOOK[s];
      expect(look.label.toLowerCase(), s).toBe(TRAY_LABEL[s]);
      expect(look.meaning.length).toBeGreaterThan(10);
      for (const c of [look.dot, look.text.light, look.text.dark]) expect(c).toMatch(/^#[0-9a-f]{6}$/);
    }
    expect(new Set(SYNC_STATES.map((s) => STATE_LOOK[s].label)).size).toBe(SYNC_STATES.length);
  });

  it('state text is readable: at least 4.5:1 against the light and the dark card', () => {
    const lum = (hex: string) => {
      const [r, g, b] = [1, 3, 5]
        .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
        .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const contrast = (a: string, b: string) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
    for (const s of SYNC_STATES) {
      expect(contrast(STATE_LOOK[s].text.light, '#ffffff'), s).toBeGreaterThanOrEqual(4.5);
      expect(contrast(STATE_LOOK[s].text.dark, '#1e2227'), s).toBeGreaterThanOrEqual(4.5);
    }
  });

  it.each(SYNC_STATES)('the badge for %s shows the table’s word and colours', (state) => {
    const w = ui.mount(ui.StateBadge, { props: { state } });
    expect(w.text()).toBe(STATE_LOOK[state].label);
    expect(w.attributes('data-state')).toBe(state);
    expect(w.attributes('title')).toBe(STATE_LOOK[state].meaning);
    const style = w.attributes('style');
    expect(style).toContain(`--dot: ${STATE_LOOK[state].dot}`);
    expect(style).toContain(`--tone-light: ${STATE_LOOK[state].text.light}`);
    w.unmount();
  });

  it('the overall state is the worst one, like the tray icon', () => {
    const of = (...states: SyncState[]) => overallLook(states.map((state) => ({ state })));
    expect(of()).toMatchObject({ label: 'No profiles yet' });
    expect(of('idle')).toMatchObject({ state: 'idle', label: 'Current' });
    expect(of('idle', 'idle', 'idle')).toMatchObject({ label: 'All 3 current' });
    expect(of('idle', 'paused', 'syncing')).toMatchObject({ state: 'paused', label: 'Paused (1 of 3)' });
    expect(of('error', 'needs-confirmation', 'error')).toMatchObject({ state: 'error', label: 'Error (2 of 3)' });
  });
});

// ---------------------------------------------------------------------------------------------

function status(
  state: SyncState,
  patch: Partial<ProfileStatus> = {},
  target: Partial<TargetStatus> = {},
): ProfileStatus {
  return {
    name: 'documents',
    state,
    pending: 0,
    lastSuccessAt: null,
    lastError: null,
    watch: { mode: 'watching', note: null },
    targets: [
      {
        key: 'ann@nas.lan:873/backup',
        state,
        pending: 0,
        lastSuccessAt: null,
        lastFullSyncAt: null,
        lastError: null,
        retry: null,
        unreachableSince: null,
        hold: null,
        progress: null,
        totals: { runs: 0, files: 0, bytes: 0, failures: 0 },
        ...target,
      },
    ],
    ...patch,
  };
}

async function mountCard(s: ProfileStatus, client = fakeClient()): Promise<Wrapper> {
  const store = ui.createStore(client);
  const w = ui.mount(ui.ProfileCard, {
    props: { status: s, profile: existing },
    global: { provide: { [ui.STORE]: store } },
  });
  await ui.flushPromises();
  return w;
}

describe('a profile card says what is going on, and what to do', () => {
  it('current: the badge, when it last synced, nothing pending', async () => {
    const w = await mountCard(status('idle', { lastSuccessAt: Date.now() - 120_000 }));
    expect(w.get('.badge').text()).toBe('Current');
    expect(w.text()).toContain('2 min ago');
    expect(w.text()).toContain('rsync://ann@nas.lan:873/backup/');
    expect(w.find('[role="progressbar"]').exists()).toBe(false);
    w.unmount();
  });

  it('syncing: a progress bar with the rate and the time left', async () => {
    const w = await mountCard(
      status(
        'syncing',
        { pending: 3 },
        {
          progress: {
            kind: 'batch',
            bytes: 3 * 1024 * 1024,
            percent: 42.4,
            bytesPerSecond: 1024 * 1024,
            etaSeconds: 95,
          },
        },
      ),
    );
    expect(w.get('[role="progressbar"]').attributes('aria-valuenow')).toBe('42');
    expect(w.text()).toContain('Sending changes · 42 % · 3.0 MiB · 1.0 MiB/s · about 2 min left');
    expect(w.text()).toContain('3 changes');
    w.unmount();
  });

  it(
    'a full sync: the bytes sent and the rate, ' + 'with no percentage (its file list is never whole upfront)',
    async () => {
      const w = await mountCard(
        status(
          'scanning',
          {},
          {
            progress: {
              kind: 'full',
              bytes: 5 * 1024 * 1024,
              percent: null,
              bytesPerSecond: 2 * 1024 * 1024,
              etaSeconds: null,
            },
          },
        ),
      );
      const bar = w.get('[role="progressbar"]');
      expect(bar.attributes('aria-valuenow')).toBeUndefined();
      expect(bar.attributes('class')).toContain('indeterminate');
      expect(w.text()).toContain('Full sync · 5.0 MiB sent · 2.0 MiB/s');
      expect(w.text()).not.toContain('%');
      w.unmount();
    },
  );

  it('paused: Resume instead of Pause, and no Sync now', async () => {
    const client = fakeClient({ 'sync.resume': () => null });
    const w = await mountCard(status('paused', { pending: 1 }), client);
    const buttons = Object.fromEntries(w.findAll('button').map((b) => [b.text(), b]));
    expect(buttons.Pause).toBeUndefined();
    expect(buttons['Sync now']!.attributes('disabled')).toBeDefined();
    await buttons.Resume!.trigger('click');
    await ui.flushPromises();
    expect(client.calls.at(-1)).toEqual({ method: 'sync.resume', input: { profile: 'documents' } });
    w.unmount();
  });

  it('error: the message and what to do', async () => {
    const error = {
      code: 'AUTH_FAILED' as const,
      message: 'Authentication failed for ann@nas.lan:873/backup.',
      hint: 'Check the password.',
    };
    const w = await mountCard(
      status('error', { lastError: error }, { lastError: error, retry: { attempt: 2, nextAt: Date.now() + 30_000 } }),
    );
    expect(w.get('.badge').text()).toBe('Error');
    expect(w.text()).toContain('Authentication failed for ann@nas.lan:873/backup.');
    expect(w.text()).toContain('What to do: Check the password.');
    // Two attempts failed, so the upcoming one is attempt 3: the presenter's phrase, as the tray and the CLI say it.
    expect(w.text()).toMatch(/Attempt 3 in (29|30) s\./);
    w.unmount();
  });

  it('needs confirmation: the held deletions are counted, and confirm/refuse go to the host', async () => {
    // Worded by the engine as a clause; the window shows it as a sentence.
    const hold = {
      deletions: 1234,
      backupEntries: 1500,
      reason: 'the source folder is empty (is its disk mounted?)',
      since: Date.now(),
      alreadyDeleted: 0,
      windowMinutes: 10,
      sample: [],
      listed: 0,
      safetyNet: null,
    };
    const client = fakeClient({ 'deletions.refuse': () => null });
    const w = await mountCard(status('needs-confirmation', {}, { hold }), client);
    expect(w.get('.badge').text()).toBe('Needs confirmation');
    expect(w.text()).toContain('1,234 entries of 1,500 would be deleted on the backup.');
    expect(w.text()).toContain('The source folder is empty (is its disk mounted?).');
    await w
      .findAll('button')
      .find((b) => b.text() === 'Keep the files')!
      .trigger('click');
    await ui.flushPromises();
    expect(client.calls.at(-1)).toEqual({ method: 'deletions.refuse', input: { profile: 'documents' } });
    w.unmount();
  });

  it('in a browser the folder cannot be opened on the server’s desktop: the path is offered to copy', async () => {
    const browser = await mountCard(status('idle'), fakeClient({}, 'browser'));
    expect(browser.findAll('button').map((b) => b.text())).toContain('Copy path');
    browser.unmount();
    const electron = await mountCard(status('idle'), fakeClient({ 'folder.open': () => null }, 'electron'));
    expect(electron.findAll('button').map((b) => b.text())).toContain('Open folder');
    electron.unmount();
  });
});

describe('events keep the window current', () => {
  it('a status event updates the dashboard; a gap in the sequence refetches everything', async () => {
    let served: ProfileStatus[] = [status('idle')];
    const client = fakeClient({ 'status.get': () => served, 'profiles.list': () => [existing] });
    const store = ui.createStore(client);
    store.start();
    await ui.flushPromises();
    const w = ui.mount(ui.DashboardView, { global: { provide: { [ui.STORE]: store } } });
    await ui.flushPromises();
    expect(w.get('.badge').text()).toBe('Current');

    client.emit({ type: 'status', status: status('syncing'), seq: 1, at: Date.now() });
    await ui.nextTick();
    expect(w.get('.badge').text()).toBe('Syncing');

    const fetches = () => client.calls.filter((c) => c.method === 'status.get').length;
    const before = fetches();
    served = [status('paused')];
    client.emit({ type: 'log', level: 'info', message: 'x', seq: 5, at: Date.now() }); // 2-4 missed
    await ui.flushPromises();
    expect(fetches()).toBe(before + 1);
    expect(w.get('.badge').text()).toBe('Paused');
    w.unmount();
    store.dispose();
  });

  it('events that arrive while a snapshot is fetched are newer than it, and win', async () => {
    let release: () => void = () => {};
    const client = fakeClient({
      'status.get': () => new Promise((resolve) => (release = () => resolve([status('idle')]))),
      'activity.list': () => [
        {
          profile: 'documents',
          target: 't',
          kind: 'full',
          startedAt: 1,
          durationMs: 1,
          paths: 0,
          files: 0,
          bytes: 0,
          deleted: 0,
          moved: 0,
          deletedNames: [],
          latencyMs: null,
          outcome: 'ok',
          error: null,
        },
      ],
    });
    const store = ui.createStore(client);
    store.start(); // subscribes, then fetches the snapshot (held open by the fake)
    const run = {
      profile: 'documents',
      target: 't',
      kind: 'full' as const,
      startedAt: 1,
      durationMs: 1,
      paths: 0,
      files: 0,
      bytes: 0,
      deleted: 0,
      moved: 0,
      deletedNames: [],
      latencyMs: null,
      outcome: 'ok' as const,
      error: null,
    };
    client.emit({ type: 'status', status: status('syncing'), seq: 1, at: 2 });
    client.emit({ type: 'run', run, seq: 2, at: 2 });
    const loading = store.refresh();
    release();
    await loading;
    await ui.flushPromises();
    expect(store.state.statuses.map((x: ProfileStatus) => x.state)).toEqual(['syncing']);
    expect(store.state.runs).toHaveLength(1);
    store.dispose();
  });

  it('the dashboard’s empty state leads to the first profile and to the importer', async () => {
    const store = ui.createStore(fakeClient());
    await store.refresh();
    const w = ui.mount(ui.DashboardView, { global: { provide: { [ui.STORE]: store } } });
    expect(w.text()).toContain('No profiles yet');
    const links = w.findAll('a').map((a) => [a.text(), a.attributes('href')]);
    expect(links).toContainEqual(['Create the first profile', '#/new']);
    expect(links).toContainEqual(['Import profiles…', '#/transfer']);
    w.unmount();
  });
});

// ---------------------------------------------------------------------------------------------

const NOT_HERE = {
  code: 'UNSUPPORTED',
  message: 'Start at login and notifications are settings of the Rsync Tray desktop app, which does not run here.',
  hint: 'Set them in the tray app.',
};
const PREFS = {
  startAtLogin: true,
  notifications: { muted: false, failures: true, recoveries: true, confirmations: true },
};

async function mountSettings(client: FakeClient): Promise<Wrapper> {
  const store = ui.createStore(client);
  await store.refresh();
  const w = ui.mount(ui.SettingsView, { global: { provide: { [ui.STORE]: store } }, attachTo: dom.document.body });
  await ui.flushPromises();
  return w;
}
const button = (w: Wrapper, text: string) => w.findAll('button').find((b) => b.text() === text)!;
const checkbox = (w: Wrapper, label: string) =>
  w
    .findAll('label.check')
    .find((l) => l.text().startsWith(label))!
    .find('input');

describe('settings: the config’s settings everywhere, the host’s preferences where there are some', () => {
  it('in a browser on serve: rsync program and quiet time, validated by the schema; no host controls', async () => {
    const client = fakeClient({
      'preferences.get': () => Promise.reject(NOT_HERE),
      'settings.set': ({ settings }) => ({ rsyncPath: 'rsync', defaultDebounceMs: 5, ...settings }),
    });
    const w = await mountSettings(client);
    expect(w.get('#s-rsync').element.value).toBe('rsync');
    expect(w.get('#s-debounce').element.value).toBe('5');
    expect(w.find('[data-host-preferences]').exists()).toBe(false);
    expect(w.findAll('input[type="checkbox"]')).toHaveLength(0);
    expect(w.text()).toContain(NOT_HERE.message);
    expect(button(w, 'Save settings').attributes('disabled')).toBeDefined(); // nothing changed yet

    await w.get('#s-debounce').setValue('70000');
    expect(msg(w, 's-debounce')).toBe(
      'The default quiet time must be a whole number of milliseconds between 0 and 60,000.',
    );
    expect(w.get('#s-debounce').attributes('aria-invalid')).toBe('true');
    expect(button(w, 'Save settings').attributes('disabled')).toBeDefined();
    await w.get('#s-rsync').setValue('');
    expect(msg(w, 's-rsync')).toBe('Give the rsync program, such as rsync or /usr/local/bin/rsync.');

    await w.get('#s-rsync').setValue('/usr/local/bin/rsync');
    await w.get('#s-debounce').setValue('250');
    expect(w.get('[role="status"]').text()).toBe('Unsaved changes');
    await w.get('form').trigger('submit');
    await ui.flushPromises();
    expect(client.calls.filter((c) => c.method.endsWith('.set'))).toEqual([
      { method: 'settings.set', input: { settings: { rsyncPath: '/usr/local/bin/rsync', defaultDebounceMs: 250 } } },
    ]);
    expect(w.get('[role="status"]').text()).toBe('Settings saved.');
    expect(button(w, 'Save settings').attributes('disabled')).toBeDefined();
    w.unmount();
  });

  it('a refusal by the host is shown with what to do, and the form keeps what was typed', async () => {
    const client = fakeClient({
      'preferences.get': () => Promise.reject(NOT_HERE),
      'settings.set': () =>
        Promise.reject({
          code: 'RSYNC_MISSING',
          message: 'There is no rsync at /nope.',
          hint: 'Install rsync or correct the path.',
        }),
    });
    const w = await mountSettings(client);
    await w.get('#s-rsync').setValue('/nope');
    await w.get('form').trigger('submit');
    await ui.flushPromises();
    expect(w.get('[role="alert"]').text()).toMatch(
      /Not saved:\s+There is no rsync at \/nope\.\s*What to do: Install rsync or correct the path\./,
    );
    expect(w.get('#s-rsync').element.value).toBe('/nope');
    expect(w.get('[role="status"]').text()).toBe('Unsaved changes');
    w.unmount();
  });

  it('in the tray app: start at login and notifications, sent as a patch of what changed', async () => {
    let prefs = structuredClone(PREFS);
    const client = fakeClient(
      {
        'preferences.get': () => prefs,
        'preferences.set': ({ preferences }) =>
          (prefs = {
            startAtLogin: preferences.startAtLogin ?? prefs.startAtLogin,
            notifications: { ...prefs.notifications, ...preferences.notifications },
          }),
      },
      'electron',
    );
    const w = await mountSettings(client);
    expect(w.find('[data-host-preferences]').exists()).toBe(true);
    expect(checkbox(w, 'Start Rsync Tray when I log in').element.checked).toBe(true);
    expect(checkbox(w, 'When a backup fails').element.disabled).toBe(false);

    await checkbox(w, 'Mute all notifications').setValue(true);
    // Muted: the kinds stay as they are, but cannot be changed while muted (as in the tray menu).
    expect(checkbox(w, 'When a backup fails').element.disabled).toBe(true);
    await checkbox(w, 'Start Rsync Tray when I log in').setValue(false);
    await w.get('form').trigger('submit');
    await ui.flushPromises();
    const sets = client.calls.filter((c) => c.method.endsWith('.set'));
    expect(sets).toEqual([
      { method: 'preferences.set', input: { preferences: { startAtLogin: false, notifications: { muted: true } } } },
    ]);
    expect(w.get('[role="status"]').text()).toBe('Settings saved.');
    w.unmount();
  });

  it('what the tray menu changed shows when the window gets the focus back; edits in progress are kept', async () => {
    let prefs = structuredClone(PREFS);
    const client = fakeClient({ 'preferences.get': () => prefs }, 'electron');
    const w = await mountSettings(client);
    prefs = { ...prefs, notifications: { ...prefs.notifications, muted: true } };
    (globalThis as unknown as { window: { dispatchEvent(e: unknown): void } }).window.dispatchEvent(new Event('focus'));
    await ui.flushPromises();
    expect(checkbox(w, 'Mute all notifications').element.checked).toBe(true);

    await checkbox(w, 'When it works again').setValue(true); // no-op while muted: disabled
    await checkbox(w, 'Start Rsync Tray when I log in').setValue(false);
    prefs = { ...prefs, notifications: { ...prefs.notifications, muted: false } };
    (globalThis as unknown as { window: { dispatchEvent(e: unknown): void } }).window.dispatchEvent(new Event('focus'));
    await ui.flushPromises();
    expect(checkbox(w, 'Start Rsync Tray when I log in').element.checked).toBe(false);
    expect(w.get('[role="status"]').text()).toBe('Unsaved changes');
    w.unmount();
  });

  it('where start at login cannot be managed, it says so instead of offering a checkbox', async () => {
    const w = await mountSettings(
      fakeClient({ 'preferences.get': () => ({ ...PREFS, startAtLogin: null }) }, 'electron'),
    );
    expect(w.findAll('label.check').map((l) => l.text())).not.toContain('Start Rsync Tray when I log in');
    expect(w.text()).toContain('Start at login cannot be managed by this copy of Rsync Tray');
    w.unmount();
  });

  it('a new profile starts with the quiet time from the settings', async () => {
    const w = await mountEditor(fakeClient({ 'settings.get': () => ({ rsyncPath: 'rsync', defaultDebounceMs: 250 }) }));
    expect(w.get('#f-debounce').element.value).toBe('250');
    w.unmount();
  });
});
