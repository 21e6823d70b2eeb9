/**
 * The funnel: one Connection per server node. The only place that does I/O.
 *
 * - TCP or TLS socket, handshake with version fallback (offer 1.7.1, then whatever the server says it
 *   speaks, down to 1.0.0; each retry is a fresh socket, as the server closes after a refusal).
 * - Pipelining: any number of requests in flight, matched by 64-bit request id.
 * - Write coalescing: frames queued during one event-loop turn go out in one `socket.write`.
 * - Framing: FrameDecoder copies each frame out of the socket chunks before anything parses it.
 * - Every failure settles every caller: a socket error or close rejects all pending calls with
 *   SocketError; a corrupt stream rejects them with ProtocolError and destroys the socket; a per-call
 *   timeout removes its entry (a late answer is then ignored, the stream stays in sync).
 * - Heartbeats (op 1) when the server announces the HEARTBEAT feature and an idle timeout (op 2).
 */
import net from 'node:net';
import tls from 'node:tls';
import {
  AuthenticationError,
  CancelledError,
  type DbwireError,
  ProtocolError,
  TimeoutError,
} from '@dbwire/core';
import { BinaryReader, BinaryWriter } from './binary/index.js';
import { HandshakeError, NotSupportedByClusterError, SocketError, statusError } from './errors.js';
import {
  CLIENT_FEATURES,
  compareVersions,
  Feature,
  featureMask,
  hasFeature,
  Op,
  type ProtocolVersion,
  ResponseFlag,
  SUPPORTED_VERSIONS,
  VERSION_FEATURES,
  versionString,
} from './protocol/constants.js';
import { FrameDecoder } from './protocol/frames.js';
import { decodeHandshake, encodeHandshake } from './protocol/handshake.js';

/** Options of `Connection.open`. */
export interface ConnectionOptions {
  host: string;
  port: number;
  /** Node TLS options; undefined means plain TCP. */
  tls?: tls.ConnectionOptions | undefined;
  username?: string | undefined;
  password?: string | undefined;
  /** Socket connect + handshake budget in ms (default 10 000). */
  connectTimeoutMs?: number | undefined;
  /** Highest protocol version to offer (default 1.7.1). */
  maxVersion?: ProtocolVersion | undefined;
  /**
   * Heartbeat interval in ms (only when the server announces the HEARTBEAT feature); default a third
   * of the server's idle timeout, or 30 s when it has none. A heartbeat left unanswered for three
   * intervals fails the connection (and its pending calls) with SocketError.
   */
  heartbeatIntervalMs?: number | undefined;
  maxFrameLength?: number | undefined;
}

/** Decodes a response payload; may return a Promise when values need type metadata fetched. */
export type ResponseReader<T> = (r: BinaryReader) => T | Promise<T>;
/** Appends a request payload after the standard header. */
export type RequestWriter = (w: BinaryWriter, conn: Connection) => void;

/** Per-call options: a timeout in ms and an AbortSignal. */
export interface RequestOptions {
  /** Milliseconds before the call fails with TimeoutError. */
  timeout?: number | undefined;
  signal?: AbortSignal | undefined;
}

interface Pending {
  op: number;
  read: ResponseReader<unknown> | undefined;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  timer: NodeJS.Timeout | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

const DEFAULT_CONNECT_TIMEOUT = 10_000;
const DEFAULT_HEARTBEAT = 30_000;

/** One connection to one node: the socket, the handshake and the pipelined requests on it. */
export class Connection {
  readonly host: string;
  readonly port: number;
  readonly version: ProtocolVersion;
  readonly features: Buffer | undefined;
  readonly nodeId: string | undefined;
  /** Called once when the connection dies (error, close, or `close()`). */
  onClose: ((err: DbwireError | undefined) => void) | undefined;
  /**
   * Called when a response carries the AFFINITY_TOPOLOGY_CHANGED flag (protocol ≥ 1.4), with the new
   * affinity topology version `[major, minor]` from its header, before the response is delivered.
   * Partition-aware routing refreshes its mappings on it.
   */
  onAffinityTopologyChange: ((major: bigint, minor: number) => void) | undefined;

  readonly #socket: net.Socket;
  readonly #decoder: FrameDecoder;
  readonly #newHeader: boolean;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #out = new BinaryWriter(4096);
  #flushScheduled = false;
  #closed = false;
  #heartbeat: NodeJS.Timeout | undefined;
  #lastWrite = Date.now();

