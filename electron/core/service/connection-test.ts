/**
 * "Test connection": is the daemon reachable, which modules does it list, and do this target's
 * user and password open this module? Two short rsync calls, read-only on the daemon.
 */
import { resolveAuth, type SecretStore } from '../rsync/auth.ts';
import { toErrorInfo } from '../../shared/errors.ts';
import type { Target } from '../../shared/profile-schema.ts';
import type { ConnectionReport, DaemonModule } from '../../shared/contract.ts';
import { diagnose } from '../rsync/rsync-diagnostics.ts';
import { runRsync } from '../rsync/rsync-runner.ts';

/** `rsync host::` prints "name<TAB>comment" per line, module names padded with spaces. */
export function parseModuleList(stdout: string): DaemonModule[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('@') && !line.startsWith('rsync'))
    .map((line) => {
      const [name = '', ...rest] = line.split('\t');
      return { name: name.trim(), comment: rest.join('\t').trim() };
    })
    .filter((m) => m.name);
}

export interface ConnectionTestOptions {
  rsyncPath?: string;
  secrets?: SecretStore;
  /** A password typed in the editor but not stored yet. */
  password?: string;
  timeoutSeconds?: number;
}

export async function testConnection(target: Target, options: ConnectionTestOptions = {}): Promise<ConnectionReport> {
  const rsyncPath = options.rsyncPath ?? 'rsync';
  const timeout = options.timeoutSeconds ?? 10;
  const common = [`--contimeout=${timeout}`, `--timeout=${timeout}`, '--sockopts=TCP_NODELAY'];
  const ctx = { host: target.host, port: target.port, module: target.module, user: target.user };
  const base = `rsync://${target.host}:${target.port}/`;

  // 1. Listing needs no password, and tells reachability apart from auth problems.
  const listing = await runCapture(rsyncPath, [...common, base], { RSYNC_PASSWORD: '' }, []);
  const report: ConnectionReport = { reachable: false, modules: [], module: 'skipped', error: null };
  if (listing.exitCode === 0) {
    report.reachable = true;
    report.modules = parseModuleList(listing.stdout);
  } else {
    const error = diagnose(listing.stderr, listing.exitCode, ctx);
    // "@ERROR" means a daemon answered (e.g. listing refused by `hosts allow`).
    report.reachable = /@ERROR/.test(listing.stderr);
    if (!report.reachable) {
      report.error = error;
      return report;
    }
  }

  // 2. The module itself, with this target's credentials: list its top level only.
  try {
    const auth =
      options.password !== undefined
        ? { args: [], env: { RSYNC_PASSWORD: options.password }, secrets: [options.password] }
        : await resolveAuth(target, options.secrets);
    const url = `rsync://${target.user ? `${target.user}@` : ''}${target.host}:${target.port}/${target.module}/`;
    const probe = await runCapture(
      rsyncPath,
      [...common, ...auth.args, '--list-only', '--no-recursive', '--dirs', url],
      auth.env,
      auth.secrets,
    );
    if (probe.exitCode === 0) report.module = 'ok';
    else {
      report.module = 'failed';
      report.error = diagnose(probe.stderr, probe.exitCode, {
        ...ctx,
        passwordFile: target.auth.type === 'passwordFile' ? target.auth.path : undefined,
      });
    }
  } catch (error) {
    report.module = 'failed';
    report.error = toErrorInfo(error);
  }
  return report;
}

async function runCapture(rsyncPath: string, args: string[], env: Record<string, string>, secrets: string[]) {
  const result = await runRsync({ rsyncPath, args, env, secrets, captureStdout: true });
  return { exitCode: result.exitCode, stderr: result.stderr, stdout: result.stdout ?? '' };
}

export type { ConnectionReport, DaemonModule };
