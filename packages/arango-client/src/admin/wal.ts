/**
 * Write-ahead log (`sysDb.wal`, seed: "Write-Ahead Log (WAL)"). `properties`, `configure` and
 * `transactions` are the MMFiles-era endpoints (`/_admin/wal/*`) the seed documents; `tickRanges`,
 * `lastTick` and `tail` are the RocksDB WAL access API (`/_api/wal/*`) of current servers.
 */
import type { CallOptions } from '@dbwire/core';
import { ApiGroup } from '../aql.js';
import { type ArangoRequest, type ArangoResponse, serverError } from '../connection.js';
import type { ServerErrorClass } from '../errors.js';
import {
  WALConfigureError,
  WALFlushError,
  WALLastTickError,
  WALPropertiesError,
  WALTailError,
  WALTickRangesError,
  WALTransactionListError,
} from './errors.js';
import { pick, stripEnvelope } from './util.js';

/** WAL properties in the seed's names (`configure` takes the same). */
export interface WALProperties {
  /** Allow operations bigger than one log file (`allowOversizeEntries`). */
  oversizedOps?: boolean;
  /** Size of each log file in bytes (`logfileSize`). */
  logSize?: number;
  /** Maximum number of historic log files kept (`historicLogfiles`). */
  historicLogs?: number;
  /** Maximum number of reserve log files allocated (`reserveLogfiles`). */
  reserveLogs?: number;
  /** Milliseconds between automatic syncs (read only). */
  syncInterval?: number;
  /** Milliseconds a write-throttled operation waits before it is aborted. */
  throttleWait?: number;
  /** Pending garbage-collector operations that start write-throttling (`throttleWhenPending`); 0 turns it off. */
  throttleLimit?: number;
}

const WAL_FIELDS = {
  oversizedOps: 'allowOversizeEntries',
  logSize: 'logfileSize',
  historicLogs: 'historicLogfiles',
  reserveLogs: 'reserveLogfiles',
  syncInterval: 'syncInterval',
  throttleWait: 'throttleWait',
  throttleLimit: 'throttleWhenPending',
} as const;

function formatProperties(body: Record<string, any>): WALProperties {
  const out: Record<string, unknown> = {};
  for (const [seed, server] of Object.entries(WAL_FIELDS))
    if (body[server] !== undefined) out[seed] = body[server];
  return out;
}

/** Options of `tail` (seed: `tail(lower, upper, last_scanned, all_databases, ...)`). */
export interface WALTailOptions extends CallOptions {
  /** Exclusive lower bound tick (`from`); on later calls, the previous `lastIncluded`. */
  lower?: string | number;
  /** Inclusive upper bound tick (`to`). */
  upper?: string | number;
  /** The previous answer's `lastScanned`, to resume inside a large transaction. */
  lastScanned?: string | number;
  /** Operations of all databases (`global`; `_system` only). */
  allDatabases?: boolean;
  /** Approximate maximum size of the answer in bytes. */
  chunkSize?: number;
  /** Id of the tailing client, so the server keeps the WAL it still needs. */
  syncerId?: number;
  /** Id of the tailing client machine. */
  serverId?: number;
  /** Short description of the client, for the server log. */
  clientInfo?: string;
  /** Pre-3.x barrier; sent only when given. */
  barrierId?: number;
  /** Parse the answer's JSON lines into objects (`content` is then an array). Default false. */
  deserialize?: boolean;
}

/** What `wal.tail` and `replication.dump` return: the replication headers and the content. */
export interface ReplicationChunk<C = string | Array<Record<string, unknown>>> {
  /** More data is available: call again from `lastIncluded`. */
  checkMore: boolean;
  /** The requested start tick is still in the log (no gap). */
  fromPresent: boolean;
  /** Tick of the last operation in `content` (0 when empty). */
  lastIncluded: string | undefined;
  /** Last tick the server looked at; pass it back as `lastScanned`. */
  lastScanned: string | undefined;
  /** Last tick the server has written. */
  lastTick: string | undefined;
  /** JSON-lines text, or parsed objects with `deserialize`. */
  content: C;
}

/** Parses JSON-lines text; a body that is one (pretty-printed) JSON value is accepted too. Pure. */
export function parseJsonLines(text: string): Array<Record<string, unknown>> {
  if (!text.trim()) return [];
  try {
    return text
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line));
  } catch {
    const whole = JSON.parse(text);
    return Array.isArray(whole) ? whole : [whole];
  }
}