  private constructor(
    socket: net.Socket,
    decoder: FrameDecoder,
    opts: ConnectionOptions,
    version: ProtocolVersion,
    features: Buffer | undefined,
    nodeId: string | undefined,
  ) {
    this.#socket = socket;
    this.#decoder = decoder;
    this.host = opts.host;
    this.port = opts.port;
    this.version = version;
    this.features = features;
    this.nodeId = nodeId;
    this.#newHeader = compareVersions(version, VERSION_FEATURES.PARTITION_AWARENESS) >= 0;
    socket.on('data', this.#onData);
    socket.on('error', (err) =>
      this.#fail(socketError(`connection to ${this.address} failed: ${err.message}`, err)),
    );
    socket.on('close', () => this.#fail(new SocketError(`connection to ${this.address} was closed`)));
    socket.on('end', () =>
      this.#fail(new SocketError(`connection to ${this.address} was closed by the server`)),
    );
  }

  /** Opens a socket and completes the handshake, falling back through protocol versions. */
  static async open(opts: ConnectionOptions): Promise<Connection> {
    const deadline = Date.now() + (opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT);
    let version: ProtocolVersion = opts.maxVersion ?? SUPPORTED_VERSIONS[0]!;
    const tried = new Set<string>();
    for (;;) {
      tried.add(versionString(version));
      const socket = await connectSocket(opts, deadline);
      const decoder = new FrameDecoder(opts.maxFrameLength);
      let frame: Buffer;
      try {
        socket.write(
          encodeHandshake({
            version,
            features: featureMask(CLIENT_FEATURES),
            username: opts.username,
            password: opts.password,
          }),
        );
        frame = await readFirstFrame(socket, decoder, deadline, `${opts.host}:${opts.port}`);
      } catch (err) {
        socket.destroy();
        throw err;
      }
      const res = decodeHandshake(frame, version);
      if (res.ok) {
        const conn = new Connection(socket, decoder, opts, version, res.features, res.nodeId);
        await conn.#startHeartbeat(opts.heartbeatIntervalMs);
        return conn;
      }
      socket.destroy();
      const sv = res.serverVersion;
      if (res.status === 2000 || /authenticat|password|user name/i.test(res.message)) {
        throw new AuthenticationError(
          `authentication failed at ${opts.host}:${opts.port}: ${res.message || 'credentials refused'}`,
          { code: 'ERR_AUTH_FAILED', details: { status: res.status } },
        );
      }
      const next = SUPPORTED_VERSIONS.find(
        (v) => compareVersions(v, version) < 0 && compareVersions(v, sv) <= 0 && !tried.has(versionString(v)),
      );
      if (!next) {
        throw new HandshakeError(
          `handshake with ${opts.host}:${opts.port} refused: ${res.message || 'no reason given'} ` +
            `(offered ${versionString(version)}, server speaks ${versionString(sv)})`,
          { serverVersion: versionString(sv), ...(res.status === undefined ? {} : { status: res.status }) },
        );
      }
      version = next;
    }
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Requests currently awaiting an answer. */
  get inFlight(): number {
    return this.#pending.size;
  }

  /** True when the negotiated protocol version has `feature`. */
  supports(feature: keyof typeof VERSION_FEATURES): boolean {
    return compareVersions(this.version, VERSION_FEATURES[feature]) >= 0;
  }

  /** True when the server announced feature bit `bit` in the handshake. */
  hasFeature(bit: number): boolean {
    return hasFeature(this.features, bit);
  }

  /** Throws NotSupportedByClusterError unless the negotiated version has `feature`. */
  require(feature: keyof typeof VERSION_FEATURES, what: string): void {
    if (!this.supports(feature)) {
      throw new NotSupportedByClusterError(
        `${what} needs thin protocol ${versionString(VERSION_FEATURES[feature])}; ` +
          `the server at ${this.address} negotiated ${versionString(this.version)}`,
      );
    }
  }

  /**
   * Sends one request. `write` appends the payload after the standard header; `read` decodes the
   * success payload. Throws synchronously (nothing sent) when `write` throws.
   */
  request<T>(
    op: number,
    write: RequestWriter | undefined,
    read: ResponseReader<T> | undefined,
    opts?: RequestOptions,
  ): Promise<T> {
    if (this.#closed) return Promise.reject(new SocketError(`connection to ${this.address} is closed`));
    if (opts?.timeout !== undefined && !(opts.timeout > 0)) {
      return Promise.reject(
        new TimeoutError(`operation ${op} timed out: its timeout (${opts.timeout} ms) left no time`),
      );
    }
    if (opts?.signal?.aborted) {
      return Promise.reject(new CancelledError(`operation ${op} was cancelled by the caller's AbortSignal`));
    }
    const w = this.#out;
    const start = w.pos;
    const id = this.#nextId++;
    try {
      const at = w.reserveInt32();
      w.writeInt16(op);
      w.writeInt64(id);
      if (write) write(w, this);
      w.patchInt32(at, w.pos - at - 4);
    } catch (err) {
      w.pos = start; // roll back the half-written frame; earlier frames of this turn stay intact
      w.handles = undefined;
      return Promise.reject(err);
    }
    return new Promise<T>((resolve, reject) => {
      const p: Pending = {
        op,
        read: read as ResponseReader<unknown> | undefined,
        resolve: resolve as (v: unknown) => void,
        reject,
        timer: undefined,
        signal: undefined,
        onAbort: undefined,
      };
      if (opts) {
        const { timeout, signal } = opts;
        if (timeout !== undefined) {
          p.timer = setTimeout(() => {
            if (this.#pending.delete(id)) {
              this.#settle(p);
              reject(new TimeoutError(`operation ${op} on ${this.address} timed out after ${timeout} ms`));
            }
          }, timeout);
        }
        if (signal) {
          p.signal = signal;
          p.onAbort = () => {
            if (this.#pending.delete(id)) {
              this.#settle(p);
              reject(new CancelledError(`operation ${op} was cancelled by the caller's AbortSignal`));
            }
          };
          signal.addEventListener('abort', p.onAbort, { once: true });
        }
      }
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        // Idle connection: send at the end of this tick (lowest latency). Busy connection: wait for
        // the end of the event-loop turn, so answers arriving in several chunks still produce one write.
        if (this.#pending.size === 0) process.nextTick(this.#flush);
        else setImmediate(this.#flush);
      }
      this.#pending.set(id, p);
    });
  }

  /** Closes the socket; pending calls fail with SocketError. */
  close(): void {
    if (this.#closed) return;
    this.#fail(new SocketError(`connection to ${this.address} was closed by the client`), true);
  }

  #flush = (): void => {
    this.#flushScheduled = false;
    const w = this.#out;
    if (w.pos === 0 || this.#closed) return;
    const data = w.toBuffer();
    w.reset();
    this.#lastWrite = Date.now();
    this.#socket.write(data);
  };

  #onData = (chunk: Buffer): void => {
    let frames: Buffer[];
    try {
      frames = this.#decoder.push(chunk);
    } catch (err) {
      this.#fail(err as DbwireError);
      return;
    }
    for (let i = 0; i < frames.length; i++) {
      if (this.#closed) return;
      this.#dispatch(frames[i]!);
    }
  };

  #dispatch(f: Buffer): void {
    const minHeader = this.#newHeader ? 10 : 12;
    if (f.length < minHeader) {
      this.#fail(
        new ProtocolError(`response frame of ${f.length} bytes is shorter than its header`, {
          code: 'ERR_PROTOCOL_FRAME',
        }),
      );
      return;
    }
    const id = f.readUInt32LE(0) + f.readInt32LE(4) * 4294967296;
    let off: number;
    let failed: boolean;
    if (this.#newHeader) {
      const flags = f.readInt16LE(8);
      off = 10;
      if (flags & ResponseFlag.AFFINITY_TOPOLOGY_CHANGED) {
        off += 12;
        if (f.length >= off) this.onAffinityTopologyChange?.(f.readBigInt64LE(10), f.readInt32LE(18));
      }
      if (flags & ResponseFlag.NOTIFICATION) return; // server push (continuous query, compute): not used here
      failed = (flags & ResponseFlag.ERROR) !== 0;
    } else {
      off = 8;
      failed = f.readInt32LE(8) !== 0;
      if (!failed) off = 12;
    }
    const p = this.#pending.get(id);
    if (p === undefined) return; // the caller gave up (timeout/abort); the stream stays in sync
    this.#pending.delete(id);
    if (p.timer !== undefined || p.signal !== undefined) this.#settle(p);
    if (off > f.length) {
      p.reject(new ProtocolError(`response to op ${p.op} is truncated`, { code: 'ERR_PROTOCOL_TRUNCATED' }));
      return;
    }
    const r = new BinaryReader(f, off);
    if (failed) {
      try {
        const status = r.readInt32();
        const message = r.readUtf8String();
        p.reject(statusError(status, message, p.op));
      } catch (err) {
        p.reject(err);
      }
      return;
    }
    if (p.read === undefined) {
      p.resolve(undefined);
      return;
    }
    try {
      p.resolve(p.read(r));
    } catch (err) {
      p.reject(err);
    }
  }

  #settle(p: Pending): void {
    if (p.timer !== undefined) clearTimeout(p.timer);
    if (p.signal && p.onAbort) p.signal.removeEventListener('abort', p.onAbort);
  }

  #fail(err: DbwireError, graceful = false): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    this.#decoder.reset();
    this.#out.reset();
    if (graceful) this.#socket.end();
    this.#socket.destroy();
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) {
      this.#settle(p);
      p.reject(err);
    }
    this.onClose?.(err);
  }

  async #startHeartbeat(explicitMs: number | undefined): Promise<void> {
    if (!this.supports('BITMAP_FEATURES') || !this.hasFeature(Feature.HEARTBEAT)) return;
    let interval = explicitMs;
    if (interval === undefined) {
      let idle: number;
      try {
        idle = await this.request(Op.GET_IDLE_TIMEOUT, undefined, (r) => Number(r.readInt64()), {
          timeout: DEFAULT_CONNECT_TIMEOUT,
        });
      } catch (err) {
        if (this.#closed) throw err;
        return; // the server announced heartbeats but cannot tell its idle timeout: none needed
      }
      // Server idle timeout known: beat at a third of it. Unknown (0): beat every 30 s anyway, which
      // also detects a server that stopped answering on a socket that stays open.
      interval = idle > 0 ? Math.max(100, Math.floor(idle / 3)) : DEFAULT_HEARTBEAT;
    }
    if (!(interval > 0)) return;
    const every = interval;
    this.#heartbeat = setInterval(() => {
      if (this.#closed || Date.now() - this.#lastWrite < every * 0.8) return;
      this.request(Op.HEARTBEAT, undefined, undefined, { timeout: Math.max(every * 3, 1000) }).catch(
        (err) => {
          // No answer to a heartbeat: the peer is gone although the socket looks open. Fail every
          // pending call now rather than letting it wait forever.
          if (err instanceof TimeoutError) {
            this.#fail(
              new SocketError(`${this.address} stopped answering (heartbeat timed out)`, { cause: err }),
            );
          }
        },
      );
    }, every);
    this.#heartbeat.unref();
  }
}

