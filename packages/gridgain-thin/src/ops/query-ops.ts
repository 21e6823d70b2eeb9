/**
 * Query operations as pure definitions: SQL fields (2004, pages 2005), SQL over a cache's value type
 * (2002, pages 2003), scan (2000, pages 2001) and closing a server cursor (0 RESOURCE_CLOSE).
 *
 * A first response is `long cursorId | [SQL fields: int columns | [names]] | page`; a page is
 * `int rowCount | values | bool hasMore`. When `hasMore` is false the server has already closed the
 * cursor; otherwise the client must fetch pages from the same connection or close it.
 */
import { type BinaryReader, readValue, resolveValue, writeValue } from '../binary/index.js';
import { ParseError } from '../errors.js';
import { Op } from '../protocol/constants.js';
import { type CacheTarget, defineOp, type OpContext, type Operation, writeCacheHeader } from './operation.js';

/** One page of a cursor. */
export interface Page<R> {
  readonly rows: R[];
  readonly hasMore: boolean;
}

/** The first answer of a query: the cursor id (meaningful while `hasMore`), its columns and first page. */
export interface FirstPage<R> extends Page<R> {
  readonly cursorId: bigint;
  /** SQL fields: number of columns (0 for scan and SQL-over-type). */
  readonly columnCount: number;
  /** SQL fields with `includeFieldNames`: the column names. */
  readonly fieldNames: string[] | undefined;
}

/** Statement types of SQL_FIELDS (JdbcStatementType ordinals). */
export const StatementType = { ANY: 0, SELECT: 1, UPDATE: 2 } as const;

/** What SQL_FIELDS sends, in wire order. */
export interface SqlFieldsRequest {
  /** Cache whose schema the query runs in; 0 for none (then `schema`). */
  readonly cacheId: number;
  readonly schema: string | null;
  readonly pageSize: number;
  readonly maxRows: number;
  readonly query: string;
  readonly args: readonly unknown[];
  readonly statementType: number;
  readonly distributedJoins: boolean;
  readonly local: boolean;
  readonly replicatedOnly: boolean;
  readonly enforceJoinOrder: boolean;
  readonly collocated: boolean;
  readonly lazy: boolean;
  /** Server-side query timeout in ms (0: none). */
  readonly timeoutMs: number;
  readonly includeFieldNames: boolean;
}

function readCount(r: BinaryReader, what: string, minBytes: number): number {
  const n = r.readInt32();
  if (n < 0 || n * minBytes > r.remaining) throw new ParseError(`bad ${what} count ${n}`);
  return n;
}

/**
 * Reads `int rowCount | rowCount × columns values | bool hasMore` into rows of `columns` cells
 * (`columns` 0: one value per row). Complex objects are resolved (metadata fetched) before return.
 */
function readRows(
  r: BinaryReader,
  ctx: OpContext,
  columns: number,
): Page<unknown[]> | Promise<Page<unknown[]>> {
  const n = readCount(r, 'row', 1);
  const rows: unknown[][] = new Array(n);
  let objects = false;
  for (let i = 0; i < n; i++) {
    const row: unknown[] = new Array(columns);
    for (let c = 0; c < columns; c++) {
      const v = readValue(r, ctx.binary);
      if (v !== null && typeof v === 'object') objects = true;
      row[c] = v;
    }
    rows[i] = row;
  }
  const hasMore = r.readBool();
  return finish({ rows, hasMore }, objects, ctx);
}

/** Reads `int count | (key, value) × count | bool hasMore` into `[key, value]` pairs. */
function readPairs(
  r: BinaryReader,
  ctx: OpContext,
): Page<[unknown, unknown]> | Promise<Page<[unknown, unknown]>> {
  const n = readCount(r, 'entry', 2);
  const rows: [unknown, unknown][] = new Array(n);
  let objects = false;
  for (let i = 0; i < n; i++) {
    const k = readValue(r, ctx.binary);
    const v = readValue(r, ctx.binary);
    if ((k !== null && typeof k === 'object') || (v !== null && typeof v === 'object')) objects = true;
    rows[i] = [k, v];
  }
  const hasMore = r.readBool();
  return finish({ rows, hasMore }, objects, ctx);
}

function finish<R>(page: Page<R>, objects: boolean, ctx: OpContext): Page<R> | Promise<Page<R>> {
  if (!objects) return page;
  const resolved = resolveValue(page.rows, ctx.binary);
  return resolved instanceof Promise ? resolved.then(() => page) : page;
}

function withCursor<R>(
  cursorId: bigint,
  columnCount: number,
  fieldNames: string[] | undefined,
  page: Page<R> | Promise<Page<R>>,
): FirstPage<R> | Promise<FirstPage<R>> {
  const build = (p: Page<R>): FirstPage<R> => ({ ...p, cursorId, columnCount, fieldNames });
  return page instanceof Promise ? page.then(build) : build(page);
}

