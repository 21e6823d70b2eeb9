import { describe, expect, it } from 'vitest';
import { checkBatchResult, generateUuid5, getValidUuid, pythonFloatRepr, pythonRepr } from './util.js';

// Expected values computed here with CPython 3: str(uuid.uuid5(uuid.NAMESPACE_DNS, str(namespace) + str(identifier))),
// which is the Python client's generate_uuid5.
describe('generateUuid5 matches the Python client', () => {
  it.each([
    [{ name: 'Jane Doe' }, 'Author', 'c1f401b4-c7e6-5a27-9077-92bf21d97b2d'],
    [{ title: "Jane's Book 1" }, 'Book', '85ab8c93-b8b4-51c0-be0a-823413f9b12c'],
    [{ title: "Jane's Book 2" }, 'Book', 'a8934041-1331-5b3b-9771-bff63e927e76'],
    ['hello', undefined, '9342d47a-1bab-5709-9869-c840b2eac501'],
    [42, 'Num', 'dfa01bc1-9fed-5d61-8a5b-d393f311d6bf'],
    [
      { a: [1, 2.5, true, null], b: { c: 'd"e\'f' }, e: 1e-7, f: 1e16, g: 0.1, h: -3 },
      '',
      'd3cfe64a-a859-56a9-85ef-471e0343d698',
    ],
    [
      { tab: 'a\tb\nc\\d', uni: 'héllo ✓ \u00a0x', q: 'say "hi"' },
      'X',
      '24171745-6c32-5376-acc9-3bcc8d1bcd3e',
    ],
    [[1.5, 123456789.125, 1e22, 2.5e-5], '', '8fac4815-68cf-54ac-b688-0f43947e4182'],
  ])('%j in %j', (identifier, namespace, expected) => {
    expect(namespace === undefined ? generateUuid5(identifier) : generateUuid5(identifier, namespace)).toBe(
      expected,
    );
  });

  it('prints values as Python str() does', () => {
    expect(pythonRepr({ title: "Jane's Book 1" })).toBe(`{'title': "Jane's Book 1"}`);
    expect(pythonRepr([true, false, null, 'x'])).toBe("[True, False, None, 'x']");
    expect(pythonFloatRepr(1e-7)).toBe('1e-07');
    expect(pythonFloatRepr(0.0001)).toBe('0.0001');
    expect(pythonFloatRepr(123.5)).toBe('123.5');
    expect(pythonFloatRepr(1e16)).toBe('1e+16');
    expect(pythonFloatRepr(1234567890123456.8)).toBe('1234567890123456.8');
  });
});

describe('getValidUuid', () => {
  it('normalises dashed, undashed and beacon forms', () => {
    const id = 'C1F401B4-C7E6-5A27-9077-92BF21D97B2D';
    expect(getValidUuid(id)).toBe(id.toLowerCase());
    expect(getValidUuid(id.replaceAll('-', ''))).toBe(id.toLowerCase());
    expect(getValidUuid(`weaviate://localhost/Author/${id}`)).toBe(id.toLowerCase());
  });
  it('rejects anything else with a UsageError', () => {
    expect(() => getValidUuid('not-a-uuid')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_UUID', kind: 'usage' }),
    );
  });
});

describe('checkBatchResult', () => {
  it('prints the result of each item with errors, and only those', () => {
    const printed: unknown[] = [];
    const original = console.log;
    console.log = (x: unknown) => printed.push(x);
    try {
      checkBatchResult([
        { id: 'a', result: {} },
        { id: 'b', result: { errors: { error: [{ message: 'bad' }] } } },
      ]);
      checkBatchResult(null);
    } finally {
      console.log = original;
    }
    expect(printed).toEqual([{ errors: { error: [{ message: 'bad' }] } }]);
  });
});