/**
 * Decoder of a WAL tail or replication dump answer (200 with content, 204 empty): the
 * `x-arango-replication-*` headers and the body. Pure apart from the thrown error.
 */
export function replicationChunkDecoder(
  Err: ServerErrorClass,
  deserialize: boolean | undefined,
): (res: ArangoResponse, req: ArangoRequest) => ReplicationChunk {
  return (res, req) => {
    if (res.status !== 200 && res.status !== 204) throw serverError(Err, req, res);
    const h = (name: string): string | undefined => {
      const v = res.headers[`x-arango-replication-${name}`];
      return Array.isArray(v) ? v[0] : v;
    };
    const text = typeof res.body === 'string' ? res.body : res.rawBody;
    return {
      checkMore: h('checkmore') === 'true',
      fromPresent: h('frompresent') === 'true',
      lastIncluded: h('lastincluded'),
      lastScanned: h('lastscanned'),
      lastTick: h('lasttick'),
      content: deserialize ? parseJsonLines(text) : text,
    };
  };
}

/** The WAL API wrapper (`sysDb.wal`; seed: `WAL`). Admin users on `_system` only. */
export class WAL extends ApiGroup {
  /** WAL properties (seed: `properties`; GET /_admin/wal/properties, MMFiles-era servers). */
  async properties(options?: CallOptions): Promise<WALProperties> {
    return this._call(
      this._req('GET', '/_admin/wal/properties'),
      WALPropertiesError,
      options,
      formatProperties,
    );
  }

  /**
   * Sets WAL properties (seed: `configure(oversized_ops, log_size, historic_logs, reserve_logs,
   * throttle_wait, throttle_limit)`); returns the new properties.
   */
  async configure(o: WALProperties & CallOptions = {}): Promise<WALProperties> {
    return this._call(
      this._req('PUT', '/_admin/wal/properties', { body: pick(o, WAL_FIELDS) }),
      WALConfigureError,
      o,
      formatProperties,
    );
  }

  /** Running transactions and the WAL files they pin (seed: `transactions`). */
  async transactions(
    options?: CallOptions,
  ): Promise<{ count: number; lastCollected: unknown; lastSealed: unknown }> {
    return this._call(
      this._req('GET', '/_admin/wal/transactions'),
      WALTransactionListError,
      options,
      (b) => ({
        count: b.runningTransactions,
        lastCollected: b.minLastCollected,
        lastSealed: b.minLastSealed,
      }),
    );
  }

  /**
   * Flushes the WAL (seed: `flush(sync=True, garbage_collect=True)`): `sync` waits for the disk,
   * `garbageCollect` for the collector. Returns true.
   */
  async flush(o: CallOptions & { sync?: boolean; garbageCollect?: boolean } = {}): Promise<boolean> {
    return this._call(
      this._req('PUT', '/_admin/wal/flush', {
        query: { waitForSync: o.sync ?? true, waitForCollector: o.garbageCollect ?? true },
      }),
      WALFlushError,
      o,
      () => true,
    );
  }

  /** The tick range the WAL still holds: `{ tickMin, tickMax, time, server }` (seed: `tick_ranges`). */
  async tickRanges(options?: CallOptions): Promise<Record<string, any>> {
    return this._call(this._req('GET', '/_api/wal/range'), WALTickRangesError, options, stripEnvelope);
  }

  /** The last tick written: `{ tick, time, server }` (seed: `last_tick`). */
  async lastTick(options?: CallOptions): Promise<Record<string, any>> {
    return this._call(this._req('GET', '/_api/wal/lastTick'), WALLastTickError, options, stripEnvelope);
  }

  /**
   * Recent WAL operations (seed: `tail`): the content (JSON lines, or objects with `deserialize`)
   * and the replication headers that say where to continue.
   */
  async tail(o: WALTailOptions = {}): Promise<ReplicationChunk> {
    const query = pick(o, {
      lower: 'from',
      upper: 'to',
      lastScanned: 'lastScanned',
      allDatabases: 'global',
      chunkSize: 'chunkSize',
      syncerId: 'syncerId',
      serverId: 'serverId',
      clientInfo: 'clientInfo',
      barrierId: 'barrierId',
    }) as Record<string, string | number | boolean>;
    const req = this._req('GET', '/_api/wal/tail', { query });
    const decode = replicationChunkDecoder(WALTailError, o.deserialize);
    return this._run(req, (res) => decode(res, req), o);
  }
}
