import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApiClient } from '../../electron/preload/api-bridge.ts';
import { API_GLOBAL, CALL_CHANNEL, EVENT_CHANNEL, PICK_FOLDER_CHANNEL } from '../../electron/shared/ipc-channels.ts';

class FakeIpcRenderer extends EventEmitter {
  invoke = vi.fn(async (..._args: unknown[]) => ({ ok: true, value: [] }));
}

const exposed: Record<string, unknown> = {};
const ipcRenderer = new FakeIpcRenderer();
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void (exposed[key] = api) },
  ipcRenderer,
}));

afterEach(() => ipcRenderer.removeAllListeners());

describe('preload', () => {
  it(
    'exposes only the ApiClient (call, onEvent) and the folder chooser under window.rsyncTray — ' + 'no ipcRenderer',
    async () => {
      await import('../../electron/preload/index.ts');
      expect(Object.keys(exposed)).toEqual([API_GLOBAL]);
      const api = exposed[API_GLOBAL] as Record<string, unknown>;
      expect(Object.keys(api).sort()).toEqual(['call', 'onEvent', 'pickFolder']);
      expect(Object.values(api).every((v) => typeof v === 'function')).toBe(true);
      expect(Object.isFrozen(api)).toBe(true);
    },
  );

  it('calls go over the one invoke channel', async () => {
    const api = createApiClient(ipcRenderer);
    expect(await api.call('status.get', {})).toEqual({ ok: true, value: [] });
    expect(ipcRenderer.invoke).toHaveBeenCalledWith(CALL_CHANNEL, 'status.get', {});
  });

  it('listeners get the engine event only, never the IPC event object, and can unsubscribe', () => {
    const api = createApiClient(ipcRenderer);
    const seen: unknown[][] = [];
    const off = api.onEvent((...args: unknown[]) => void seen.push(args));
    const ipcEvent = { sender: ipcRenderer, ports: [] };
    const engineEvent = { type: 'log', level: 'info', message: 'hi', seq: 1, at: 0 };
    ipcRenderer.emit(EVENT_CHANNEL, ipcEvent, engineEvent);
    expect(seen).toEqual([[engineEvent]]);
    off();
    ipcRenderer.emit(EVENT_CHANNEL, ipcEvent, engineEvent);
    expect(seen).toHaveLength(1);
    expect(ipcRenderer.listenerCount(EVENT_CHANNEL)).toBe(0);
  });

  it('the folder chooser answers a path or null, nothing else', async () => {
    const api = createApiClient(ipcRenderer);
    ipcRenderer.invoke.mockResolvedValueOnce('/home/ada/Documents' as never);
    expect(await api.pickFolder()).toBe('/home/ada/Documents');
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith(PICK_FOLDER_CHANNEL);
    ipcRenderer.invoke.mockResolvedValueOnce({ evil: true } as never);
    expect(await api.pickFolder()).toBeNull();
  });

  it('refuses a listener that is not a function', () => {
    expect(() => createApiClient(ipcRenderer).onEvent('x' as never)).toThrow(TypeError);
  });
});
