/** The servers tooling/servers can run. Variants are separate names so suites can ask for exactly one. */
export type ServerName =
  | 'ignite'
  | 'ignite-cluster'
  | 'ignite-secure'
  | 'bolt'
  | 'bolt-auth'
  | 'dgraph'
  | 'dgraph-acl'
  | 'dgraph-tls'
  | 'weaviate'
  | 'weaviate-auth'
  | 'weaviate-oidc'
  | 'weaviate-scratch'
  | 'arango-replay';

/** What a test needs to reach a running server. `external` is true in docker mode (env vars set). */
export interface ServerInfo {
  name: ServerName;
  external: boolean;
  /** host:port pairs or URLs, first is the primary endpoint. */
  endpoints: string[];
  /** Credentials, certificate paths and any server-specific facts the suites need. */
  [key: string]: unknown;
}

export type Logger = (line: string) => void;

export interface ServerDef {
  name: ServerName;
  description: string;
  /** Env vars that point at an external server; when one is set, nothing is started (docker mode). */
  envVars: string[];
  /** Info for an external server from the env vars, or undefined when none is set. */
  external(): ServerInfo | undefined;
  /** Downloads/builds what the server needs into the cache; idempotent and fast when cached. */
  provision(log: Logger): Promise<void>;
  /** Starts the processes (detached, recorded with `recordPid`); returns once spawned. */
  start(log: Logger): Promise<void>;
  /** A real readiness probe (protocol handshake or health endpoint), never a sleep. */
  ready(): Promise<boolean>;
  /** How long `ready()` may take to turn true after `start()`. */
  readyTimeoutMs: number;
  /** Info for the locally started server. */
  info(): ServerInfo;
  /** Optional post-ready step (activate a cluster, set a password); must be idempotent. */
  afterReady?(log: Logger): Promise<void>;
}
