import { arangoReplayServers } from './servers/arango-replay.js';
import { boltServers } from './servers/bolt.js';
import { dgraphServers } from './servers/dgraph.js';
import { igniteServers } from './servers/ignite.js';
import { weaviateServers } from './servers/weaviate.js';
import { weaviateOidcServers } from './servers/weaviate-oidc.js';
import type { ServerDef, ServerName } from './types.js';

const all: ServerDef[] = [
  ...igniteServers,
  ...boltServers,
  ...dgraphServers,
  ...weaviateServers,
  ...weaviateOidcServers,
  ...arangoReplayServers,
];

export const registry: ReadonlyMap<ServerName, ServerDef> = new Map(all.map((d) => [d.name, d]));

export const serverNames: ServerName[] = all.map((d) => d.name);

export function serverDef(name: string): ServerDef {
  const def = registry.get(name as ServerName);
  if (!def) throw new Error(`unknown server "${name}"; known: ${serverNames.join(', ')}`);
  return def;
}
