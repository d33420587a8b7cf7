/**
 * The control channel of a running `rsync-tray run`: served by core/service/control-server.ts
 * (the tray app serves the same one for the engine it hosts), called through
 * core/service/control-client.ts (the CLI's commands, and the tray app attached to a service).
 */
export {
  assertNotRunning,
  MAX_REQUEST_CHARS,
  privateDir,
  serveControlSocket,
  type ControlSocketOptions,
} from '../core/service/control-server.ts';
export { callControlSocket } from '../core/service/control-client.ts';
