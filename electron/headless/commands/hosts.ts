/**
 * The commands that host an engine in the foreground until Ctrl+C / SIGTERM: `run`, `serve` (the
 * same, plus the window over HTTP) and `demo` (the same, on a private local rsync daemon). All
 * three start it through startHeadless() (bootstrap.ts).
 */
import { readFile, rm, stat } from 'node:fs/promises';
import { writeFileAtomic } from '../../core/files/atomic-write.ts';
import { startHeadless } from '../bootstrap.ts';
import { runDemo } from '../demo.ts';
import { serveAddressFileFor, tokenFileFor } from '../paths.ts';
import { badArgument, configFile, configOption, out, type Command } from './common.ts';

/** A path as one shell word, so the printed command can be pasted as it is. */
const shellWord = (text: string): string =>
  /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;

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

/**
 * serve's access token: the one kept beside the config (so an open window reconnects after a
 * restart), or a new one when there is none or `--new-token` asks to replace it (every window
 * logged in with the old one is then refused).
 */
async function serveToken(configFile: string, rotate: boolean, make: () => string): Promise<string> {
  const file = tokenFileFor(configFile);
  if (!rotate) {
    const kept = await readFile(file, 'utf8').then(
      (text) => text.trim(),
      () => '',
    );
    // A kept token others could read may have been read: it is replaced, not trusted.
    const isPrivate = await stat(file).then(
      (s) => process.platform === 'win32' || (s.mode & 0o077) === 0,
      () => false,
    );
    if (/^[\w-]{43,}$/.test(kept) && isPrivate) return kept;
  }
  const token = make();
  await writeFileAtomic(file, `${token}\n`, { mode: 0o600 });
  return token;
}

/** What `rsync-tray address` reads (serveAddressFileFor): where the running serve listens. */
export interface ServeAddress {
  /** The host shown in the address (127.0.0.1 for a wildcard bind). */
  host: string;
  port: number;
  /** serve's process, so a file a crashed serve left behind is not taken for a running one. */
  pid: number;
}

export const serve: Command = {
  usage:
    'serve [--config FILE] [--port N] [--host 127.0.0.1] [--new-token] [--print-address] [--metrics-port N --metrics-token-file F]',
  summary:
    'Like `run`, and serve the window on 127.0.0.1: open the address (it carries an access token, ' +
    'kept across restarts; --new-token replaces it). It is printed when stdout is a terminal or with ' +
    '--print-address; otherwise (a log) without the token: `rsync-tray address` prints it.',
  options: {
    ...configOption,
    port: { type: 'string' },
    host: { type: 'string' },
    'new-token': { type: 'boolean' },
    'print-address': { type: 'boolean' },
    // Prometheus on a loopback port of its own, with its own token (README "Monitoring").
    'metrics-port': { type: 'string' },
    'metrics-token-file': { type: 'string' },
  },
  async run(v) {
    const bind = (v.host as string | undefined) ?? '127.0.0.1';
    const metricsPort = v['metrics-port'] === undefined ? undefined : Number(v['metrics-port']);
    if (metricsPort !== undefined && !(Number.isInteger(metricsPort) && metricsPort > 0 && metricsPort <= 65535))
      throw badArgument(
        `--metrics-port must be a port number (1 to 65535), not ${JSON.stringify(v['metrics-port'])}.`,
        'For example --metrics-port 9469.',
      );
    if ((metricsPort === undefined) !== (v['metrics-token-file'] === undefined))
      throw badArgument(
        '--metrics-port and --metrics-token-file go together.',
        "Give both, or neither (then /metrics is on the window's port, behind its token).",
      );
    const port = v.port === undefined ? undefined : Number(v.port);
    if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
      throw badArgument(
        `--port must be a port number (0 to 65535), not ${JSON.stringify(v.port)}.`,
        'Omit it for a free port.',
      );
    }
    // Only `serve` needs the HTTP server and the WebSocket library.
    const { isLoopback, newToken, startServe } = await import('../serve.ts');
    // Without a config file it starts with no profiles; the first one saved writes the file.
    const host = await startHeadless({ configFile: configFile(v), print: out, startEmpty: true });
    const addressFile = serveAddressFileFor(host.configFile);
    let web: Awaited<ReturnType<typeof startServe>>;
    try {
      const token = await serveToken(host.configFile, Boolean(v['new-token']), newToken);
      web = await startServe({
        handlers: host.service.handlers,
        subscribe: host.service.subscribe,
        host: bind,
        port,
        token,
      });
      try {
        const { hostname } = new URL(web.origin);
        const address: ServeAddress = { host: hostname.replace(/^\[|\]$/g, ''), port: web.port, pid: process.pid };
        await writeFileAtomic(addressFile, `${JSON.stringify(address)}\n`, { mode: 0o600 });
      } catch (error) {
        await web.dispose();
        throw error;
      }
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
    // A person at a terminal sees the token; a log (systemd's journal, a file) does not keep it.
    if (process.stdout.isTTY || v['print-address']) {
      out('Open this address in a browser (it carries the access token; keep it private):');
      // The token is in the fragment (after #): a browser never sends that part to a server.
      out(`  ${web.url}`);
    } else {
      out(`Serving the window on ${web.origin}/ (the address with its access token is not logged).`);
      out(`For the full address run: rsync-tray address --config ${shellWord(host.configFile)}`);
    }
    let metrics: { port: number; dispose(): Promise<void> } | undefined;
    if (metricsPort !== undefined) {
      const { startMetricsServer } = await import('../serve-metrics.ts');
      try {
        metrics = await startMetricsServer({
          handlers: host.service.handlers,
          port: metricsPort,
          tokenFile: v['metrics-token-file'] as string,
        });
      } catch (error) {
        await web.dispose();
        await host.dispose();
        throw error;
      }
      out(
        `Metrics for Prometheus on http://127.0.0.1:${metrics.port}/metrics (Bearer token from ${v['metrics-token-file']}).`,
      );
    }
    out('Ctrl+C stops.');
    const signal = await host.untilSignal();
    out(`${signal}: stopping…`);
    await rm(addressFile, { force: true }).catch(() => {});
    await metrics?.dispose();
    await web.dispose();
    await host.dispose();
    return 0;
  },
};
