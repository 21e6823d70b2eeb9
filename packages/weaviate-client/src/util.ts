/**
 * Utilities of the seed's `weaviate.util`: `generateUuid5` (byte-identical to the Python client's
 * `generate_uuid5`, which hashes Python's `str()` of the identifier), uuid validation, and
 * `checkBatchResult`, the default batch callback.
 */
import { createHash } from 'node:crypto';
import { UsageError } from '@dbwire/core';

/** RFC 4122 namespace for DNS names, the namespace the Python client hashes under. */
const NAMESPACE_DNS = Buffer.from('6ba7b8109dad11d180b400c04fd430c8', 'hex');
const HEX32 = /^[0-9a-f]{32}$/i;
const DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function dashed(hex: string): string {
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Normalises a uuid (with or without dashes, or a `weaviate://` beacon ending in one) to the
 * lower-case dashed form; throws UsageError otherwise (seed: `weaviate.util.get_valid_uuid`).
 */
export function getValidUuid(uuid: string): string {
  if (typeof uuid !== 'string') {
    throw new UsageError(`uuid must be a string, got ${typeof uuid}`, { code: 'ERR_INVALID_UUID' });
  }
  let s = uuid.trim();
  if (s.startsWith('weaviate://') || s.startsWith('http://') || s.startsWith('https://')) {
    s = s.slice(s.lastIndexOf('/') + 1);
  }
  if (DASHED.test(s)) return s.toLowerCase();
  if (HEX32.test(s)) return dashed(s);
  throw new UsageError(`not a valid uuid: ${JSON.stringify(uuid)}`, { code: 'ERR_INVALID_UUID' });
}

/** Python's `repr()` of a str: quote choice and escapes as CPython does them. */
export function pythonStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp > 0x7f && ch !== ' ' && /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u.test(ch)) {
      out +=
        cp < 0x100
          ? `\\x${cp.toString(16).padStart(2, '0')}`
          : cp < 0x10000
            ? `\\u${cp.toString(16).padStart(4, '0')}`
            : `\\U${cp.toString(16).padStart(8, '0')}`;
    } else out += ch;
  }
  return out + quote;
}

/** Python's `repr()` of a float: shortest round-trip digits, exponent form outside 1e-4 ≤ |x| < 1e16. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expStr] = x.toExponential().split('e') as [string, string];
  const exp = Number(expStr);
  if (exp < -4 || exp >= 16) {
    return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const sign = mant.startsWith('-') ? '-' : '';
  const digits = mant.replace('-', '').replace('.', '');
  let fixed: string;
  if (exp >= 0) {
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    fixed = `${intPart}.${frac || '0'}`;
  } else {
    fixed = `0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return sign + fixed;
}

/**
 * Python's `repr()` of a JSON-like value: dicts `{'k': v}`, lists `[a, b]`, `True`/`False`/`None`.
 * Safe integers print as Python ints (JavaScript cannot tell `1.0` from `1`), other numbers as floats.
 */
export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return pythonStrRepr(value);
  if (typeof value === 'bigint') return value.toString();
  // Beyond 2^53 a JavaScript number is almost surely a float on the Python side (1e16 -> '1e+16').
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : pythonFloatRepr(value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${pythonStrRepr(k)}: ${pythonRepr(v)}`)
      .join(', ')}}`;
  }
  throw new UsageError(`cannot derive a uuid from a ${typeof value}`, { code: 'ERR_INVALID_ARGUMENT' });
}

/** Python's `str()`: a str is itself, everything else its `repr()`. */
export function pythonStr(value: unknown): string {
  return typeof value === 'string' ? value : pythonRepr(value);
}

/** RFC 4122 version-5 uuid of `name` under `namespace` (16 bytes). */
export function uuid5(name: string, namespace: Uint8Array = NAMESPACE_DNS): string {
  const hash = createHash('sha1').update(namespace).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  return dashed(hash.subarray(0, 16).toString('hex'));
}

/**
 * A deterministic uuid for an object, identical to the Python client's
 * `generate_uuid5(identifier, namespace="")`: uuid5 under NAMESPACE_DNS of `str(namespace) + str(identifier)`.
 * Objects hash as Python prints dicts (`{'name': 'Jane Doe'}`), in insertion order.
 */
export function generateUuid5(identifier: unknown, namespace: unknown = ''): string {
  return uuid5(pythonStr(namespace) + pythonStr(identifier));
}

/** One item of a batch answer as the callback sees it. */
export interface BatchResultItem {
  /** `result.errors.error` lists the server's messages for a failed item. */
  result?: { errors?: { error?: Array<{ message: string }> }; status?: string };
  /** Anything else Weaviate returns (id, class, properties, from, to ...). */
  [key: string]: unknown;
}

/**
 * The default batch callback (seed: `weaviate.util.check_batch_result`): prints the `result` of every
 * object or reference that carries errors.
 */
export function checkBatchResult(results: BatchResultItem[] | null | undefined): void {
  if (results === null || results === undefined) return;
  for (const result of results) {
    if (
      result?.result &&
      'errors' in result.result &&
      result.result.errors &&
      'error' in result.result.errors
    ) {
      console.log(result.result);
    }
  }
}
