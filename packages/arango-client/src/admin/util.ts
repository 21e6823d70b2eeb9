/** Small pure helpers shared by the administration modules. */
import { ArangoClientError } from '../errors.js';

/** The answer without ArangoDB's envelope fields `error` and `code`. */
export function stripEnvelope(body: any): any {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const { error: _e, code: _c, ...rest } = body;
  return rest;
}

/**
 * An object of the entries whose value is not undefined, keys renamed through `names` (seed's
 * camelCase option → server field). Options absent from `names` are left out.
 */
export function pick<O extends object>(
  options: O | undefined,
  names: { [K in keyof O]?: string },
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!options) return out;
  for (const key in names) {
    const v = options[key];
    const name = names[key];
    if (v !== undefined && name !== undefined) out[name] = v;
  }
  return out;
}

/** A path segment: checked non-empty and percent-encoded (user names hold `@`, mounts `/`). */
export function segment(kind: string, value: unknown): string {
  if ((typeof value !== 'string' && typeof value !== 'number') || value === '') {
    throw new ArangoClientError(`${kind} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return encodeURIComponent(String(value));
}

/** Checks that a required string option is present before any I/O. */
export function required(kind: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new ArangoClientError(`${kind} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value;
}
