/**
 * The app service as a host starts it, with what cannot matter to the test scripted: the config
 * kept in memory, secrets in a Map, no watcher, a probe that finds a current rsync, and rsync
 * runs answered by `answer` (default: success). For tests of the API and the engine's control
 * state without a daemon; the integration suites use a real one.
 */
import { dispatch } from '../../electron/core/service/api-dispatch.ts';
import { startAppService, type AppService } from '../../electron/core/service/app-service.ts';
import type { RunResult } from '../../electron/core/rsync/rsync-runner.ts';
import type { Clock } from '../../electron/core/sync/clock.ts';
import { noWatcher } from '../../electron/core/watch/watcher-backends.ts';
import { ConfigSchema, type Config } from '../../electron/shared/profile-schema.ts';

export const okRun = (): RunResult => ({
  exitCode: 0,
  signal: undefined,
  timedOut: false,
  isCanceled: false,
  durationMs: 1,
  stderr: '',
  stats: null,
});

export interface ScriptedServiceOptions {
  config: unknown;
  secrets?: ReadonlyArray<[string, string]>;
  answer?: () => RunResult;
  clock?: Clock;
  stateDir?: string;
}

export interface ScriptedService {
  service: AppService;
  call: (method: string, input: unknown) => ReturnType<typeof dispatch>;
  stored(): Config;
  /** Config writes so far. */
  writes(): number;
  /** The destination argument of each rsync run, in order. */
  runs: string[];
}

export async function startScriptedService(options: ScriptedServiceOptions): Promise<ScriptedService> {
  let stored: Config = ConfigSchema.parse(options.config);
  let writes = 0;
  const secrets = new Map(options.secrets ?? []);
  const runs: string[] = [];
  const service = await startAppService({
    configStore: {
      read: async () => stored,
      write: async (c) => {
        writes++;
        stored = c;
      },
    },
    secrets: {
      get: async (k) => secrets.get(k),
      set: async (k, v) => void secrets.set(k, v),
      delete: async (k) => void secrets.delete(k),
    },
    engine: {
      clock: options.clock,
      stateDir: options.stateDir,
      watcherFactory: noWatcher,
      probe: async (p) => ({
        path: p,
        version: '3.4.1',
        protocol: 32,
        deleteMissingArgs: true,
        mkpath: true,
        infoProgress2: true,
      }),
      run: async (req) => {
        runs.push(req.args.at(-1)!);
        return (options.answer ?? okRun)();
      },
    },
  });
  return {
    service,
    call: (method, input) => dispatch(service.handlers, method, input),
    stored: () => stored,
    writes: () => writes,
    runs,
  };
}
