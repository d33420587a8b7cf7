/** Where the headless host keeps its files (XDG on Linux; overridable for services and tests). */
import os from 'node:os';
import path from 'node:path';

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RSYNC_TRAY_HOME) return env.RSYNC_TRAY_HOME;
  const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'rsync-tray');
}

export function defaultConfigFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.RSYNC_TRAY_CONFIG || path.join(configDir(env), 'config.json');
}

/** Secrets live beside the config they belong to, never inside it. */
export function secretsFileFor(configFile: string): string {
  return path.join(path.dirname(configFile), 'secrets.json');
}

/**
 * The control socket of `run` for this config (so two configs can run side by side), beside it in
 * `run/`, made 0700 before the socket exists (`privateDir` in control-socket.ts). Kept with the
 * socket's client (core/service/control-client.ts): the tray app finds a service by the same rule.
 */
export { controlSocketFor } from '../core/service/control-client.ts';

/** Pending-work journals of the engine run for this config. */
export function stateDirFor(configFile: string): string {
  return path.join(path.dirname(configFile), 'state', path.basename(configFile, '.json'));
}

/** `serve`'s access token for this config (mode 600), kept so an open window survives a restart. */
export function tokenFileFor(configFile: string): string {
  return path.join(stateDirFor(configFile), 'serve-token');
}

/** Where the running `serve` for this config listens ({host, port, pid}, mode 600), for `rsync-tray address`. */
export function serveAddressFileFor(configFile: string): string {
  return path.join(stateDirFor(configFile), 'serve-address.json');
}
