import { describe, expect, it } from 'vitest';
import {
  cosineSimilarity,
  embedText,
  sameFloat32Vector,
  T2V_DIMENSIONS,
  tokenize,
  wordIndex,
} from './embedding.js';

describe('embedText', () => {
  it('splits lower-cased letters and digits, everything else separates', () => {
    expect(tokenize('Hello, WORLD! 42-times café')).toEqual(['hello', 'world', '42', 'times', 'café']);
    expect(tokenize(' ,.; ')).toEqual([]);
  });

  it('hashes words with FNV-1a 32 modulo the dimension (known values)', () => {
    // FNV-1a("a") = 0xe40c292c, FNV-1a("foobar") = 0xbf9cf968 (published test vectors).
    expect(wordIndex('a')).toBe(0xe40c292c % T2V_DIMENSIONS);
    expect(wordIndex('foobar')).toBe(0xbf9cf968 % T2V_DIMENSIONS);
  });

  it('is a unit vector of counts: one word is a basis vector, a repeated word counts twice', () => {
    const one = embedText('Ocean');
    expect(one).toHaveLength(T2V_DIMENSIONS);
    expect(one[wordIndex('ocean')]).toBe(1);
    expect(one.filter((v) => v !== 0)).toHaveLength(1);

    const words = ['ocean', 'ocean', 'boat'];
    expect(wordIndex('ocean')).not.toBe(wordIndex('boat'));
    const v = embedText(words.join(' '));
    expect(v[wordIndex('ocean')]).toBe(Math.fround(2 / Math.sqrt(5)));
    expect(v[wordIndex('boat')]).toBe(Math.fround(1 / Math.sqrt(5)));
  });

  it('ignores case and punctuation, and maps a text without words to component 0', () => {
    expect(embedText('Blue whale!')).toEqual(embedText('blue   WHALE'));
    const empty = embedText('...');
    expect(empty[0]).toBe(1);
    expect(empty.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('puts texts sharing words closer than texts sharing none', () => {
    const query = embedText('red apple');
    const shared = cosineSimilarity(query, embedText('a red apple pie'));
    const partly = cosineSimilarity(query, embedText('red car'));
    const none = cosineSimilarity(query, embedText('blue ocean'));
    expect(shared).toBeGreaterThan(partly);
    expect(partly).toBeGreaterThan(none);
    expect(none).toBe(0);
  });

  it('compares float32 values as Weaviate prints them', () => {
    const v = embedText('three little words');
    const printed = v.map((x) => Number(x.toPrecision(8)));
    expect(printed).not.toEqual(v);
    expect(sameFloat32Vector(printed, v)).toBe(true);
    expect(sameFloat32Vector(printed, embedText('three little birds'))).toBe(false);
  });
});
