/**
 * The commands that host an engine in the foreground until Ctrl+C / SIGTERM: `run`, `serve` (the
 * same, plus the window over HTTP) and `demo` (the same, on a private local rsync daemon). All
 * three start it through startHeadless() (bootstrap.ts).
 */
import { startHeadless } from '../bootstrap.ts';
import { runDemo } from '../demo.ts';
import { badArgument, configFile, configOption, out, type Command } from './common.ts';

const profiles = (n: number): string => `${n} profile${n === 1 ? '' : 's'}`;

export const demo: Command = {
  usage: 'demo [--once]',
  summary: 'Try it with no server of your own: a private rsync daemon on 127.0.0.1 and a demo folder, watched live.',
  options: { once: { type: 'boolean' } },
  run: (v) => runDemo({ once: Boolean(v.once), print: out }),
};

export const run: Command = {
  usage: 'run [--config FILE] [--json]',
  summary: 'Run every enabled profile in the foreground (Ctrl+C stops cleanly).',
  options: { ...configOption, json: { type: 'boolean' } },
  async run(v) {
    const json = Boolean(v.json);
    const host = await startHeadless({ configFile: configFile(v), print: out, json });
    if (!json)
      out(`Running ${profiles(host.service.engine().status().length)} from ${host.configFile}. Ctrl+C to stop.`);
    const signal = await host.untilSignal();
    if (!json) out(`${signal}: stopping…`);
    await host.dispose();
    return 0;
  },
};

export const serve: Command = {
  usage: 'serve [--config FILE] [--port N] [--host 127.0.0.1]',
  summary: 'Like `run`, and serve the window on 127.0.0.1: open the printed address (it carries an access token).',
  options: { ...configOption, port: { type: 'string' }, host: { type: 'string' } },
  async run(v) {
    const bind = (v.host as string | undefined) ?? '127.0.0.1';
    const port = v.port === undefined ? undefined : Number(v.port);
    if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
      throw badArgument(
        `--port must be a port number (0 to 65535), not ${JSON.stringify(v.port)}.`,
        'Omit it for a free port.',
      );
    }
    // Only `serve` needs the HTTP server and the WebSocket library.
    const { isLoopback, startServe } = await import('../serve.ts');
    // Without a config file it starts with no profiles; the first one saved writes the file.
    const host = await startHeadless({ configFile: configFile(v), print: out, startEmpty: true });
    let web: Awaited<ReturnType<typeof startServe>>;
    try {
      web = await startServe({ handlers: host.service.handlers, subscribe: host.service.subscribe, host: bind, port });
    } catch (error) {
      await host.dispose();
      throw error;
    }
    out(`Rsync Tray: ${profiles(host.service.engine().status().length)} from ${host.configFile}.`);
    if (!isLoopback(bind)) {
      out(
        `Warning: serving on ${bind}, not 127.0.0.1. ` +
          `The token is the only protection, and the traffic is not encrypted;`,
      );
      out(`prefer the default and an SSH tunnel: ssh -L ${web.port}:127.0.0.1:${web.port} this-server`);
    }
    out('Open this address in a browser (it carries the access token; keep it private):');
    out(`  ${web.url}`);
    out('Ctrl+C stops.');
    const signal = await host.untilSignal();
    out(`${signal}: stopping…`);
    await web.dispose();
    await host.dispose();
    return 0;
  },
};
