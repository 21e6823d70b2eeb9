import { DocumentParseError } from './errors.js';

/** Anything that names a document: a key, an id (`collection/key`) or a body with `_id` or `_key`. */
export type DocumentSelector = string | { _id?: string; _key?: string; _rev?: string; [k: string]: unknown };

export interface Handle {
  collection: string;
  key: string;
  id: string;
  rev: string | undefined;
}

/**
 * Resolves a selector to collection, key and revision. With `collection` given (collection-level
 * calls), keys are accepted and an `_id` naming another collection is rejected; without it
 * (database/graph-level calls) an `_id` is required. Throws `DocumentParseError` before any I/O.
 */
export function parseHandle(doc: DocumentSelector, collection?: string): Handle {
  if (typeof doc === 'string') {
    const slash = doc.indexOf('/');
    if (slash === -1) {
      if (collection === undefined) throw new DocumentParseError(`bad document ID "${doc}"`);
      if (!doc) throw new DocumentParseError('document key must not be empty');
      return { collection, key: doc, id: `${collection}/${doc}`, rev: undefined };
    }
    return fromId(doc, collection, undefined);
  }
  if (typeof doc !== 'object' || doc === null) {
    throw new DocumentParseError(
      `a document key, ID or body is required, got ${doc === null ? 'null' : typeof doc}`,
    );
  }
  const rev = typeof doc._rev === 'string' ? doc._rev : undefined;
  if (typeof doc._id === 'string') return fromId(doc._id, collection, rev);
  if (doc._id !== undefined) throw new DocumentParseError('field "_id" must be a string');
  if (collection !== undefined && typeof doc._key === 'string' && doc._key) {
    return { collection, key: doc._key, id: `${collection}/${doc._key}`, rev };
  }
  throw new DocumentParseError(
    collection === undefined ? 'field "_id" required' : 'field "_key" or "_id" required',
  );
}

function fromId(id: string, collection: string | undefined, rev: string | undefined): Handle {
  const slash = id.indexOf('/');
  if (slash <= 0 || slash === id.length - 1 || id.indexOf('/', slash + 1) !== -1) {
    throw new DocumentParseError(`bad document ID "${id}"`);
  }
  const col = id.slice(0, slash);
  if (collection !== undefined && col !== collection) {
    throw new DocumentParseError(
      `bad collection name "${col}" in document ID "${id}" (expected "${collection}")`,
    );
  }
  return { collection: col, key: id.slice(slash + 1), id, rev };
}

/** A body for writes: `_id` resolved to `_key` (collection-level) and validated. */
export function toBody<T extends object>(doc: T, collection: string | undefined): T {
  const d = doc as { _id?: unknown; _key?: unknown };
  if (d._id === undefined) return doc;
  const h = parseHandle(doc as DocumentSelector, collection);
  if (d._key === h.key) return doc;
  return { ...doc, _key: h.key };
}

/** Validates a collection or graph name client-side (seed: hyphen, underscore and alphanumerics). */
export function checkName(kind: string, name: unknown): string {
  if (typeof name !== 'string' || !name) {
    throw new DocumentParseError(`${kind} name must be a non-empty string, got ${JSON.stringify(name)}`);
  }
  return name;
}
