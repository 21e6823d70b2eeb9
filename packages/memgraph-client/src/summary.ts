import type { ResultSummary as DriverSummary, Notification, Record } from 'neo4j-driver-lite';

/**
 * What the server reported about a query, in the seed's (Python driver's) shape: `summary.counters`
 * with plain numeric fields, `summary.query` the query text, `summary.queryType`, timings in ms.
 */

/** The query counters of a summary (Python `SummaryCounters`); zero for read queries. */
export interface SummaryCounters {
  readonly nodesCreated: number;
  readonly nodesDeleted: number;
  readonly relationshipsCreated: number;
  readonly relationshipsDeleted: number;
  readonly propertiesSet: number;
  readonly labelsAdded: number;
  readonly labelsRemoved: number;
  readonly indexesAdded: number;
  readonly indexesRemoved: number;
  readonly constraintsAdded: number;
  readonly constraintsRemoved: number;
  readonly systemUpdates: number;
  /** True when any of the counters above (except systemUpdates) is non-zero. */
  readonly containsUpdates: boolean;
  /** True when systemUpdates is non-zero. */
  readonly containsSystemUpdates: boolean;
}

/** `r` read, `rw` read-write, `w` write, `s` schema write, or undefined when the server did not say. */
export type QueryType = 'r' | 'rw' | 'w' | 's' | undefined;

/** The summary of one query (Python `ResultSummary`). */
export interface ResultSummary {
  /** The query text as sent. */
  readonly query: string;
  readonly queryType: QueryType;
  readonly counters: SummaryCounters;
  /** Warnings and hints from the server (deprecated syntax, cartesian products, ...). */
  readonly notifications: readonly Notification[];
  /** Milliseconds until the first record was available, when the server reports it. */
  readonly resultAvailableAfter: number | undefined;
  /** Milliseconds until the last record was consumed, when the server reports it. */
  readonly resultConsumedAfter: number | undefined;
  /** The database the query ran against, when the server reports it. */
  readonly database: string | undefined;
  /** The server's address and agent string (e.g. `Memgraph/3.2.0` or `Neo4j/5.26.0`). */
  readonly server: { readonly address: string | undefined; readonly agent: string | undefined };
}

/** `{ records, summary, keys }`: what `executeQuery` returns (Python `EagerResult`). */
export interface EagerResult {
  readonly records: Record[];
  readonly summary: ResultSummary;
  readonly keys: string[];
}

function toMs(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return v;
  const n = Number(v as { toNumber?: () => number });
  return typeof (v as { toNumber?: unknown }).toNumber === 'function'
    ? (v as { toNumber: () => number }).toNumber()
    : Number.isFinite(n)
      ? n
      : undefined;
}

/** Converts neo4j-driver's summary to the seed's shape. */
export function summaryFromDriver(s: DriverSummary): ResultSummary {
  const u = s.counters.updates();
  const counters: SummaryCounters = {
    nodesCreated: u.nodesCreated,
    nodesDeleted: u.nodesDeleted,
    relationshipsCreated: u.relationshipsCreated,
    relationshipsDeleted: u.relationshipsDeleted,
    propertiesSet: u.propertiesSet,
    labelsAdded: u.labelsAdded,
    labelsRemoved: u.labelsRemoved,
    indexesAdded: u.indexesAdded,
    indexesRemoved: u.indexesRemoved,
    constraintsAdded: u.constraintsAdded,
    constraintsRemoved: u.constraintsRemoved,
    systemUpdates: s.counters.systemUpdates(),
    containsUpdates: s.counters.containsUpdates(),
    containsSystemUpdates: s.counters.containsSystemUpdates(),
  };
  return {
    query: s.query.text,
    queryType: (s.queryType ?? undefined) as QueryType,
    counters,
    notifications: s.notifications ?? [],
    resultAvailableAfter: toMs(s.resultAvailableAfter),
    resultConsumedAfter: toMs(s.resultConsumedAfter),
    database: s.database?.name ?? undefined,
    server: { address: s.server?.address, agent: s.server?.agent },
  };
}
