/**
 * The deterministic "model" behind the local text2vec-transformers inference service. Tests import it
 * to compute the exact vector Weaviate must store for a text (`@dbwire/test-servers/t2v`).
 *
 * `embedText(text)`:
 *   1. words = maximal runs of Unicode letters and digits in `text.toLowerCase()`
 *      (`/[\p{L}\p{N}]+/gu`); punctuation and whitespace only separate words;
 *   2. each word adds 1 to component `wordIndex(word)` = FNV-1a 32-bit hash of the word's UTF-8
 *      bytes modulo `T2V_DIMENSIONS` (a word that appears twice adds 2);
 *   3. the counts are L2-normalised and each component rounded to float32 (`Math.fround`), the
 *      precision Weaviate stores, so the JSON the service sends parses back to the same numbers;
 *   4. a text without any word maps to the unit vector on component 0.
 *
 * So texts that share words have a positive cosine similarity, texts that share none are orthogonal
 * (unless two words collide in the hash: `wordIndex` lets a test pick words that do not), and the
 * result never depends on anything but the text.
 *
 * Comparing with what Weaviate returns: Weaviate prints float32 values in their shortest form, so
 * compare `Math.fround(returned[i])` with `embedText(text)[i]` (see `sameFloat32Vector`).
 *
 * What text Weaviate sends for an object (v1.39 `usecases/modulecomponents/vectorizer`): with
 * `vectorizeClassName` (default true) the class name split at camel case, then for each indexed text
 * property in alphabetical order its value, preceded by the property name when
 * `vectorizePropertyName` is true (default false); all joined by one space. Lower-casing does not
 * matter here: the embedding lower-cases anyway.
 */

/** Number of components of every vector the service returns. */
export const T2V_DIMENSIONS = 256;

/** The model name the service reports in `GET /meta`. */
export const T2V_MODEL_NAME = 'dbwire-hashed-bag-of-words';

const encoder = new TextEncoder();

/** The words `embedText` counts: lower-cased runs of Unicode letters and digits. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** FNV-1a 32-bit over the UTF-8 bytes of `word`. */
function fnv1a(word: string): number {
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(word)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The vector component a (lower-case) word counts towards. */
export function wordIndex(word: string): number {
  return fnv1a(word) % T2V_DIMENSIONS;
}

/** The deterministic embedding of `text` (see the module comment for the exact definition). */
export function embedText(text: string): number[] {
  const counts = new Array<number>(T2V_DIMENSIONS).fill(0);
  const words = tokenize(text);
  if (words.length === 0) {
    counts[0] = 1;
    return counts;
  }
  for (const word of words) counts[wordIndex(word)]! += 1;
  const norm = Math.sqrt(counts.reduce((sum, c) => sum + c * c, 0));
  return counts.map((c) => Math.fround(c / norm));
}

/** Cosine similarity of two vectors of equal length (1 = same direction, 0 = no shared word). */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new Error(`vector lengths differ: ${a.length} vs ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

/** True when `returned` (as parsed from Weaviate's JSON) holds exactly the float32 values of `expected`. */
export function sameFloat32Vector(returned: readonly number[], expected: readonly number[]): boolean {
  return (
    returned.length === expected.length &&
    returned.every((v, i) => Math.fround(v) === Math.fround(expected[i]!))
  );
}
