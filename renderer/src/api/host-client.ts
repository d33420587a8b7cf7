/**
 * What the window talks to: the API contract's ApiClient, from one of two transports —
 * the Electron preload (`window.rsyncTray`) or HTTP + WebSocket to `rsync-tray serve`.
 * The optional members are what differs between the two hosts.
 */
import type { ApiClient } from '@shared/contract.ts';

export type ConnectionState = 'connecting' | 'open' | 'closed';

/**
 * Whether a call got to the host: 'refused' when the host answered but turned this window's
 * login away (not an error of the method: those are results like any other).
 */
export type Reach = 'ok' | 'unreachable' | 'refused';

export interface HostClient extends ApiClient {
  /** 'electron' when the preload provides the client; the browser transport says 'browser'. */
  readonly kind?: 'electron' | 'browser';
  /** Electron only: the native folder chooser; null when the user cancels. */
  pickFolder?(): Promise<string | null>;
  /** Transports that can lose their event stream report it; on a new 'open' the UI refetches. */
  onConnection?(listener: (state: ConnectionState) => void): () => void;
  /**
   * Transports that can lose the host say after each call whether it reached it, and can ask
   * once (`probe`, a harmless read); renderer/src/connection.ts decides from that. The Electron
   * preload has neither: its host is the window's own process, so the window stays connected.
   */
  onReach?(listener: (reach: Reach) => void): () => void;
  probe?(): Promise<Reach>;
}

declare global {
  interface Window {
    /** Exposed by electron/preload through contextBridge: `{ call, onEvent }` (+ pickFolder). */
    rsyncTray?: HostClient;
  }
}
