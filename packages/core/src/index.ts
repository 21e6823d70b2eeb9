export { awaitWithCallers, type CallSite, captureCallSite, traced, withCallSite } from './callsite.js';
export * from './credentials.js';
export { abortError, type CallOptions, Deadline, raceSignal, sleep, withDeadline } from './deadline.js';
export {
  DIAGNOSTICS_CHANNELS,
  type DiagnosticsDatabase,
  diagnosticsEnabled,
  type ProgressCallback,
  type ProgressEvent,
  ProgressTracker,
  type RequestEndEvent,
  type RequestErrorEvent,
  type RequestStartEvent,
  RequestTrace,
  tracedRequest,
  traceRequest,
} from './diagnostics.js';
export {
  AuthenticationError,
  CancelledError,
  ConnectionError,
  DbwireError,
  type DbwireErrorOptions,
  type ErrorKind,
  isRetryable,
  ProtocolError,
  ServerError,
  TimeoutError,
  UsageError,
} from './errors.js';
export * from './hosts.js';
export * from './oauth.js';
export { redact, redactDeep, registerSecret, unregisterSecret } from './redact.js';
export {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  type RetryOptions,
  type RetryPolicy,
  retry,
  retryPolicy,
  stripUndefined,
} from './retry.js';
export * from './tls.js';
