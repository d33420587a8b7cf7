/**
 * Turns rsync's stderr and exit value into an ErrorInfo a user can act on. The rules are a data
 * table tried in priority order: specific causes (a password file rsync refused, a daemon
 * refusal) come before the generic symptoms they also produce (exit 5, "connection reset"), and
 * the exit-code table is only the fallback. Texts are those of rsync 3.5.0 run under LC_ALL=C.
 *
 * Messages name the target as `user@host:port/module` and never carry a password: daemon text
 * is echoed only after redactSecrets().
 */
import type { ErrorCode, ErrorInfo } from '../../shared/errors.ts';
import { nearest } from '../../shared/closest-name.ts';
import type { Target } from '../../shared/profile-schema.ts';
import { classifyExit } from './rsync-exit-codes.ts';

export interface DiagnoseContext {
  host: string;
  port: number;
  module: string;
  user?: string;
  passwordFile?: string;
  /** Strings to mask wherever stderr is echoed (the password, if the caller knows it). */
  secrets?: string[];
  /** The modules the daemon lists (`rsync host::`), when they were asked for: "did you mean". */
  modules?: readonly string[];
}

/** The context of a target's failures: its daemon, module, user and password file. */
export function diagnoseContextOf(
  target: Target,
  more: Pick<DiagnoseContext, 'secrets' | 'modules'> = {},
): DiagnoseContext {
  return {
    host: target.host,
    port: target.port,
    module: target.module,
    user: target.user,
    passwordFile: target.auth.type === 'passwordFile' ? target.auth.path : undefined,
    ...more,
  };
}

