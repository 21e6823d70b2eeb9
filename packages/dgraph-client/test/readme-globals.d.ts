// What test/integration/readme.test.ts provides to every README snippet besides the package's
// exports (which the snippets import): read by scripts/check-readme-types.mjs.
import type { DgraphClient, Txn } from '@dbwire/dgraph-client';

declare global {
  /** A DgraphClient on the test server. */
  const client: DgraphClient;
  /** A fresh transaction of `client`. */
  const txn: Txn;
  /** Host and port of a TLS reverse proxy in front of the test server. */
  const GRPC_HOST: string;
  const GRPC_PORT: number;
}
