/**
 * The first run, with no server of the user's own: a private rsync daemon on 127.0.0.1 (temp
 * folder, free port, generated secret, `use chroot = no`), a demo folder watched live, and a
 * change made for you so you can see it arrive. The tray app offers the same local test server.
 */
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { serializeConfig } from '../core/config/config-file.ts';
import { startLocalDaemon } from '../core/service/local-rsync-daemon.ts';
import { ConfigSchema, CONFIG_VERSION } from '../shared/profile-schema.ts';
import { startHeadless } from './bootstrap.ts';

export interface DemoOptions {
  /** Make one change, show it arriving, and exit (for scripts and tests). */
  once: boolean;
  print(line: string): void;
  /** Where to put everything; a new temp folder by default. */
  dir?: string;
}

async function waitForFile(file: string, content: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await stat(file)).isFile() && (await readFile(file, 'utf8')) === content) return true;
    } catch {
      /* not there yet */
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  return false;
}

export async function runDemo({ once, print, dir }: DemoOptions): Promise<number> {
  const root = dir ?? path.join(os.tmpdir(), `rsync-tray-demo-${process.pid}`);
  const source = path.join(root, 'source');
  await mkdir(source, { recursive: true });
  await writeFile(
    path.join(source, 'README.txt'),
    'Files you put in this folder are mirrored to the local test server.\n',
  );
  // Configured as the README recommends for a live mirror (see "On the daemon's side").
  const daemon = await startLocalDaemon({
    rootDir: path.join(root, 'daemon'),
    modules: [{ name: 'backup' }],
    socketOptions: 'TCP_NODELAY',
  });
  const backup = daemon.modules.backup!;
  const configFile = path.join(root, 'config.json');
  const config = ConfigSchema.parse({
    version: CONFIG_VERSION,
    profiles: [
      {
        name: 'demo',
        source,
        targets: [
          {
            host: daemon.host,
            port: daemon.port,
            module: 'backup',
            user: daemon.user,
            auth: { type: 'passwordFile', path: daemon.passwordFile },
          },
        ],
      },
    ],
  });
  await writeFile(configFile, serializeConfig(config), { mode: 0o600 });

  const host = await startHeadless({ configFile, print });
  const cleanup = async () => {
    await host.dispose();
    await daemon.dispose();
    await rm(root, { recursive: true, force: true });
  };

  print('');
  print(
    `Local test server: rsync daemon on 127.0.0.1:${daemon.port}, module "backup", ` +
      `user "${daemon.user}" (generated password in ${daemon.passwordFile})`,
  );
  print(`Watching:  ${source}`);
  print(`Backup:    ${backup}`);
  print('');
  await host.service.engine().whenIdle();

  const content = `written at ${new Date().toISOString()}\n`;
  const started = performance.now();
  await writeFile(path.join(source, 'hello.txt'), content);
  const arrived = await waitForFile(path.join(backup, 'hello.txt'), content, 10_000);
  const ms = performance.now() - started;
  print(
    arrived
      ? `Demo: hello.txt was on the backup ${ms.toFixed(0)} ms after it was written.`
      : 'Demo: hello.txt did not reach the backup within 10 s — see the messages above.',
  );

  if (once) {
    await cleanup();
    return arrived ? 0 : 1;
  }
  print('');
  print(`Now create, edit, rename or delete files in ${source} and watch them arrive in ${backup}.`);
  print(`In another terminal: npx rsync-tray status --config ${configFile}`);
  print('Ctrl+C stops the demo and removes its folders.');
  await host.untilSignal();
  print('Stopping…');
  await cleanup();
  return 0;
}
