/**
 * The server side of a WebSocket (RFC 6455), just what `serve` needs to push engine events to the
 * page: the handshake, text frames out, and close/ping handling in. No dependency: `ws` is not a
 * dependency of this package, and pushing JSON lines needs little of it.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** A client that falls this far behind is dropped; it reconnects and refetches the status. */
const MAX_BUFFERED = 4 * 1024 * 1024;
/** Clients only send control frames; anything bigger is not ours. */
const MAX_INCOMING = 64 * 1024;

export interface WebSocketConnection {
  send(text: string): void;
  close(code?: number): void;
  onClose(listener: () => void): void;
}

function frame(opcode: number, payload: Buffer): Buffer {
  const n = payload.length;
  const header = n < 126 ? Buffer.alloc(2) : n < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
  header[0] = 0x80 | opcode; // FIN + opcode; server frames are not masked
  if (n < 126) header[1] = n;
  else if (n < 65_536) {
    header[1] = 126;
    header.writeUInt16BE(n, 2);
  } else {
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(n), 2);
  }
  return Buffer.concat([header, payload]);
}

/** Completes the handshake on an already-authorized upgrade request. */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex): WebSocketConnection | null {
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string' || req.headers['sec-websocket-version'] !== '13') {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return null;
  }
  const accept = createHash('sha1').update(key + GUID).digest('base64');
  socket.write(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${accept}`, '', ''].join('\r\n'));

  const closeListeners: Array<() => void> = [];
  let closed = false;
  /** graceful: let the close frame already written go out first (the peer then closes its side). */
  const finish = (graceful = false) => {
    if (closed) return;
    closed = true;
    if (graceful) {
      socket.end();
      // A peer that never closes must not keep the server (and its dispose) waiting.
      setTimeout(() => socket.destroy(), 1_000).unref();
    } else socket.destroy();
    for (const l of closeListeners) l();
  };
  const write = (opcode: number, payload: Buffer) => {
    if (closed) return;
    if (socket.writableLength > MAX_BUFFERED) return finish();
    socket.write(frame(opcode, payload));
  };

  let buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      if (buffer.length < 2) return;
      const opcode = buffer[0]! & 0x0f;
      const masked = (buffer[1]! & 0x80) !== 0;
      let length = buffer[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffer.length < 4) return;
        length = buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffer.length < 10) return;
        const big = buffer.readBigUInt64BE(2);
        length = big > BigInt(MAX_INCOMING) ? MAX_INCOMING + 1 : Number(big);
        offset = 10;
      }
      // Clients must mask (RFC 6455 5.1); refuse oversized frames before buffering them.
      if (!masked || length > MAX_INCOMING) return finish();
      if (buffer.length < offset + 4 + length) return;
      const mask = buffer.subarray(offset, offset + 4);
      const payload = Buffer.from(buffer.subarray(offset + 4, offset + 4 + length));
      for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
      buffer = buffer.subarray(offset + 4 + length);
      if (opcode === 0x8) {
        write(0x8, payload.subarray(0, 2));
        return finish(true);
      }
      if (opcode === 0x9) write(0xa, payload); // ping → pong
      // Text/binary/pong frames from the page carry nothing we act on.
    }
  });
  socket.on('close', () => finish());
  socket.on('error', () => finish());

  return {
    send: (text) => write(0x1, Buffer.from(text, 'utf8')),
    close(code = 1000) {
      const payload = Buffer.alloc(2);
      payload.writeUInt16BE(code);
      write(0x8, payload);
      finish(true);
    },
    onClose: (listener) => void closeListeners.push(listener),
  };
}
