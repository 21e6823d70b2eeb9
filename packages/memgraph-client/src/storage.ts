/*
 * `SHOW STORAGE INFO` parsing (pure). Memgraph answers one row per field, two columns (`storage info`,
 * `value`). Memgraph 3.11 split the answer: unscoped `SHOW STORAGE INFO` became instance-level
 * (`memory_tracked`, `global_storage_mode`, ...; no vertex/edge counts) and per-database figures moved
 * to `SHOW STORAGE INFO ON CURRENT DATABASE` / `ON DATABASE x` (`db_memory_tracked`, ...). Older
 * servers answer everything unscoped (`storage_mode`, `memory_tracked`, `vertex_count`, ...). The
 * parser accepts both sets of names.
 */

/** Where to read storage info from. */
export interface StorageInfoOptions {
  /**
   * `undefined`: unscoped `SHOW STORAGE INFO` (instance-level on Memgraph ≥ 3.11, everything before);
   * `'current'`: `ON CURRENT DATABASE`; any other name: `ON DATABASE <name>`.
   */
  on?: string;
}

/** The parsed answer; a field is undefined when this server version does not report it. */
export interface StorageInfo {
  /** The database the figures are about (per-database answers and pre-3.11 servers). */
  name: string | undefined;
  vertexCount: number | undefined;
  edgeCount: number | undefined;
  averageDegree: number | undefined;
  /** Resident memory of the process, in bytes. */
  memoryRes: number | undefined;
  peakMemoryRes: number | undefined;
  /** Memory tracked by Memgraph, bytes: `memory_tracked`, or `db_memory_tracked` per database. */
  memoryTracked: number | undefined;
  allocationLimit: number | undefined;
  diskUsage: number | undefined;
  unreleasedDeltaObjects: number | undefined;
  /** `IN_MEMORY_TRANSACTIONAL`, `IN_MEMORY_ANALYTICAL` or `ON_DISK_TRANSACTIONAL`: `storage_mode` or `global_storage_mode`. */
  storageMode: string | undefined;
  globalIsolationLevel: string | undefined;
  sessionIsolationLevel: string | undefined;
  nextSessionIsolationLevel: string | undefined;
  /** Every field as the server sent it, under its own name. */
  raw: { [field: string]: unknown };
}

/** The Cypher for `options`; a database name must already be validated. */
export function storageInfoQuery(options: StorageInfoOptions = {}): string {
  if (options.on === undefined) return 'SHOW STORAGE INFO';
  if (options.on === 'current') return 'SHOW STORAGE INFO ON CURRENT DATABASE';
  return `SHOW STORAGE INFO ON DATABASE ${options.on}`;
}

const UNITS: { [unit: string]: number } = {
  B: 1,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
  KB: 1000,
  MB: 1000 ** 2,
  GB: 1000 ** 3,
  TB: 1000 ** 4,
};

/** `"43.16MiB"` → bytes; plain numbers pass through; anything else → undefined. */
export function parseSize(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*([KMGT]i?B|B)?\s*$/.exec(value);
  if (!m) return undefined;
  const factor = m[2] === undefined ? 1 : UNITS[m[2]];
  return factor === undefined ? undefined : Math.round(Number(m[1]) * factor);
}

function num(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

function str(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

/** Parses the rows of `SHOW STORAGE INFO` (each `[field, value]`). */
export function parseStorageInfo(rows: Iterable<readonly [unknown, unknown]>): StorageInfo {
  const raw: { [field: string]: unknown } = {};
  for (const [k, v] of rows) raw[String(k)] = v;
  const first = (...names: string[]): unknown => {
    for (const n of names) if (raw[n] !== undefined) return raw[n];
    return undefined;
  };
  return {
    name: str(first('name', 'database_name')),
    vertexCount: num(first('vertex_count')),
    edgeCount: num(first('edge_count')),
    averageDegree: num(first('average_degree')),
    memoryRes: parseSize(first('memory_res', 'memory_usage')),
    peakMemoryRes: parseSize(first('peak_memory_res')),
    memoryTracked: parseSize(first('memory_tracked', 'db_memory_tracked', 'memory_allocated')),
    allocationLimit: parseSize(first('allocation_limit')),
    diskUsage: parseSize(first('disk_usage')),
    unreleasedDeltaObjects: num(first('unreleased_delta_objects')),
    storageMode: str(first('storage_mode', 'global_storage_mode')),
    globalIsolationLevel: str(first('global_isolation_level')),
    sessionIsolationLevel: str(first('session_isolation_level')),
    nextSessionIsolationLevel: str(first('next_session_isolation_level')),
    raw,
  };
}
