/** What the end-to-end tests' configs share: a target on the test's own daemon, logged in by its password file. */
import type { LocalDaemon } from '../../../electron/core/service/local-rsync-daemon.ts';

export const daemonTarget = (daemon: LocalDaemon, module = 'backup') => ({
  host: '127.0.0.1',
  port: daemon.port,
  module,
  user: daemon.user,
  auth: { type: 'passwordFile', path: daemon.passwordFile },
});
