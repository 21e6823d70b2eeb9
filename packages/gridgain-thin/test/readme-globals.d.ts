// What the README snippets take from their surroundings besides the package's exports (which they
// import): read by scripts/check-readme-types.mjs. tooling/demo/src/gridgain.ts runs the snippets
// with a connected client.
import type { Client } from '@dbwire/gridgain-thin';

declare global {
  /** A Client connected to the server (`new Client()` + `connect()`). */
  const client: Client;
}