/** SQL_FIELDS (2004): runs a statement and returns its first page. */
export function sqlFieldsOp(q: SqlFieldsRequest): Operation<FirstPage<unknown[]>> {
  return defineOp(
    'sql',
    Op.QUERY_SQL_FIELDS,
    (w, ctx) => {
      w.writeInt32(q.cacheId);
      w.writeInt8(0); // flags: SQL is not transactional in Ignite 2 (H2 engine)
      if (q.schema === null) w.writeInt8(101);
      else w.writeUtf8String(q.schema);
      w.writeInt32(q.pageSize);
      w.writeInt32(q.maxRows);
      w.writeUtf8String(q.query);
      w.writeInt32(q.args.length);
      for (const a of q.args) writeValue(w, a, undefined, ctx.binary);
      w.writeInt8(q.statementType);
      w.writeBool(q.distributedJoins);
      w.writeBool(q.local);
      w.writeBool(q.replicatedOnly);
      w.writeBool(q.enforceJoinOrder);
      w.writeBool(q.collocated);
      w.writeBool(q.lazy);
      w.writeInt64(q.timeoutMs);
      w.writeBool(q.includeFieldNames);
    },
    (r, ctx) => {
      const cursorId = r.readInt64();
      const columns = readCount(r, 'column', 0);
      let names: string[] | undefined;
      if (q.includeFieldNames) {
        names = new Array(columns);
        for (let i = 0; i < columns; i++) names[i] = r.readUtf8String() ?? '';
      }
      return withCursor(cursorId, columns, names, readRows(r, ctx, columns));
    },
  );
}

/** SQL_FIELDS_CURSOR_GET_PAGE (2005): the next page of an open SQL fields cursor. */
export function sqlFieldsPageOp(cursorId: bigint, columnCount: number): Operation<Page<unknown[]>> {
  return defineOp(
    'sql.page',
    Op.QUERY_SQL_FIELDS_CURSOR_GET_PAGE,
    (w) => w.writeInt64(cursorId),
    (r, ctx) => readRows(r, ctx, columnCount),
  );
}

/** What QUERY_SQL (2002, SQL over a cache's value type) sends. */
export interface SqlQueryRequest {
  readonly typeName: string;
  readonly query: string;
  readonly args: readonly unknown[];
  readonly distributedJoins: boolean;
  readonly local: boolean;
  readonly replicatedOnly: boolean;
  readonly pageSize: number;
  readonly timeoutMs: number;
}

/** QUERY_SQL (2002): `SELECT` over a value type of a cache; rows are `[key, value]` entries. */
export function sqlQueryOp(
  target: CacheTarget,
  q: SqlQueryRequest,
): Operation<FirstPage<[unknown, unknown]>> {
  return defineOp(
    'cache.selectRow',
    Op.QUERY_SQL,
    (w, ctx) => {
      writeCacheHeader(w, target, { ...ctx, txId: undefined });
      w.writeUtf8String(q.typeName);
      w.writeUtf8String(q.query);
      w.writeInt32(q.args.length);
      for (const a of q.args) writeValue(w, a, undefined, ctx.binary);
      w.writeBool(q.distributedJoins);
      w.writeBool(q.local);
      w.writeBool(q.replicatedOnly);
      w.writeInt32(q.pageSize);
      w.writeInt64(q.timeoutMs);
    },
    (r, ctx) => {
      const cursorId = r.readInt64();
      return withCursor(cursorId, 0, undefined, readPairs(r, ctx));
    },
  );
}

/** QUERY_SQL_CURSOR_GET_PAGE (2003). */
export function sqlQueryPageOp(cursorId: bigint): Operation<Page<[unknown, unknown]>> {
  return defineOp(
    'cache.selectRow.page',
    Op.QUERY_SQL_CURSOR_GET_PAGE,
    (w) => w.writeInt64(cursorId),
    readPairs,
  );
}

/** What QUERY_SCAN (2000) sends (no filter: filters are server-side Java classes). */
export interface ScanRequest {
  readonly pageSize: number;
  /** A partition number, or -1 for all partitions. */
  readonly partition: number;
  readonly local: boolean;
}

/** QUERY_SCAN (2000): `filter (null) | int pageSize | int partition | bool local`. */
export function scanOp(target: CacheTarget, q: ScanRequest): Operation<FirstPage<[unknown, unknown]>> {
  return defineOp(
    'cache.scan',
    Op.QUERY_SCAN,
    (w, ctx) => {
      writeCacheHeader(w, target, { ...ctx, txId: undefined });
      w.writeInt8(101); // no filter object
      w.writeInt32(q.pageSize);
      w.writeInt32(q.partition);
      w.writeBool(q.local);
    },
    (r, ctx) => {
      const cursorId = r.readInt64();
      return withCursor(cursorId, 0, undefined, readPairs(r, ctx));
    },
  );
}

/** QUERY_SCAN_CURSOR_GET_PAGE (2001). */
export function scanPageOp(cursorId: bigint): Operation<Page<[unknown, unknown]>> {
  return defineOp('cache.scan.page', Op.QUERY_SCAN_CURSOR_GET_PAGE, (w) => w.writeInt64(cursorId), readPairs);
}

/** RESOURCE_CLOSE (0): frees a server cursor that still has rows. */
export function resourceCloseOp(resourceId: bigint): Operation<void> {
  return defineOp<void>('cursor.close', Op.RESOURCE_CLOSE, (w) => w.writeInt64(resourceId), undefined);
}
