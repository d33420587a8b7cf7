/**
 * The engine hosted in the tray app itself (when no service runs for its config): the app service
 * over electron-store and safeStorage, with the battery and metered-network conditions of this
 * machine. Its stores are opened only here, so an app attached to a service never reads them.
 */
import path from 'node:path';
import { importSersync } from '../core/config/sersync-import.ts';
import { startMachineConditions } from '../core/service/machine-conditions.ts';
import {
  startAppService,
  type AppService,
  type AppServiceOptions,
  type HostActions,
} from '../core/service/app-service.ts';
import { RsyncTrayError } from '../shared/errors.ts';
import type { StoreName, TrayAppOptions } from './app-types.ts';
import { createElectronConfigStore, type DocumentStore } from './config-store.ts';
import type { ElectronApi } from './electron-api.ts';
import { PowerConditionSource } from './power-conditions.ts';
import { createSafeSecretStore, type KeyValueStore } from './secret-store.ts';

export interface OwnEngineOptions {
  electron: ElectronApi;
  openStore: TrayAppOptions['openStore'];
  startService?: (options: AppServiceOptions) => Promise<AppService>;
  userData: string;
  platform: NodeJS.Platform;
  host: HostActions;
  log(message: string): void;
}

/** Starts the engine here; its dispose() also stops the machine conditions it watches. */
export async function startOwnEngine(o: OwnEngineOptions): Promise<AppService> {
  const e = o.electron;
  // Both files are read as they open: a damaged one stops the start here, with its path and
  // the problem in the dialog (app-main.ts), rather than being replaced by an empty one.
  const openStrict = (name: StoreName): DocumentStore & KeyValueStore => {
    try {
      return o.openStore(name);
    } catch (error) {
      const file = path.join(o.userData, `${name}.json`);
      throw new RsyncTrayError(
        'INVALID_CONFIG',
        `${file} cannot be read: ${(error as Error).message}`,
        name === 'config'
          ? 'Fix the JSON (a validator shows the place), or move the file aside to start with no profiles. ' +
              'It was left untouched.'
          : 'Move the file aside to start afresh (the stored passwords then need entering again). ' +
              'It was left untouched.',
        { cause: error },
      );
    }
  };
  const secrets = createSafeSecretStore(e.safeStorage, openStrict('safe-storage-secrets'), o.platform);
  const configDoc = openStrict('config');
  // Pause on battery / on a metered network: powerMonitor knows the battery, NetworkManager the link.
  const conditions = e.powerMonitor
    ? new PowerConditionSource(e.powerMonitor, startMachineConditions({ battery: false }))
    : undefined;
  let service: AppService;
  try {
    service = await (o.startService ?? startAppService)({
      configStore: createElectronConfigStore(configDoc, o.log),
      secrets,
      // Pending-work journals (replayed at start, so a crash or quit loses no change). Named as
      // the CLI names them for a config file, so `rsync-tray --config <userData>/config.json`
      // finds the same journal.
      engine: { stateDir: path.join(o.userData, 'state', 'config'), conditions },
      // The window imports sersync's confxml.xml here as it does through `rsync-tray serve`.
      importers: { sersync: importSersync },
      host: o.host,
    });
  } catch (error) {
    conditions?.dispose();
    throw error;
  }
  return {
    ...service,
    async dispose() {
      // Stops every profile: running rsyncs end, pending work is written to the journal.
      await service.dispose();
      conditions?.dispose();
    },
  };
}
