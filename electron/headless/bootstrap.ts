/**
 * The one start-up of a headless engine, for `run`, `serve` and `demo`: refuse a second engine on
 * the same config, load the config, the secrets file and the state folder that belong to it,
 * start the app service (the engine behind the API), open the control socket (so `status`,
 * `pause`, … from another shell reach it), print its events, and stop it all again in order.
 */
import { startMachineConditions } from '../core/service/machine-conditions.ts';
import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { startAppService, type AppService } from '../core/service/app-service.ts';
import { startHooksHost } from '../core/service/hooks-host.ts';
import type { EngineEvent } from '../shared/status.ts';
import { assertNotRunning, serveControlSocket } from './control-socket.ts';
import { fileConfigStore, fileConfigStoreStartingEmpty, fileSecretStore } from './file-stores.ts';
import { eventLogger } from './log-format.ts';
import { notifySystemd } from './service/notify-host.ts';
import { controlSocketFor, secretsFileFor, stateDirFor } from './paths.ts';

export interface HeadlessOptions {
  configFile: string;
  /** Where the event lines go (one readable line per event worth one). */
  print(line: string): void;
  /** Print every event as a JSON line instead (`run --json`). */
  json?: boolean;
  /**
   * No config file yet reads as no profiles, and its folder is created (serve's first run: the
   * first saved profile writes the file; the control socket and secrets live beside it).
   */
  startEmpty?: boolean;
}

export interface HeadlessHost {
  readonly configFile: string;
  readonly service: AppService;
  /** The first SIGINT or SIGTERM from now on (then a second one ends the process as usual). */
  untilSignal(): Promise<NodeJS.Signals>;
  /** Closes the control socket, then stops the engine (running rsyncs stopped, journals kept). */
  dispose(): Promise<void>;
}

/** Event lines as `run`, `serve` and `demo` print them. */
export function eventPrinter(print: (line: string) => void, json = false): (event: EngineEvent) => void {
  if (json) return (event) => print(JSON.stringify(event));
  const line = eventLogger();
  return (event) => {
    const text = line(event);
    if (text) print(text);
  };
}

export async function startHeadless(options: HeadlessOptions): Promise<HeadlessHost> {
  const file = options.configFile;
  // 0700 whatever the umask (it can only take bits away, and the chmod puts back what it took).
  if (options.startEmpty && (await mkdir(path.dirname(file), { recursive: true, mode: 0o700 })) !== undefined)
    await chmod(path.dirname(file), 0o700);
  // A SIGTERM while starting (the engine syncs as soon as it is up) is kept, not left to kill the
  // process mid-run by default: untilSignal() answers it once the host is up.
  let early: NodeJS.Signals | null = null;
  const onEarly = (signal: NodeJS.Signals) => void (early ??= signal);
  const stopEarly = () => {
    process.off('SIGINT', onEarly);
    process.off('SIGTERM', onEarly);
  };
  process.on('SIGINT', onEarly);
  process.on('SIGTERM', onEarly);
  try {
    return await startHost(options, file, () => {
      stopEarly();
      return early;
    });
  } catch (error) {
    stopEarly();
    throw error;
  }
}

async function startHost(
  options: HeadlessOptions,
  file: string,
  earlySignal: () => NodeJS.Signals | null,
): Promise<HeadlessHost> {
  const socket = controlSocketFor(file);
  await assertNotRunning(socket);
  // Only the hosts import foreign formats; the other commands need not load the XML parser.
  const { loadImporters } = await import('./importers.ts');
  // Pause on battery / metered (profile options): sysfs and NetworkManager, polled (README).
  const conditions = startMachineConditions();
  let service: AppService;
  try {
    service = await startAppService({
      configStore: options.startEmpty ? fileConfigStoreStartingEmpty(file) : fileConfigStore(file),
      secrets: fileSecretStore(secretsFileFor(file)),
      importers: await loadImporters(),
      engine: { stateDir: stateDirFor(file), conditions },
    });
  } catch (error) {
    // A bad config: its poll timers would keep the process alive after the message (the host
    // must exit, so systemd's Restart= and scripts see the failure).
    conditions.dispose();
    throw error;
  }
  service.subscribe(eventPrinter(options.print, options.json));
  // Profiles' hooks (command, ping URL) on failure, recovery and held deletion: once per incident.
  const hooks = startHooksHost({
    subscribe: (l) => service.subscribe(l),
    profiles: () => service.handlers['profiles.list']({}),
    log: (message) => options.print(`hook: ${message}`),
  });
  let control: Awaited<ReturnType<typeof serveControlSocket>>;
  try {
    control = await serveControlSocket(socket, service.handlers, { subscribe: (l) => service.subscribe(l) });
  } catch (error) {
    await service.dispose();
    conditions.dispose();
    throw error;
  }
  // Under systemd (Type=notify): READY=1 now that the watches are set and the first sync started.
  const systemd = notifySystemd(service, options.print);
  void systemd.ready();

  const stopListening = new Set<() => void>();
  let disposed: Promise<void> | undefined;
  return {
    configFile: file,
    service,
    untilSignal() {
      const early = earlySignal();
      if (early) return Promise.resolve(early);
      return new Promise((resolve) => {
        const stop = () => {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          stopListening.delete(stop);
        };
        const onSignal = (signal: NodeJS.Signals) => {
          stop();
          resolve(signal);
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        stopListening.add(stop);
      });
    },
    dispose() {
      disposed ??= (async () => {
        earlySignal(); // no longer kept: a signal from now on does what it always does
        for (const stop of [...stopListening]) stop();
        await systemd.stopping();
        await control.dispose();
        await service.dispose();
        conditions.dispose();
        await hooks.dispose();
      })();
      return disposed;
    },
  };
}
