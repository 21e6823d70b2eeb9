import type { Client } from '@dbwire/weaviate-client';

declare global {
  /** The client the README test harness provides to snippets that do not create their own. */
  const client: Client;
}
