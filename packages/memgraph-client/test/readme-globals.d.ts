// What test/integration/readme.test.ts provides to every README snippet besides the package's
// exports (which the snippets import): read by scripts/check-readme-types.mjs.
import type { Driver } from '@dbwire/memgraph-client';

declare global {
  /** A driver connected to the test server. */
  const driver: Driver;
}
