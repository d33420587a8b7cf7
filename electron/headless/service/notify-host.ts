/**
 * What bootstrap.ts starts for a host run by systemd (Type=notify): READY=1 once the engine is up
 * (its watches set, its first sync started), STATUS= lines from the engine's status, and watchdog
 * pings while the engine answers. Outside systemd (no NOTIFY_SOCKET) it does nothing.
 */
import type { AppService } from '../../core/service/app-service.ts';
import { systemClock, type Clock } from '../../core/sync/clock.ts';
import { startNotifier, type Notifier } from './sd-notify.ts';
import { serviceStatusLine } from './status-line.ts';

export function notifySystemd(
  service: Pick<AppService, 'engine'>,
  warn: (text: string) => void,
  clock: Clock = systemClock,
  env: NodeJS.ProcessEnv = process.env,
): Notifier {
  const notifier = startNotifier({
    env,
    clock,
    warn,
    status: () => serviceStatusLine(service.engine().status(), clock.now()),
    // The engine answers a status read on this loop: a throwing or disposed engine is not healthy
    // (a blocked loop never gets here, and its missing pings are the watchdog's point).
    healthy: () => {
      try {
        return Array.isArray(service.engine().status());
      } catch {
        return false;
      }
    },
  });
  // Like sd_notify's unset_environment: the notifier keeps its copy, and the engine's children
  // (rsync, hooks) do not inherit the socket; with NotifyAccess=all they could speak for us.
  if (env === process.env) for (const key of ['NOTIFY_SOCKET', 'WATCHDOG_USEC', 'WATCHDOG_PID']) delete env[key];
  return notifier;
}
