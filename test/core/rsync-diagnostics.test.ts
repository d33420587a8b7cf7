import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../electron/shared/errors.ts';
import { diagnose, redactSecrets, type DiagnoseContext } from '../../electron/core/rsync/rsync-diagnostics.ts';

const ctx: DiagnoseContext = {
  host: '127.0.0.1',
  port: 18731,
  module: 'backup',
  user: 'alice',
  passwordFile: '/etc/rsync-tray/backup.pw',
};

// stderr texts of rsync 3.5.0 (LC_ALL=C), provoked against a throwaway `rsync --daemon` on loopback
// unless marked "synthesized" (the sandbox had no network path to produce them).
const cases: [name: string, stderr: string, exit: number | undefined, code: ErrorCode, hint: RegExp][] = [
  [
    'wrong password',
    '@ERROR: auth failed on module backup\n' +
      'rsync error: error starting client-server protocol (code 5) at main.c(1954) [sender=3.5.0]\n',
    5,
    'AUTH_FAILED',
    /auth users.*secrets file/,
  ],
  [
    'unknown module',
    "@ERROR: Unknown module 'nosuch'\n" +
      'rsync error: error starting client-server protocol (code 5) at main.c(1954) [sender=3.5.0]\n',
    5,
    'UNKNOWN_MODULE',
    /connection test/,
  ],
  [
    'closed port',
    'rsync: [sender] failed to connect to 127.0.0.1 (127.0.0.1): Connection refused (111)\n' +
      'rsync error: error in socket IO (code 10) at clientserver.c(165) [sender=3.5.0]\n',
    10,
    'CONNECTION_REFUSED',
    /daemon running on 127\.0\.0\.1.*port 18731/,
  ],
  [
    'hosts allow',
    '@ERROR: access denied to denied from localhost (127.0.0.1)\n' +
      'rsync error: error starting client-server protocol (code 5) at main.c(1954) [sender=3.5.0]\n',
    5,
    'ACCESS_DENIED',
    /hosts allow/,
  ],
  [
    'read only module',
    'ERROR: module is read only\n' +
      'rsync error: syntax or usage error (code 1) at main.c(1185) [Receiver=3.5.0]\n' +
      'rsync: [sender] read error: Connection reset by peer (104)\n',
    1,
    'ACCESS_DENIED',
    /read only = no/,
  ],
  [
    'chroot',
    '@ERROR: chroot failed\n' +
      'rsync error: error starting client-server protocol (code 5) at main.c(1954) [sender=3.5.0]\n',
    5,
    'CHROOT_FAILED',
    /use chroot/,
  ],
  [
    'module path missing',
    '@ERROR: chdir failed\n' +
      'rsync error: error starting client-server protocol (code 5) at main.c(1954) [sender=3.5.0]\n',
    5,
    'RSYNC_FAILED',
    /path/,
  ],
  [
    'max connections',
    '@ERROR: max connections (1) reached -- try again later\n' +
      'rsync error: error starting client-server protocol (code 5) at main.c(1954) [sender=3.5.0]\n',
    5,
    'MAX_CONNECTIONS',
    /max connections/,
  ],
  [
    'password file 644',
    'ERROR: password file must not be other-accessible\n' +
      'rsync error: syntax or usage error (code 1) at authenticate.c(261) [sender=3.5.0]\n',
    1,
    'PASSWORD_FILE_MODE',
    /^Run: chmod 600 \/etc\/rsync-tray\/backup\.pw$/,
  ],
  [
    'password file missing',
    'rsync: [sender] could not open password file /tmp/rsdiag.1aKk/nonexistent: No such file or directory (2)\n' +
      'rsync error: syntax or usage error (code 1) at authenticate.c(247) [sender=3.5.0]\n',
    1,
    'PASSWORD_FILE_MISSING',
    /path/,
  ],
  [
    'unknown host',
    'rsync: getaddrinfo: no-such-host.invalid 18731: Name or service not known\n' +
      'rsync error: error in socket IO (code 10) at clientserver.c(165) [sender=3.5.0]\n',
    10,
    'HOST_NOT_FOUND',
    /DNS/,
  ],
  [
    'DNS down (synthesized)',
    'rsync: getaddrinfo: backup.example.com 873: Temporary failure in name resolution\n' +
      'rsync error: error in socket IO (code 10) at clientserver.c(165) [sender=3.5.0]\n',
    10,
    'HOST_NOT_FOUND',
    /DNS/,
  ],
  [
    'no route',
    'rsync: [Receiver] failed to connect to 2001:db8::1 (2001:db8::1): No route to host (113)\n' +
      'rsync error: error in socket IO (code 10) at clientserver.c(165) [Receiver=3.5.0]\n',
    10,
    'HOST_UNREACHABLE',
    /network/,
  ],
  [
    'network unreachable (synthesized)',
    'rsync: [sender] failed to connect to 10.1.2.3 (10.1.2.3): Network is unreachable (101)\n' +
      'rsync error: error in socket IO (code 10) at clientserver.c(165) [sender=3.5.0]\n',
    10,
    'HOST_UNREACHABLE',
    /network/,
  ],
  [
    'connect timeout (exit 35)',
    'rsync error: timeout waiting for daemon connection (code 35) at socket.c(429) [sender=3.5.0]\n',
    35,
    'TIMEOUT',
    /retried/,
  ],
  [
    'io timeout (exit 30)',
    '[sender] io timeout after 2 seconds -- exiting\n' +
      'rsync error: timeout in data send/receive (code 30) at io.c(248) [sender=3.5.0]\n',
    30,
    'TIMEOUT',
    /retried/,
  ],
  ['exit 30 without text', '', 30, 'TIMEOUT', /retried/],
  [
    'not an rsync daemon (HTTP proxy)',
    'rsync: server sent "HTTP/1.1 400 Bad Request" rather than greeting\n' +
      'rsync error: error starting client-server protocol (code 5) at main.c(1954) [sender=3.5.0]\n',
    5,
    'PROTOCOL',
    /not SSH, HTTP/,
  ],
  [
    'server closes at once',
    'rsync: did not see server greeting\n' +
      'rsync error: error starting client-server protocol (code 5) at main.c(1954) [sender=3.5.0]\n',
    5,
    'PROTOCOL',
    /rsync daemon/,
  ],
  [
    'connection dropped',
    'rsync: connection unexpectedly closed (0 bytes received so far) [sender]\n' +
      'rsync error: error in rsync protocol data stream (code 12) at io.c(285) [sender=3.5.0]\n',
    12,
    'PROTOCOL',
    /daemon's log/,
  ],
  [
    'protocol mismatch (synthesized)',
    'protocol version mismatch -- is your shell clean?\n' +
      '(see the rsync manpage for an explanation)\n' +
      'rsync error: protocol incompatibility (code 2) at compat.c(622) [sender=3.5.0]\n',
    2,
    'PROTOCOL',
    /compatible/,
  ],
  [
    'disk full',
    'rsync: [receiver] write failed on "big" (in full): No space left on device (28)\n' +
      'rsync error: error in file IO (code 11) at receiver.c(657) [receiver=3.5.0]\n' +
      'rsync error: error in file IO (code 11) at io.c(1892) [generator=3.5.0]\n' +
      'rsync: [sender] read error: Connection reset by peer (104)\n',
    11,
    'DISK_FULL',
    /Free space/,
  ],
  [
    'backup side not writable',
    'rsync: [generator] failed to set times on "." (in perm): Operation not permitted (1)\n' +
      'rsync: [receiver] mkstemp ".a.txt.YMvC5h" (in perm) failed: Permission denied (13)\n' +
      'rsync error: some files/attrs were not transferred (see previous errors) ' +
      '(code 23) at main.c(1394) [sender=3.5.0]\n',
    23,
    'PERMISSION_DENIED',
    /uid/,
  ],
  [
    'source not readable',
    'rsync: [sender] change_dir "/tmp/rsdiag.1aKk/psrc" failed: Permission denied (13)\n' +
      'rsync error: some files/attrs were not transferred (see previous errors) ' +
      '(code 23) at main.c(1394) [sender=3.5.0]\n',
    23,
    'PERMISSION_DENIED',
    /readable/,
  ],
  [
    'other daemon refusal',
    '@ERROR: daemon security issue -- contact admin\n' +
      'rsync error: error starting client-server protocol (code 5) at main.c(1954) [sender=3.5.0]\n',
    5,
    'RSYNC_FAILED',
    /rsyncd\.conf/,
  ],
  [
    'vanished files',
    'file has vanished: "/tmp/rsdiag.1aKk/van/f4"\n' +
      'file has vanished: "/tmp/rsdiag.1aKk/van/f40"\n' +
      'rsync warning: some files vanished before they could be transferred (code 24) at main.c(1394) [sender=3.5.0]\n',
    24,
    'VANISHED',
    /queued again/,
  ],
  [
    'partial transfer',
    'rsync: [sender] link_stat "/src/gone" failed: No such file or directory (2)\n' +
      'rsync error: some files/attrs were not transferred (see previous errors) ' +
      '(code 23) at main.c(1394) [sender=3.5.0]\n',
    23,
    'PARTIAL_TRANSFER',
    /log/,
  ],
  ['max-delete guard', 'Deletions stopped due to --max-delete limit (3 skipped)\n', 25, 'RSYNC_FAILED', /mounted/],
  [
    'killed (SIGTERM)',
    'rsync error: received SIGUSR1 (code 19) at main.c(1660) [generator=3.5.0]\n' +
      'rsync error: received SIGINT, SIGTERM, or SIGHUP (code 20) at rsync.c(874) [sender=3.5.0]\n',
    20,
    'RSYNC_FAILED',
    /retried/,
  ],
  ['killed by a signal, no exit', '', undefined, 'RSYNC_FAILED', /OOM/],
  ['unknown exit', '', 99, 'RSYNC_FAILED', /retried/],
  [
    'usage error',
    'rsync: --bwlimit=5MB/s is invalid\nrsync error: syntax or usage error (code 1) at main.c(1886) [client=3.5.0]\n',
    1,
    'RSYNC_FAILED',
    /not fix itself/,
  ],
];

