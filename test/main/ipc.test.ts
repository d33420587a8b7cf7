import { beforeEach, describe, expect, it, vi } from 'vitest';
import { METHODS, type ApiHandlers } from '../../electron/shared/contract.ts';
import {
  handleCall,
  registerIpc,
  REFUSED_SENDER,
  senderInfo,
  type IpcBridgeOptions,
} from '../../electron/main/ipc-bridge.ts';
import { CALL_CHANNEL, PICK_FOLDER_CHANNEL } from '../../electron/shared/ipc-channels.ts';
import { APP_BASE_URL, checkSender, sameOrigin, type SenderInfo } from '../../electron/main/ipc-security.ts';
import { fakeElectron } from './fake-electron.ts';

function spyHandlers(): ApiHandlers {
  return Object.fromEntries(
    METHODS.map((m) => [m, vi.fn(async () => (m === 'status.get' ? [] : null))]),
  ) as unknown as ApiHandlers;
}

const PAGE = `${APP_BASE_URL}index.html#/profiles/Docs`;
const trusted: SenderInfo = { webContentsId: 7, frameUrl: PAGE, isMainFrame: true };
const policy = { trustedIds: new Set([7]), appUrl: APP_BASE_URL };

describe('sender check', () => {
  it('accepts the main frame of an app window showing the app page', () => {
    expect(checkSender(trusted, policy)).toEqual({ ok: true });
    expect(
      checkSender({ ...trusted, frameUrl: 'http://localhost:5173/' }, { ...policy, appUrl: 'http://localhost:5173/' }),
    ).toEqual({ ok: true });
  });

  it.each<[string, SenderInfo]>([
    ['another webContents', { ...trusted, webContentsId: 8 }],
    ['a subframe', { ...trusted, isMainFrame: false }],
    ['a frame that is gone', { ...trusted, frameUrl: undefined }],
    ['a page navigated elsewhere', { ...trusted, frameUrl: 'https://evil.example/app' }],
    ['a local file', { ...trusted, frameUrl: 'file:///tmp/index.html' }],
    ['a look-alike host', { ...trusted, frameUrl: 'app://rsync-tray.evil/index.html' }],
    ['credentials in the URL', { ...trusted, frameUrl: 'app://x@rsync-tray/index.html' }],
    ['a garbage URL', { ...trusted, frameUrl: 'not a url' }],
  ])('refuses %s', (_what, sender) => {
    expect(checkSender(sender, policy).ok).toBe(false);
  });

  it('compares origins by scheme, host and port', () => {
    expect(sameOrigin('http://localhost:5173/x', 'http://localhost:5173/')).toBe(true);
    expect(sameOrigin('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
    expect(sameOrigin('https://localhost:5173/', 'http://localhost:5173/')).toBe(false);
  });

  it('reads the sender from an IPC event', () => {
    const mainFrame = { url: PAGE };
    expect(senderInfo({ sender: { id: 7, mainFrame }, senderFrame: mainFrame } as never)).toEqual(trusted);
    expect(senderInfo({ sender: { id: 7, mainFrame }, senderFrame: { url: PAGE } } as never).isMainFrame).toBe(false);
    expect(senderInfo({ sender: { id: 7, mainFrame }, senderFrame: null } as never)).toEqual({
      webContentsId: 7,
      frameUrl: undefined,
      isMainFrame: false,
    });
  });
});

describe('IPC handler', () => {
  let handlers: ApiHandlers;
  let options: IpcBridgeOptions;
  let logged: string[];
  beforeEach(() => {
    handlers = spyHandlers();
    logged = [];
    options = { handlers, policy: () => policy, log: (level, m) => logged.push(`${level}: ${m}`), afterCall: vi.fn() };
  });

  it('runs a valid call from the app page', async () => {
    expect(await handleCall(options, trusted, 'sync.pause', { profile: 'Docs', minutes: 60 })).toEqual({
      ok: true,
      value: null,
    });
    expect(handlers['sync.pause']).toHaveBeenCalledWith({ profile: 'Docs', minutes: 60 });
    expect(options.afterCall).toHaveBeenCalledWith('sync.pause');
  });

  it('refuses a foreign sender before looking at the payload', async () => {
    const result = await handleCall(options, { ...trusted, frameUrl: 'https://evil.example/' }, 'secrets.set', {
      targetKey: 'k',
      password: 'p',
    });
    expect(result).toEqual({ ok: false, error: REFUSED_SENDER });
    expect(REFUSED_SENDER.code).toBe('SENDER_REFUSED'); // not INTERNAL: nothing is broken, the caller is not allowed
    expect(handlers['secrets.set']).not.toHaveBeenCalled();
    expect(logged[0]).toMatch(
      /^warn: Refused an API call \(secrets\.set\): the page at https:\/\/evil\.example\/ is not the app's/,
    );
    // The password is never logged.
    expect(logged.join()).not.toContain('"p"');
  });

  it.each<[string, unknown, unknown, 'UNKNOWN_METHOD' | 'BAD_REQUEST', RegExp]>([
    ['an unknown method', 'fs.readFile', {}, 'UNKNOWN_METHOD', /Unknown API method "fs\.readFile"/],
    ['a method that is not a string', { toString: 1 }, {}, 'UNKNOWN_METHOD', /Unknown API method/],
    ['a prototype key as method', '__proto__', {}, 'UNKNOWN_METHOD', /Unknown API method/],
    ['an extra field', 'sync.now', { profile: 'Docs', rm: '-rf' }, 'BAD_REQUEST', /Bad request to sync\.now/],
    ['a wrong type', 'sync.pause', { minutes: 'sixty' }, 'BAD_REQUEST', /Bad request to sync\.pause: minutes/],
    ['an out-of-range value', 'sync.pause', { minutes: 1e9 }, 'BAD_REQUEST', /Bad request to sync\.pause: minutes/],
    ['a missing field', 'profiles.delete', {}, 'BAD_REQUEST', /Bad request to profiles\.delete: name/],
    [
      'an oversized password',
      'secrets.set',
      { targetKey: 'k', password: 'x'.repeat(2000) },
      'BAD_REQUEST',
      /Bad request to secrets\.set: password/,
    ],
    ['a non-object payload', 'status.get', 'all', 'BAD_REQUEST', /Bad request to status\.get/],
  ])('rejects %s with its own code and runs nothing', async (_what, method, input, code, message) => {
    const result = await handleCall(options, trusted, method, input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(code);
    expect(result.error.message).toMatch(message);
    expect(result.error.hint).toBeTruthy();
    for (const m of METHODS) expect(handlers[m]).not.toHaveBeenCalled();
    // Neither is logged as a failure of the app (that is for INTERNAL).
    expect(logged).toEqual([]);
  });

  it('turns a handler failure into {ok:false, error:{code, message, hint}}', async () => {
    vi.mocked(handlers['status.get']).mockRejectedValueOnce(new Error('boom'));
    const result = await handleCall(options, trusted, 'status.get', {});
    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'boom', hint: expect.any(String) } });
    expect(logged).toEqual(['error: status.get failed: boom']);
  });

  it('is registered on its channels and checks the real event sender', async () => {
    const { electron, ipcMain } = fakeElectron();
    const pickFolder = vi.fn(async () => '/home/ada/Documents');
    const dispose = registerIpc(electron, { ...options, pickFolder });
    const call = ipcMain.handlers.get(CALL_CHANNEL)!;
    const frame = { url: PAGE };
    const own = { sender: { id: 7, mainFrame: frame }, senderFrame: frame };
    const foreign = { sender: { id: 99, mainFrame: frame }, senderFrame: frame };
    expect(await call(own, 'status.get', {})).toEqual({ ok: true, value: [] });
    expect(await call(foreign, 'status.get', {})).toEqual({ ok: false, error: REFUSED_SENDER });
    const pick = ipcMain.handlers.get(PICK_FOLDER_CHANNEL)!;
    expect(await pick(own)).toBe('/home/ada/Documents');
    expect(pickFolder).toHaveBeenCalledWith(own.sender);
    expect(await pick(foreign)).toBeNull();
    expect(pickFolder).toHaveBeenCalledTimes(1);
    dispose();
    expect(ipcMain.handlers.size).toBe(0);
  });
});
