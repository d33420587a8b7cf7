/**
 * Who may call the API over IPC: only the main frame of a window this app created, showing the
 * app's own page. Anything else (a subframe, a page that got navigated somewhere, another
 * webContents) is refused before the payload is even looked at.
 */
import type { ErrorInfo } from '../shared/errors.ts';

/** The app's own page: `app://rsync-tray/…` when packaged, the Vite dev server in development. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'rsync-tray';
export const APP_BASE_URL = `${APP_SCHEME}://${APP_HOST}/`;

export interface SenderInfo {
  /** webContents.id of the sender */
  webContentsId: number;
  /** URL of the frame that sent the message (event.senderFrame.url); undefined if the frame is gone. */
  frameUrl: string | undefined;
  /** event.senderFrame === event.sender.mainFrame */
  isMainFrame: boolean;
}

export interface SenderPolicy {
  /** webContents ids of the app's own windows. */
  trustedIds: ReadonlySet<number>;
  /** Where the page is loaded from: APP_BASE_URL, or the dev server URL. */
  appUrl: string;
}

export type SenderCheck = { ok: true } | { ok: false; reason: string };

/** What a refused sender is answered (the reason goes to the log, not to the page). */
export const REFUSED_SENDER = {
  code: 'SENDER_REFUSED',
  message: 'Request refused: it did not come from the Rsync Tray window.',
  hint: 'Only the app’s own page may use its API.',
} as const satisfies ErrorInfo;

/** Same scheme, host and port. Compared by hand: URL.origin is "null" for custom schemes like app:. */
export function sameOrigin(url: string, base: string): boolean {
  let a: URL;
  let b: URL;
  try {
    a = new URL(url);
    b = new URL(base);
  } catch {
    return false;
  }
  return a.protocol === b.protocol && a.host === b.host && a.username === '' && a.password === '';
}

export function checkSender(sender: SenderInfo, policy: SenderPolicy): SenderCheck {
  if (!policy.trustedIds.has(sender.webContentsId))
    return { ok: false, reason: `webContents ${sender.webContentsId} is not a window of this app` };
  if (!sender.isMainFrame) return { ok: false, reason: 'the message came from a subframe' };
  if (!sender.frameUrl) return { ok: false, reason: 'the sending frame is gone' };
  if (!sameOrigin(sender.frameUrl, policy.appUrl))
    return { ok: false, reason: `the page at ${sender.frameUrl} is not the app's` };
  return { ok: true };
}