/** Replace every given secret (and any `RSYNC_PASSWORD=value`) in `text` with `***`. */
export function redactSecrets(text: string, secrets: string[]): string {
  let out = text.replace(/(RSYNC_PASSWORD=)(?:"[^"]*"|'[^']*'|\S+)/g, '$1***');
  // Longest first, so a secret that contains another is masked whole.
  const sorted = secrets.filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  for (const secret of sorted) out = out.split(secret).join('***');
  return out;
}

export function describeTarget(ctx: DiagnoseContext): string {
  return `${ctx.user ? `${ctx.user}@` : ''}${ctx.host}:${ctx.port}/${ctx.module}`;
}

interface Rule {
  code: ErrorCode;
  pattern: RegExp;
  message: (m: RegExpMatchArray, t: string, ctx: DiagnoseContext) => string;
  hint: (m: RegExpMatchArray, ctx: DiagnoseContext) => string;
}

const hostPort = (ctx: DiagnoseContext): string => `${ctx.host}:${ctx.port}`;

/** How many of the daemon's modules a message names before "and N more". */
const MODULES_NAMED = 8;

/**
 * "Unknown module `bakup` on 127.0.0.1:873. Did you mean `backup`?": the closest module the
 * daemon lists, by edit distance; when none is close, the ones it lists; when it lists none, that
 * (a module with `list = no` is hidden, so the person must ask for the name, not pick it).
 */
function unknownModule(name: string, ctx: DiagnoseContext): { message: string; hint: string } {
  const head = `Unknown module \`${name}\` on ${hostPort(ctx)}.`;
  const check = 'Check the module name (it is case-sensitive).';
  const listed = ctx.modules;
  if (listed === undefined)
    return {
      message: head,
      hint: `${check} Run a connection test to list the daemon's modules (only those with \`list = yes\` are shown).`,
    };
  if (listed.length === 0)
    return {
      message: `${head} The daemon lists no modules.`,
      hint:
        'It has none, or every module has `list = no` in rsyncd.conf: ask the server’s admin for the module name, ' +
        'or look for the [section] names in its rsyncd.conf.',
    };
  // Stricter than for config fields: module names are short, and "nope" is not a typo of "more".
  // One edit per three letters, at least one: "bakup" → "backup", "photo" → "photos".
  const near = nearest(name, listed, Math.max(1, Math.floor(name.length / 3)));
  if (near)
    return {
      message: `${head} Did you mean \`${near}\`?`,
      hint: `Set the module to \`${near}\` in the target (module names are case-sensitive).`,
    };
  const shown = listed.slice(0, MODULES_NAMED).map((m) => `\`${m}\``);
  const more = listed.length > MODULES_NAMED ? ` and ${listed.length - MODULES_NAMED} more` : '';
  return {
    message: `${head} The daemon lists ${shown.join(', ')}${more}.`,
    hint: `${check} Choose one of the listed modules, or ask the server’s admin for a module hidden with \`list = no\`.`,
  };
}

/** Priority order: first match wins. */
export const DIAGNOSTIC_RULES: readonly Rule[] = [
  // Client-side refusals happen before any connection, so they explain everything after them.
  {
    code: 'PASSWORD_FILE_MODE',
    pattern: /password file must not be other-accessible/,
    message: (_m, t) => `rsync refused the password file for ${t}: it is readable by other users.`,
    hint: (_m, ctx) => `Run: chmod 600 ${ctx.passwordFile ?? 'PASSWORD_FILE'}`,
  },
  {
    code: 'PASSWORD_FILE_MISSING',
    pattern: /could not open password file (.+?): (.+?)(?: \(\d+\))?$/m,
    message: (m, t) => `rsync could not open the password file ${m[1]} for ${t}: ${m[2]}.`,
    hint: () => 'Check the password file path in the profile, or store the password instead.',
  },
  // Daemon refusals: "@ERROR: ..." lines, all followed by exit 5.
  {
    code: 'AUTH_FAILED',
    pattern: /@ERROR: auth failed on module (\S+)/,
    message: (_m, t) => `Authentication failed for ${t}.`,
    hint: () =>
      "Check the user and password in the profile. On the server the user must be listed in the module's " +
      '`auth users` and have a `user:password` line in its `secrets file` (which must be mode 600).',
  },
  {
    code: 'UNKNOWN_MODULE',
    pattern: /@ERROR: Unknown module '([^']*)'/,
    message: (m, _t, ctx) => unknownModule(m[1]!, ctx).message,
    hint: (m, ctx) => unknownModule(m[1]!, ctx).hint,
  },
  {
    code: 'ACCESS_DENIED',
    pattern: /@ERROR: access denied to (\S+) from (.+)$/m,
    message: (m, t) => `The daemon refused access to ${t} from ${m[2]}.`,
    hint: (m) =>
      `Add this machine to \`hosts allow\` (and remove it from \`hosts deny\`) for module [${m[1]}] in rsyncd.conf.`,
  },
  {
    code: 'ACCESS_DENIED',
    pattern: /ERROR: module is read only/,
    message: (_m, t) => `The module ${t} is read-only.`,
    hint: () => 'Set `read only = no` for the module in rsyncd.conf to allow backups into it.',
  },
  {
    code: 'CHROOT_FAILED',
    pattern: /@ERROR: chroot failed/,
    message: (_m, t) => `The daemon could not chroot into the module path of ${t}.`,
    hint: () =>
      'On the server, check that the module `path` exists; `use chroot = yes` needs the daemon to run as root ' +
      '(otherwise set `use chroot = no`).',
  },
  {
    code: 'RSYNC_FAILED',
    pattern: /@ERROR: chdir failed/,
    message: (_m, t) => `The daemon could not enter the module path of ${t}.`,
    hint: () => "On the server, check that the module's `path` exists and is accessible to the daemon's `uid`.",
  },
  {
    code: 'MAX_CONNECTIONS',
    pattern: /@ERROR: max connections \((\d+)\) reached/,
    message: (m, t) => `The daemon for ${t} is busy (max connections = ${m[1]}).`,
    hint: () =>
      'It will be retried. If it persists, raise `max connections` for the module or check for stuck clients.',
  },
  // Network: "rsync: [sender] failed to connect to H (ip): <reason> (errno)".
  {
    code: 'CONNECTION_REFUSED',
    pattern: /failed to connect to .*Connection refused/,
    message: (_m, t, ctx) => `Connection refused by ${hostPort(ctx)} (for ${t}).`,
    hint: (_m, ctx) =>
      `Is the rsync daemon running on ${ctx.host} and listening on port ${ctx.port}? Check the port and any firewall.`,
  },
  {
    code: 'HOST_NOT_FOUND',
    pattern:
      /getaddrinfo: .*(?:Name or service not known|Temporary failure in name resolution|nodename nor servname|No address associated)/,
    message: (_m, t, ctx) => `The host name ${ctx.host} could not be resolved (for ${t}).`,
    hint: () => 'Check the host name for typos and that DNS works on this machine; an IP address also works.',
  },
  {
    code: 'HOST_UNREACHABLE',
    pattern: /No route to host|Network is unreachable/,
    message: (_m, t, ctx) => `${ctx.host} cannot be reached from this machine (for ${t}).`,
    hint: () => 'Check the network connection, VPN and routes to the server. It will be retried.',
  },
  {
    code: 'TIMEOUT',
    pattern: /io timeout after \d+ seconds|timeout waiting for daemon connection|Connection timed out/,
    message: (_m, t) => `Timed out talking to ${t}.`,
    hint: () =>
      'The server or network is slow or down; it will be retried. Raise the timeout if the link is very slow.',
  },
  // Disk full comes before "protocol": a full receiver also makes the connection drop.
  {
    code: 'DISK_FULL',
    pattern: /No space left on device|Disk quota exceeded/,
    message: (_m, t) => `The backup disk behind ${t} is full.`,
    hint: () => "Free space (or raise the quota) on the server's module path; the transfer will be retried.",
  },
  {
    code: 'PERMISSION_DENIED',
    pattern: /\[(?:receiver|generator)\].*Permission denied \(13\)/i,
    message: (_m, t) => `The daemon could not write some files into ${t}: permission denied.`,
    hint: () => "On the server, make the module's `path` writable by the daemon's `uid`/`gid` for that module.",
  },
  {
    code: 'PERMISSION_DENIED',
    pattern: /Permission denied \(13\)/,
    message: (_m, t) => `Some files could not be read for ${t}: permission denied.`,
    hint: () =>
      'Make the source files readable by the user Rsync Tray runs as (the files are named on the window’s Log screen).',
  },
  {
    code: 'PROTOCOL',
    pattern:
      /protocol version mismatch|connection unexpectedly closed|did not see server greeting|didn't get server startup line|server sent ".*" rather than greeting/,
    message: (m, t) => `The connection to ${t} failed: ${m[0]}.`,
    hint: (_m, ctx) =>
      `Check that port ${ctx.port} on ${ctx.host} is an rsync daemon (not SSH, HTTP or a proxy) ` +
      `and that both rsync versions are compatible; see the daemon's log.`,
  },
  // Any other daemon refusal: show the daemon's own words.
  {
    code: 'RSYNC_FAILED',
    pattern: /@ERROR: (.+)$/m,
    message: (m, t) => `The rsync daemon refused ${t}: ${m[1]}`,
    hint: () => "See the daemon's rsyncd.conf and log for that module.",
  },
  {
    code: 'VANISHED',
    pattern: /file has vanished: /,
    message: (_m, t) => `Some source files vanished while syncing to ${t}.`,
    hint: () => 'Nothing to do: files changed during the transfer; they are queued again.',
  },
];

