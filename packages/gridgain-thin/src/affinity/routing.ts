/**
 * Partition awareness inside the funnel: one connection per cluster node, and the choice of the
 * connection a keyed operation goes out on. The client's funnel (`Client#pick`) asks `pick(op.key)`
 * and sends on what it gets with its one `#send`, so diagnostics, timeouts and typed errors stay in
 * one place; this class only opens sockets (with the client's own `open`) and chooses among them.
 *
 * - `connectAll` opens a connection to every configured address, in parallel; an address that fails
 *   is retried in the background with a growing delay (0.5 s … 5 s) while the client is open, so a
 *   node that comes back (with a new node id) is used again without any call from the user.
 * - Each connection is indexed by the node id its handshake announced (protocol ≥ 1.4).
 * - Keyed operation: the PartitionRouter gives the primary node id (fetching the cache's mapping,
 *   op 1101, on first use); its connection when open, else undefined (the funnel's default
 *   connection: the receiving node forwards the request). Never an error of its own.
 * - A response flagged AFFINITY_TOPOLOGY_CHANGED on any connection makes the router refresh.
 */
import type { BinaryContext } from '../binary/index.js';
import type { Connection } from '../connection.js';
import { defineOp, type Operation, type OpKey } from '../ops/operation.js';
import { Feature, Op } from '../protocol/constants.js';
import {
  type CachePartitions,
  readCachePartitionsResponse,
  writeCachePartitionsRequest,
} from './cache-partitions.js';
import { PartitionRouter } from './router.js';

/** A node address, `[host, port]`. */
export type Endpoint = readonly [host: string, port: number];

/** What the client lends partition awareness: its way to open and to send. */
export interface RoutingHost {
  /** Opens a connection to one address (the client's TLS, credentials, version and heartbeats). */
  open(node: Endpoint): Promise<Connection>;
  /** Sends an operation on a connection through the client's funnel. */
  send<T>(conn: Connection, op: Operation<T>): Promise<T>;
  readonly binary: BinaryContext;
  /** True once the client is closed: stop reconnecting. */
  closed(): boolean;
  /**
   * The client's default connection when open: mappings are asked there first, since caches are
   * usually created through it and another node may not have applied a brand-new cache yet.
   */
  current(): Connection | undefined;
}

/** Op 1101 for `cacheIds`, encoded for a connection that did (or did not) negotiate ALL_AFFINITY_MAPPINGS. */
export function cachePartitionsOp(
  cacheIds: readonly number[],
  allAffinityMappings: boolean,
): Operation<CachePartitions> {
  return defineOp<CachePartitions>(
    'cache.partitions',
    Op.CACHE_PARTITIONS,
    (w) => writeCachePartitionsRequest(w, cacheIds, allAffinityMappings),
    (r) => readCachePartitionsResponse(r, allAffinityMappings),
    { needs: 'PARTITION_AWARENESS' },
  );
}

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 5000;

/** The per-node connections of a partition-aware client and the routing decision (see the module comment). */
export class PartitionAwareness {
  /** Chooses primary node ids; exposed for tests and diagnostics (e.g. `router.fetches`). */
  readonly router: PartitionRouter;
  readonly #host: RoutingHost;
  /** Open connections by node id. */
  readonly #byNode = new Map<string, Connection>();
  /** Open connection (or attempt in progress) by "host:port". */
  readonly #byAddress = new Map<string, Connection | Promise<void>>();
  readonly #retryTimers = new Set<NodeJS.Timeout>();
  /** Round-robin cursor for `any()`. */
  #next = 0;

