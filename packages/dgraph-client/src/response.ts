import { ProtocolError } from '@dbwire/core';
import { type api, u64 } from './methods.js';
import type { TxnContext } from './types.js';

/** Server-side timings of a request, in nanoseconds (pydgraph `Response.latency`). */
export interface Latency {
  parsingNs: number;
  processingNs: number;
  encodingNs: number;
  assignTimestampNs: number;
  totalNs: number;
}

/**
 * The answer to a query, mutation or upsert (pydgraph's `Response`). `json` is the result as a JSON
 * string (so seed code `JSON.parse(res.json)` works unchanged); `data` is the same, parsed once and
 * typed by `query<T>()`. Both are computed lazily from the raw bytes (`jsonBytes`), so a caller that
 * only needs `uids` or the bytes pays for no decoding.
 */
export class Response<T = any> {
  readonly #msg: api.Response;
  #json: string | undefined;
  #data: T | undefined;
  #parsed = false;

  constructor(msg: api.Response) {
    this.#msg = msg;
  }

  /** The raw JSON bytes as the server sent them. */
  get jsonBytes(): Uint8Array {
    return this.#msg.json;
  }

  /** The result as a JSON string (empty string when the server sent none, e.g. for RDF answers). */
  get json(): string {
    if (this.#json === undefined) {
      const b = this.#msg.json;
      this.#json = b.length === 0 ? '' : Buffer.from(b.buffer, b.byteOffset, b.length).toString('utf8');
    }
    return this.#json;
  }

  /** The result parsed from JSON (once); `{}` when the server sent no JSON. */
  get data(): T {
    if (!this.#parsed) {
      const text = this.json;
      try {
        this.#data = (text === '' ? {} : JSON.parse(text)) as T;
      } catch (err) {
        throw new ProtocolError(`Dgraph answered with malformed JSON: ${(err as Error).message}`, {
          cause: err,
        });
      }
      this.#parsed = true;
    }
    return this.#data as T;
  }

  /** RDF answer for `respFormat: 'RDF'` queries. */
  get rdf(): string {
    const b = this.#msg.rdf;
    return b.length === 0 ? '' : Buffer.from(b.buffer, b.byteOffset, b.length).toString('utf8');
  }

  /** Blank-node name → assigned uid (e.g. `{ alice: '0x2a' }`) after a mutation. */
  get uids(): Record<string, string> {
    return this.#msg.uids;
  }

  get txn(): TxnContext | undefined {
    return this.#msg.txn ? toTxnContext(this.#msg.txn) : undefined;
  }

  get latency(): Latency | undefined {
    const l = this.#msg.latency;
    if (!l) return undefined;
    return {
      parsingNs: u64(l.parsingNs),
      processingNs: u64(l.processingNs),
      encodingNs: u64(l.encodingNs),
      assignTimestampNs: u64(l.assignTimestampNs),
      totalNs: u64(l.totalNs),
    };
  }

  /** Per-predicate counts of uids touched (`_total` included). */
  get metrics(): { numUids: Record<string, number> } | undefined {
    const m = this.#msg.metrics;
    if (!m) return undefined;
    const numUids: Record<string, number> = {};
    for (const [k, v] of Object.entries(m.numUids ?? {})) numUids[k] = u64(v);
    return { numUids };
  }

  /** Response headers (`hdrs`) the server attached, if any. */
  get hdrs(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(this.#msg.hdrs)) out[k] = v.value ?? [];
    return out;
  }

  /** The decoded protobuf message itself. */
  get message(): api.Response {
    return this.#msg;
  }

  /** A plain view for logging and `JSON.stringify` (the parsed data, uids, txn, latency). */
  toJSON(): Record<string, unknown> {
    return { json: this.json, uids: this.uids, txn: this.txn, latency: this.latency };
  }
}

/** The public TxnContext of a decoded protobuf one (uint64 fields as numbers). */
export function toTxnContext(t: api.ITxnContext): TxnContext {
  return {
    startTs: u64(t.startTs),
    commitTs: u64(t.commitTs),
    aborted: Boolean(t.aborted),
    keys: t.keys ?? [],
    preds: t.preds ?? [],
    hash: t.hash ?? '',
  };
}