interface Fallback {
  code: ErrorCode;
  message: (t: string) => string;
  hint: string;
}

/** When no rule matched: what the exit value alone says. */
const EXIT_FALLBACKS: Readonly<Record<number, Fallback>> = {
  2: {
    code: 'PROTOCOL',
    message: (t) => `rsync and the daemon for ${t} are incompatible.`,
    hint: 'Upgrade the older rsync.',
  },
  4: {
    code: 'PROTOCOL',
    message: (t) => `The daemon for ${t} does not support an option Rsync Tray uses.`,
    hint: 'Upgrade rsync on the server, or turn off the feature in the profile.',
  },
  5: {
    code: 'PROTOCOL',
    message: (t) => `Could not start the rsync protocol with ${t}.`,
    hint: "See the daemon's log for the reason; it will be retried.",
  },
  12: {
    code: 'PROTOCOL',
    message: (t) => `The connection to ${t} broke during the transfer.`,
    hint: "It will be retried; if it repeats, see the daemon's log.",
  },
  23: {
    code: 'PARTIAL_TRANSFER',
    message: (t) => `Some files were not transferred to ${t}.`,
    hint: 'The failing files are named in the log (the window’s Log screen); it will be retried.',
  },
  24: {
    code: 'VANISHED',
    message: (t) => `Some source files vanished while syncing to ${t}.`,
    hint: 'Nothing to do: files changed during the transfer; they are queued again.',
  },
  25: {
    code: 'RSYNC_FAILED',
    message: (t) => `rsync stopped deleting on ${t}: the --max-delete limit was reached.`,
    hint: 'Check that the source folder is mounted and complete before allowing the deletions.',
  },
  30: {
    code: 'TIMEOUT',
    message: (t) => `Timed out during the transfer to ${t}.`,
    hint: 'The server or network stalled; it will be retried.',
  },
  35: {
    code: 'TIMEOUT',
    message: (t) => `Timed out waiting for the daemon of ${t}.`,
    hint: 'The server is slow or unreachable; it will be retried.',
  },
};

/** The first line that reports a problem, without rsync's "rsync error: ... (code N) at file.c(123)" trailer. */
function firstErrorLine(stderr: string): string | undefined {
  return stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l.length > 0 && !l.startsWith('rsync error:') && !l.startsWith('rsync warning:'));
}

/**
 * Explain a finished rsync run, or null when it succeeded without error lines.
 * `exitCode` is undefined when the process was killed by a signal.
 */
export function diagnose(stderr: string, exitCode: number | undefined, ctx: DiagnoseContext): ErrorInfo | null {
  const text = redactSecrets(stderr, ctx.secrets ?? []);
  const target = describeTarget(ctx);
  for (const rule of DIAGNOSTIC_RULES) {
    const m = text.match(rule.pattern);
    if (m) return { code: rule.code, message: rule.message(m, target, ctx), hint: rule.hint(m, ctx) };
  }
  if (exitCode === 0) return null;

  const detail = firstErrorLine(text);
  const suffix = detail ? ` (${detail.slice(0, 300)})` : '';
  const fallback = exitCode === undefined ? undefined : EXIT_FALLBACKS[exitCode];
  if (fallback) return { code: fallback.code, message: fallback.message(target) + suffix, hint: fallback.hint };

  if (exitCode === undefined) {
    return {
      code: 'RSYNC_FAILED',
      message: `rsync for ${target} was killed by a signal${suffix}.`,
      hint: 'It will be retried; if it repeats, check memory (the OOM killer) and the window’s Log screen.',
    };
  }
  const { meaning, outcome } = classifyExit(exitCode);
  return {
    code: 'RSYNC_FAILED',
    message: `rsync for ${target} failed with exit ${exitCode}: ${meaning}${suffix}.`,
    hint:
      outcome === 'fatal'
        ? 'This will not fix itself; rsync’s own message is on the window’s Log screen (and in the output of `rsync-tray run`).'
        : 'It will be retried; if it repeats, read rsync’s own message on the window’s Log screen.',
  };
}
