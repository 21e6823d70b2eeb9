// What test/integration/readme.test.ts provides to the README snippets besides the package's exports
// (which the snippets import): read by scripts/check-readme-types.mjs.
import type { ArangoClient, StandardDatabase } from '@dbwire/arango-client';

declare global {
  /** A client of the test server. */
  const client: ArangoClient;
  /** The wrapper of database "test" (root user). */
  const db: StandardDatabase;
}
