/**
 * Is the daemon there? A TCP connection that reads the daemon's greeting ("@RSYNCD: 32.0 …") and
 * closes: the cheapest question an rsync daemon answers, and the quietest — its log gets the
 * "connect from" line it writes for any connection, and nothing else (no module request, no
 * listing, no transfer, no error). The engine asks it while a target is idle (every few
 * minutes, so "current" means the daemon answered recently), and while a failed target waits
 * out its backoff (often; a daemon that is down logs nothing), so it syncs as soon as the
 * daemon is back.
 *
 * Why not `rsync rsync://host:port/` (a module listing): a process per question, and two log
 * lines ("connect from", "module-list request") each time.
 */
import net from 'node:net';
import type { ErrorInfo } from '../../shared/errors.ts';

export interface DaemonAddress {
  host: string;
  port: number;
}

const GREETING = '@RSYNCD:';

function failure(code: ErrorInfo['code'], where: string, why: string, hint: string): ErrorInfo {
  return { code, message: `The rsync daemon at ${where} does not answer: ${why}.`, hint };
}

/** Null when the daemon greeted us; otherwise why not, worded like the engine's other errors. */
export function probeDaemon({ host, port }: DaemonAddress, timeoutMs: number): Promise<ErrorInfo | null> {
  const where = `${host}:${port}`;
  return new Promise((resolve) => {
    let settled = false;
    let received = '';
    const socket = net.connect({ host, port });
    const done = (result: ErrorInfo | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () =>
        done(
          failure(
            'TIMEOUT',
            where,
            `no greeting within ${Math.round(timeoutMs / 1000)} s`,
            'Check the network and that the daemon runs; it is checked again by itself.',
          ),
        ),
      timeoutMs,
    );
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (received.length < GREETING.length && GREETING.startsWith(received)) return;
      done(
        received.startsWith(GREETING)
          ? null
          : failure(
              'PROTOCOL',
              where,
              'something answers on that port, but not an rsync daemon',
              'Check the host and port in the profile (an rsync daemon listens on 873 unless told otherwise).',
            ),
      );
    });
    const closed = () =>
      done(
        failure(
          'CONNECTION_REFUSED',
          where,
          'it closed the connection without a greeting',
          'The daemon may be stopping, restarting or over its "max connections"; it is checked again by itself.',
        ),
      );
    socket.on('end', closed);
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? '';
      if (code === 'ECONNRESET' || code === 'EPIPE') closed();
      else if (code === 'ECONNREFUSED')
        done(
          failure(
            'CONNECTION_REFUSED',
            where,
            'nothing listens on that port',
            'Start the daemon (rsync --daemon, or systemctl start rsync) or fix the port; it is checked again by itself.',
          ),
        );
      else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
        done(failure('HOST_NOT_FOUND', where, 'the host name does not resolve', 'Check the host name in the profile.'));
      else
        done(
          failure(
            'HOST_UNREACHABLE',
            where,
            error.message,
            'Check the network (VPN, cable, Wi-Fi); it is checked again by itself.',
          ),
        );
    });
  });
}