function socketError(message: string, cause: unknown): SocketError {
  return new SocketError(message, { cause, code: 'ERR_SOCKET' });
}

function connectSocket(opts: ConnectionOptions, deadline: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const where = `${opts.host}:${opts.port}`;
    const socket = opts.tls
      ? tls.connect({ ...opts.tls, host: opts.host, port: opts.port })
      : net.connect({ host: opts.host, port: opts.port });
    socket.setNoDelay(true);
    const timer = setTimeout(
      () => {
        socket.destroy();
        reject(new SocketError(`connecting to ${where} timed out`, { code: 'ERR_CONNECT_TIMEOUT' }));
      },
      Math.max(0, deadline - Date.now()),
    );
    const onError = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(socketError(`cannot connect to ${where}: ${err.message}`, err));
    };
    socket.once('error', onError);
    socket.once(opts.tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

function readFirstFrame(
  socket: net.Socket,
  decoder: FrameDecoder,
  deadline: number,
  where: string,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
    };
    const timer = setTimeout(
      () => {
        done();
        reject(new SocketError(`handshake with ${where} timed out`, { code: 'ERR_HANDSHAKE_TIMEOUT' }));
      },
      Math.max(0, deadline - Date.now()),
    );
    const onData = (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = decoder.push(chunk);
      } catch (err) {
        done();
        reject(err);
        return;
      }
      if (frames.length > 0) {
        done();
        if (frames.length > 1 || decoder.buffered > 0) {
          reject(new ProtocolError(`unexpected data after the handshake response from ${where}`));
        } else resolve(frames[0]!);
      }
    };
    const onError = (err: Error) => {
      done();
      reject(socketError(`handshake with ${where} failed: ${err.message}`, err));
    };
    const onClose = () => {
      done();
      reject(new SocketError(`${where} closed the connection during the handshake`));
    };
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
  });
}