  constructor(host: RoutingHost) {
    this.#host = host;
    this.router = new PartitionRouter((ids) => this.#fetch(ids));
  }

  /**
   * Registers an open connection (also the one the client opened itself, after it set its own
   * `onClose`: that handler still runs, then this one schedules the reconnection).
   */
  adopt(conn: Connection, node: Endpoint): void {
    const address = `${node[0]}:${node[1]}`;
    this.#byAddress.set(address, conn);
    if (conn.nodeId !== undefined) this.#byNode.set(conn.nodeId, conn);
    conn.onAffinityTopologyChange = (major, minor) => this.router.observe({ major, minor });
    const previous = conn.onClose;
    conn.onClose = (err) => {
      previous?.(err);
      this.#lost(conn, node);
    };
  }

  /** Opens connections to every address not connected yet; resolves when each attempt has settled. */
  async connectAll(nodes: readonly Endpoint[]): Promise<void> {
    await Promise.all(nodes.map((n) => this.#connect(n, 0)));
  }

  /**
   * The connection for a keyed operation: the primary node's when known and open; undefined when any
   * connection will do; a Promise while the cache's first mapping is fetched.
   */
  pick(key: OpKey): Connection | undefined | Promise<Connection | undefined> {
    let id: string | undefined | Promise<string | undefined>;
    try {
      id = this.router.nodeFor(key.cacheId, key.key, key.hint, this.#host.binary);
    } catch {
      // A key that cannot be hashed cannot be written either: the default connection's encoder
      // rejects it with the typed UsageError, before anything is sent.
      return undefined;
    }
    if (id === undefined) return undefined;
    if (typeof id === 'string') return this.#open(id);
    return id.then((nodeId) => (nodeId === undefined ? undefined : this.#open(nodeId)));
  }

  /** Some open connection (round robin), or undefined when none is open. */
  any(): Connection | undefined {
    const all = [...this.#byNode.values()].filter((c) => !c.closed);
    if (all.length === 0) return undefined;
    this.#next = (this.#next + 1) % all.length;
    return all[this.#next];
  }

  /** Node ids with an open connection. */
  get connectedNodes(): string[] {
    return [...this.#byNode].filter(([, c]) => !c.closed).map(([id]) => id);
  }

  /** Closes every connection and stops reconnecting. */
  close(): void {
    for (const t of this.#retryTimers) clearTimeout(t);
    this.#retryTimers.clear();
    for (const c of this.#byNode.values()) c.close();
    for (const c of this.#byAddress.values()) if (!(c instanceof Promise)) c.close();
    this.#byNode.clear();
    this.#byAddress.clear();
    this.router.clear();
  }

  #open(nodeId: string): Connection | undefined {
    const c = this.#byNode.get(nodeId);
    if (c === undefined) return undefined;
    if (!c.closed) return c;
    this.#byNode.delete(nodeId);
    return undefined;
  }

  #connect(node: Endpoint, attempt: number): Promise<void> {
    const address = `${node[0]}:${node[1]}`;
    const have = this.#byAddress.get(address);
    if (have instanceof Promise) return have;
    if (have !== undefined && !have.closed) return Promise.resolve();
    const p = this.#host.open(node).then(
      (conn) => {
        if (this.#host.closed()) {
          conn.close();
          return;
        }
        this.adopt(conn, node);
      },
      () => {
        this.#byAddress.delete(address);
        this.#retry(node, attempt + 1);
      },
    );
    this.#byAddress.set(address, p);
    return p;
  }

  #lost(conn: Connection, node: Endpoint): void {
    const address = `${node[0]}:${node[1]}`;
    if (this.#byAddress.get(address) === conn) this.#byAddress.delete(address);
    if (conn.nodeId !== undefined && this.#byNode.get(conn.nodeId) === conn) this.#byNode.delete(conn.nodeId);
    this.#retry(node, 0);
  }

  #retry(node: Endpoint, attempt: number): void {
    if (this.#host.closed()) return;
    const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** attempt);
    const t = setTimeout(() => {
      this.#retryTimers.delete(t);
      if (!this.#host.closed()) void this.#connect(node, attempt);
    }, delay);
    t.unref();
    this.#retryTimers.add(t);
  }

  #fetch(cacheIds: readonly number[]): Promise<CachePartitions> {
    const current = this.#host.current();
    const conn = current !== undefined && !current.closed ? current : this.any();
    if (conn === undefined) return Promise.reject(new Error('no open connection'));
    const op = cachePartitionsOp(cacheIds, conn.hasFeature(Feature.ALL_AFFINITY_MAPPINGS));
    return this.#host.send(conn, op);
  }
}
