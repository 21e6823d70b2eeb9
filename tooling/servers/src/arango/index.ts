export { ARANGO_ROOT_PASSWORD, arangoCredentials } from './credentials.js';
export { OpenApiValidator, type Operation, type ValidationResult } from './openapi.js';
export {
  canonicalQuery,
  defaultExchangeFiles,
  defaultOpenApiFile,
  type Exchange,
  loadExchanges,
  parseUrl,
} from './recordings.js';
export {
  type NearestExchange,
  ReplayEngine,
  type ReplayServer,
  type StartOptions,
  startReplayServer,
  type Violation,
} from './replay-server.js';
export {
  asyncJob,
  bigCursor,
  type CursorEntry,
  cursorPaging,
  errorBody,
  failover503,
  type ScriptEntry,
  type ScriptMatch,
  type ScriptResponse,
  type StaticEntry,
  streamTransaction,
} from './scripts.js';
