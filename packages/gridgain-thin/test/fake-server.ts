/**
 * A scripted thin-protocol responder on loopback for unit tests of the connection layer: it speaks
 * the framing and handshake, and lets each test decide the answers (or misbehave on purpose).
 */
import net from 'node:net';

export interface FakeRequest {
  op: number;
  id: bigint;
  body: Buffer;
  socket: net.Socket;
}

export interface FakeServerOptions {
  /** Highest version the server accepts; an offer above it is refused with this version. */
  version?: [number, number, number];
  /** Features byte array returned on success (≥1.7). */
  features?: Buffer;
  /** Answer for a request: a payload to send as success, a `{status, message}` error, or null for none. */
  handle?: (req: FakeRequest) => Buffer | { status: number; message: string } | null | undefined;
  /** Credentials required, if any. */
  credentials?: { username: string; password: string };
}

export interface FakeServer {
  port: number;
  handshakes: Array<{ version: [number, number, number]; username?: string; password?: string }>;
  sockets: Set<net.Socket>;
  close(): Promise<void>;
}

function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const h = Buffer.alloc(5);
  h[0] = 9;
  h.writeInt32LE(b.length, 1);
  return Buffer.concat([h, b]);
}

function frame(body: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeInt32LE(body.length);
  return Buffer.concat([len, body]);
}

export function responseFrame(
  id: bigint,
  payload: Buffer,
  error?: { status: number; message: string },
): Buffer {
  const head = Buffer.alloc(10);
  head.writeBigInt64LE(id, 0);
  head.writeInt16LE(error ? 1 : 0, 8);
  if (error) {
    const st = Buffer.alloc(4);
    st.writeInt32LE(error.status);
    return frame(Buffer.concat([head, st, str(error.message)]));
  }
  return frame(Buffer.concat([head, payload]));
}

function readString(buf: Buffer, at: number): [string | undefined, number] {
  if (buf[at] === 101) return [undefined, at + 1];
  const n = buf.readInt32LE(at + 1);
  return [buf.subarray(at + 5, at + 5 + n).toString('utf8'), at + 5 + n];
}

export async function startFakeServer(opts: FakeServerOptions = {}): Promise<FakeServer> {
  const version = opts.version ?? [1, 7, 0];
  const sockets = new Set<net.Socket>();
  const handshakes: FakeServer['handshakes'] = [];
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buf = Buffer.alloc(0);
    let shaken = false;
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 4) {
        const n = buf.readInt32LE(0);
        if (buf.length < 4 + n) break;
        const body = buf.subarray(4, 4 + n);
        buf = buf.subarray(4 + n);
        if (!shaken) {
          const v: [number, number, number] = [body.readInt16LE(1), body.readInt16LE(3), body.readInt16LE(5)];
          let at = 8;
          const ge170 = v[0] > 1 || v[1] >= 7;
          if (ge170 && body[at] === 12) at += 5 + body.readInt32LE(at + 1);
          let username: string | undefined;
          let password: string | undefined;
          if (at < body.length) {
            [username, at] = readString(body, at);
            [password, at] = readString(body, at);
          }
          handshakes.push({ version: v, ...(username === undefined ? {} : { username, password }) });
          const cmp = v[0] - version[0] || v[1] - version[1] || v[2] - version[2];
          if (cmp > 0) {
            const fail = Buffer.alloc(7);
            fail[0] = 0;
            fail.writeInt16LE(version[0], 1);
            fail.writeInt16LE(version[1], 3);
            fail.writeInt16LE(version[2], 5);
            const st = Buffer.alloc(4);
            st.writeInt32LE(1);
            socket.end(frame(Buffer.concat([fail, str('Unsupported version.'), st])));
            return;
          }
          if (
            opts.credentials &&
            (username !== opts.credentials.username || password !== opts.credentials.password)
          ) {
            const fail = Buffer.alloc(7);
            fail.writeInt16LE(version[0], 1);
            fail.writeInt16LE(version[1], 3);
            fail.writeInt16LE(version[2], 5);
            const st = Buffer.alloc(4);
            st.writeInt32LE(2000);
            socket.end(frame(Buffer.concat([fail, str('The user name or password is incorrect'), st])));
            return;
          }
          shaken = true;
          const parts: Buffer[] = [Buffer.from([1])];
          if (ge170) {
            const f = opts.features ?? Buffer.alloc(0);
            const h = Buffer.alloc(5);
            h[0] = 12;
            h.writeInt32LE(f.length, 1);
            parts.push(h, f);
          }
          if (v[0] > 1 || v[1] >= 4) {
            const u = Buffer.alloc(17);
            u[0] = 10;
            u.writeBigInt64LE(0x0102030405060708n, 1);
            u.writeBigInt64LE(0x090a0b0c0d0e0f10n, 9);
            parts.push(u);
          }
          socket.write(frame(Buffer.concat(parts)));
          continue;
        }
        const op = body.readInt16LE(0);
        const id = body.readBigInt64LE(2);
        const res = opts.handle?.({ op, id, body: Buffer.from(body.subarray(10)), socket });
        if (res === null) continue;
        if (res === undefined) socket.write(responseFrame(id, Buffer.alloc(0)));
        else if (Buffer.isBuffer(res)) socket.write(responseFrame(id, res));
        else socket.write(responseFrame(id, Buffer.alloc(0), res));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    handshakes,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
