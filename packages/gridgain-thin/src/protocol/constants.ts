/**
 * Wire constants of the Ignite 2.x / GridGain 8 thin-client protocol (facts from the Ignite sources:
 * ClientMessageParser, ClientOperation, ProtocolVersion, ProtocolBitmaskFeature, ClientFlag).
 */

/** A protocol version `[major, minor, patch]`. */
export type ProtocolVersion = readonly [number, number, number];

/** Versions this client speaks, highest first. 1.7.1 is GridGain's; Apache Ignite stops at 1.7.0. */
export const SUPPORTED_VERSIONS: readonly ProtocolVersion[] = [
  [1, 7, 1],
  [1, 7, 0],
  [1, 6, 0],
  [1, 5, 0],
  [1, 4, 0],
  [1, 3, 0],
  [1, 2, 0],
  [1, 1, 0],
  [1, 0, 0],
];

export function compareVersions(a: ProtocolVersion, b: ProtocolVersion): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** A protocol version as text, e.g. "1.7.0". */
export function versionString(v: ProtocolVersion): string {
  return `${v[0]}.${v[1]}.${v[2]}`;
}

/** Minimum version of each versioned capability. */
export const VERSION_FEATURES = {
  AUTHENTICATION: [1, 1, 0],
  QUERY_ENTITY_PRECISION_AND_SCALE: [1, 2, 0],
  PARTITION_AWARENESS: [1, 4, 0],
  TRANSACTIONS: [1, 5, 0],
  EXPIRY_POLICY: [1, 6, 0],
  BITMAP_FEATURES: [1, 7, 0],
} as const satisfies Record<string, ProtocolVersion>;

/** Bits of the 1.7 feature mask (bit n = byte n >> 3, bit n & 7). */
export const Feature = {
  USER_ATTRIBUTES: 0,
  EXECUTE_TASK_BY_NAME: 1,
  CLUSTER_API: 2,
  CLUSTER_GROUP_GET_NODES_ENDPOINTS: 3,
  CLUSTER_GROUPS: 4,
  SERVICE_INVOKE: 5,
  DEFAULT_QRY_TIMEOUT: 6,
  QRY_PARTITIONS_BATCH_SIZE: 7,
  BINARY_CONFIGURATION: 8,
  GET_SERVICE_DESCRIPTORS: 9,
  SERVICE_INVOKE_CALLCTX: 10,
  HEARTBEAT: 11,
  DATA_REPLICATION_OPERATIONS: 12,
  ALL_AFFINITY_MAPPINGS: 13,
  INDEX_QUERY: 14,
  INDEX_QUERY_LIMIT: 15,
  SERVICE_TOPOLOGY: 16,
  CACHE_INVOKE: 17,
} as const;

/** Features this client implements and therefore announces in the handshake. */
export const CLIENT_FEATURES: readonly number[] = [
  Feature.CLUSTER_API,
  Feature.CLUSTER_GROUPS,
  Feature.HEARTBEAT,
  Feature.ALL_AFFINITY_MAPPINGS,
];

export function featureMask(bits: readonly number[]): Buffer {
  const max = bits.reduce((m, b) => Math.max(m, b), 0);
  const out = Buffer.alloc((max >> 3) + 1);
  for (const b of bits) out[b >> 3] = (out[b >> 3] ?? 0) | (1 << (b & 7));
  return out;
}

export function hasFeature(mask: Buffer | undefined, bit: number): boolean {
  if (!mask) return false;
  const byte = mask[bit >> 3];
  return byte !== undefined && (byte & (1 << (bit & 7))) !== 0;
}

/** Operation codes. */
export const Op = {
  RESOURCE_CLOSE: 0,
  HEARTBEAT: 1,
  GET_IDLE_TIMEOUT: 2,

  CACHE_GET: 1000,
  CACHE_PUT: 1001,
  CACHE_PUT_IF_ABSENT: 1002,
  CACHE_GET_ALL: 1003,
  CACHE_PUT_ALL: 1004,
  CACHE_GET_AND_PUT: 1005,
  CACHE_GET_AND_REPLACE: 1006,
  CACHE_GET_AND_REMOVE: 1007,
  CACHE_GET_AND_PUT_IF_ABSENT: 1008,
  CACHE_REPLACE: 1009,
  CACHE_REPLACE_IF_EQUALS: 1010,
  CACHE_CONTAINS_KEY: 1011,
  CACHE_CONTAINS_KEYS: 1012,
  CACHE_CLEAR: 1013,
  CACHE_CLEAR_KEY: 1014,
  CACHE_CLEAR_KEYS: 1015,
  CACHE_REMOVE_KEY: 1016,
  CACHE_REMOVE_IF_EQUALS: 1017,
  CACHE_REMOVE_KEYS: 1018,
  CACHE_REMOVE_ALL: 1019,
  CACHE_GET_SIZE: 1020,
  CACHE_LOCAL_PEEK: 1021,

  CACHE_GET_NAMES: 1050,
  CACHE_CREATE_WITH_NAME: 1051,
  CACHE_GET_OR_CREATE_WITH_NAME: 1052,
  CACHE_CREATE_WITH_CONFIGURATION: 1053,
  CACHE_GET_OR_CREATE_WITH_CONFIGURATION: 1054,
  CACHE_GET_CONFIGURATION: 1055,
  CACHE_DESTROY: 1056,
  CACHE_PARTITIONS: 1101,

  QUERY_SCAN: 2000,
  QUERY_SCAN_CURSOR_GET_PAGE: 2001,
  QUERY_SQL: 2002,
  QUERY_SQL_CURSOR_GET_PAGE: 2003,
  QUERY_SQL_FIELDS: 2004,
  QUERY_SQL_FIELDS_CURSOR_GET_PAGE: 2005,

  GET_BINARY_TYPE_NAME: 3000,
  REGISTER_BINARY_TYPE_NAME: 3001,
  GET_BINARY_TYPE: 3002,
  PUT_BINARY_TYPE: 3003,

  TX_START: 4000,
  TX_END: 4001,

  CLUSTER_GET_STATE: 5000,
  CLUSTER_CHANGE_STATE: 5001,
  CLUSTER_GROUP_GET_NODE_IDS: 5100,
} as const;

/** Response flags (protocol ≥ 1.4). */
export const ResponseFlag = {
  ERROR: 1,
  AFFINITY_TOPOLOGY_CHANGED: 2,
  NOTIFICATION: 4,
} as const;

/** Cache request header flags. */
export const CacheFlag = {
  KEEP_BINARY: 0x01,
  TRANSACTIONAL: 0x02,
  WITH_EXPIRY_POLICY: 0x04,
} as const;

/** Handshake opcode and client type. */
export const HANDSHAKE_CODE = 1;
export const THIN_CLIENT_TYPE = 2;

/** Type codes the protocol layer itself writes (the codec owns the rest). */
export const TC_STRING = 9;
export const TC_UUID = 10;
export const TC_BYTE_ARRAY = 12;
export const TC_MAP = 25;
export const TC_NULL = 101;