describe('diagnose', () => {
  it.each(cases)('%s', (_name, stderr, exit, code, hint) => {
    const info = diagnose(stderr, exit, ctx);
    expect(info?.code).toBe(code);
    expect(info?.hint).toMatch(hint);
  });

  it('names the target as user@host:port/module', () => {
    expect(diagnose(cases[0]![1], 5, ctx)?.message).toBe('Authentication failed for alice@127.0.0.1:18731/backup.');
    expect(diagnose('', 23, { host: 'nas', port: 873, module: 'data' })?.message).toBe(
      'Some files were not transferred to nas:873/data.',
    );
  });

  it('echoes the daemon text for unknown refusals and the first error line for exit fallbacks', () => {
    expect(diagnose('@ERROR: daemon security issue -- contact admin\n', 5, ctx)?.message).toContain(
      'daemon security issue -- contact admin',
    );
    expect(diagnose(cases.find((c) => c[0] === 'partial transfer')![1], 23, ctx)?.message).toContain(
      'link_stat "/src/gone" failed',
    );
  });

  it('returns null for a clean run', () => {
    expect(diagnose('', 0, ctx)).toBeNull();
    expect(diagnose('\n', 0, ctx)).toBeNull();
  });

  it('never echoes a password', () => {
    const stderr = '@ERROR: weird thing RSYNC_PASSWORD=hunter2 and hunter2 again\n';
    const info = diagnose(stderr, 5, { ...ctx, secrets: ['hunter2'] });
    expect(JSON.stringify(info)).not.toContain('hunter2');
    expect(info?.message).toContain('RSYNC_PASSWORD=*** and *** again');
    // Even without the secret list, the env-style assignment is masked.
    expect(JSON.stringify(diagnose(stderr, 5, ctx))).not.toContain('RSYNC_PASSWORD=hunter2');
  });
});

describe('redactSecrets', () => {
  it.each([
    ['pw is s3cret here', ['s3cret'], 'pw is *** here'],
    ['RSYNC_PASSWORD="a b" rsync', [], 'RSYNC_PASSWORD=*** rsync'],
    ['abcdef and abc', ['abc', 'abcdef'], '*** and ***'],
    ['nothing to hide', [''], 'nothing to hide'],
    ['a.b*c', ['.b*'], 'a***c'],
  ])('%s', (text, secrets, expected) => {
    expect(redactSecrets(text, secrets)).toBe(expected);
  });
});
