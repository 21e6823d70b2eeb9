import { ConfigurationError } from './errors.js';

/*
 * Checks made before anything is sent: a query is a non-empty string, parameters are a plain object,
 * and `USE DATABASE` appears only where Memgraph accepts it (never inside a transaction, never in a
 * session pinned to a database; memgraph/documentation#594).
 */

const USE_DATABASE = /^\s*USE\s+DATABASE\b/i;
/** Database names accepted unquoted: a letter or underscore, then letters, digits or underscores. */
const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Where a query is about to run. */
export interface QueryContext {
  /** The database the session or call is pinned to. */
  database?: string | undefined;
  /** True inside an explicit or managed transaction. */
  inTransaction?: boolean;
}

/** Throws a typed UsageError (ConfigurationError) when the query cannot be sent as it is. */
export function checkQuery(query: unknown, parameters: unknown, context: QueryContext = {}): void {
  if (typeof query !== 'string' || query.trim() === '') {
    throw new ConfigurationError('the query must be a non-empty string', { code: 'ERR_INVALID_QUERY' });
  }
  if (
    parameters !== undefined &&
    parameters !== null &&
    (typeof parameters !== 'object' || Array.isArray(parameters))
  ) {
    throw new ConfigurationError('query parameters must be an object of name → value', {
      code: 'ERR_INVALID_PARAMETERS',
    });
  }
  if (USE_DATABASE.test(query)) {
    if (context.inTransaction) {
      throw new ConfigurationError(
        'USE DATABASE cannot run inside a transaction; open a session with { database } instead',
        { code: 'ERR_USE_DATABASE' },
      );
    }
    if (context.database !== undefined) {
      throw new ConfigurationError(
        `USE DATABASE is disabled in a session pinned to database "${context.database}"; open another session with { database } instead`,
        { code: 'ERR_USE_DATABASE' },
      );
    }
  }
}

/** Throws unless `name` is a valid Memgraph database name (it is spliced into Cypher, unquoted). */
export function checkDatabaseName(name: unknown): string {
  if (typeof name !== 'string' || !DATABASE_NAME.test(name)) {
    throw new ConfigurationError(
      `invalid database name ${JSON.stringify(name)}: use letters, digits or '_', starting with a letter or '_'`,
      { code: 'ERR_INVALID_DATABASE_NAME' },
    );
  }
  return name;
}
