/** Operation definitions against bytes alone: what each writes, what it reads, what it exposes. */
import { describe, expect, it } from 'vitest';
import { BinaryReader, BinaryWriter, CharObject, MemoryTypeRegistry } from '../binary/index.js';
import { Op } from '../protocol/constants.js';
import { getBinaryTypeOp } from './binary-type-ops.js';
import {
  cacheNamesOp,
  getAllOp,
  keyOp,
  keyValueOp,
  putAllOp,
  readResolved,
  wholeCacheOp,
} from './cache-ops.js';
import type { OpContext, Operation } from './operation.js';
import { resourceCloseOp, scanOp, scanPageOp, sqlFieldsOp, sqlFieldsPageOp } from './query-ops.js';
import { txEndOp, txStartOp } from './tx-ops.js';

const binary = { registry: new MemoryTypeRegistry() };
const plain: OpContext = { version: [1, 7, 0], txId: undefined, binary };
const inTx: OpContext = { version: [1, 7, 0], txId: 0x01020304, binary };
const target = { cacheId: 0x11223344, expiry: undefined };

function encode(op: Operation<unknown>, ctx = plain): Buffer {
  const w = new BinaryWriter(64);
  op.encode?.(w, ctx);
  return w.toBuffer();
}

function decode<T>(op: Operation<T>, bytes: Buffer, ctx = plain): T | Promise<T> {
  return op.decode!(new BinaryReader(bytes), ctx);
}

describe('cache operations', () => {
  it('GET writes the cache header and the key, and exposes the key for routing', () => {
    const op = keyOp('cache.get', Op.CACHE_GET, target, ['a', CharObject], readResolved);
    expect(op.code).toBe(1000);
    expect(op.transactional).toBe(true);
    expect(op.key).toEqual({ cacheId: 0x11223344, key: 'a', hint: CharObject });
    // int cacheId | byte flags 0 | char 'a' (type 7, uint16)
    expect(encode(op).toString('hex')).toBe('44332211' + '00' + '07' + '6100');
  });

  it('inside a transaction the header carries flag 0x02 and the tx id after it', () => {
    const op = keyValueOp('cache.put', Op.CACHE_PUT, target, [1, undefined], [['x', undefined]], undefined);
    const hex = encode(op, inTx).toString('hex');
    // header: cacheId, flags=TRANSACTIONAL, int txId; then long 1 (type 4), string 'x' (type 9)
    expect(hex).toBe('44332211' + '02' + '04030201' + '04' + '0100000000000000' + '09' + '01000000' + '78');
  });

  it('expiry policy goes before the tx id and gates the op on protocol 1.6', () => {
    const op = wholeCacheOp(
      'cache.removeAll',
      Op.CACHE_REMOVE_ALL,
      { cacheId: 1, expiry: { create: 5, update: -2, access: -1 } },
      true,
    );
    expect(op.needs).toBe('EXPIRY_POLICY');
    const hex = encode(op, inTx).toString('hex');
    expect(hex).toBe(
      '01000000' + '06' + '0500000000000000' + 'feffffffffffffff' + 'ffffffffffffffff' + '04030201',
    );
  });

  it('multi-key and admin ops expose no routing key', () => {
    const op = putAllOp(target, [
      [
        ['k', undefined],
        [1, undefined],
      ],
    ]);
    expect(op.key).toBeUndefined();
    expect(op.transactional).toBe(true);
    expect(cacheNamesOp().transactional).toBe(false);
    expect(getBinaryTypeOp(7).transactional).toBe(false);
  });

  it('GET_ALL decodes pairs into an object for string keys', async () => {
    const w = new BinaryWriter(64);
    w.writeInt32(2);
    w.writeUtf8String('a');
    w.writeInt8(4);
    w.writeInt64(1);
    w.writeUtf8String('b');
    w.writeInt8(101); // null
    const out = await decode(
      getAllOp(
        target,
        [
          ['a', undefined],
          ['b', undefined],
        ],
        true,
      ),
      w.toBuffer(),
    );
    expect(out).toEqual({ a: 1, b: null });
  });

  it('CACHE_GET_NAMES decodes the list', () => {
    const w = new BinaryWriter(64);
    w.writeInt32(2);
    w.writeUtf8String('one');
    w.writeUtf8String('two');
    expect(decode(cacheNamesOp(), w.toBuffer())).toEqual(['one', 'two']);
  });
});

describe('transaction operations', () => {
  it('TX_START writes concurrency, isolation, timeout and label, and reads the id', () => {
    const op = txStartOp(1, 2, 2000, 'tx-sync');
    expect(op.needs).toBe('TRANSACTIONS');
    expect(encode(op).toString('hex')).toBe(
      `0102d00700000000000009${'07000000'}${Buffer.from('tx-sync').toString('hex')}`,
    );
    expect(encode(txStartOp(0, 0, 0, undefined)).toString('hex')).toBe('0000' + '0000000000000000' + '65');
    expect(decode(op, Buffer.from([42, 0, 0, 0]))).toBe(42);
  });

  it('TX_END writes the id and the commit flag', () => {
    expect(encode(txEndOp(9, true)).toString('hex')).toBe('09000000' + '01');
    expect(encode(txEndOp(9, false)).toString('hex')).toBe('09000000' + '00');
    expect(txEndOp(9, true).name).toBe('tx.commit');
  });
});

describe('query operations', () => {
  const q = {
    cacheId: 0,
    schema: 'PUBLIC',
    pageSize: 1024,
    maxRows: -1,
    query: 'SELECT 1',
    args: [7],
    statementType: 0,
    distributedJoins: false,
    local: false,
    replicatedOnly: false,
    enforceJoinOrder: false,
    collocated: false,
    lazy: true,
    timeoutMs: 5,
    includeFieldNames: true,
  };

  it('SQL_FIELDS writes the request in wire order and decodes names, rows and hasMore', async () => {
    const op = sqlFieldsOp(q);
    expect(op.code).toBe(2004);
    expect(op.transactional).toBe(false);
    expect(op.key).toBeUndefined();
    const hex = encode(op).toString('hex');
    const expected =
      '00000000' + // cacheId
      '00' + // flags
      `0906000000${Buffer.from('PUBLIC').toString('hex')}` +
      '00040000' + // page size 1024
      'ffffffff' + // max rows -1
      `0908000000${Buffer.from('SELECT 1').toString('hex')}` +
      '01000000' + // one argument
      '040700000000000000' + // long 7
      '00' + // statement type ANY
      '000000000001' + // distributedJoins, local, replicatedOnly, enforceJoinOrder, collocated, lazy
      '0500000000000000' + // timeout
      '01'; // include field names
    expect(hex).toBe(expected);

    const w = new BinaryWriter(64);
    w.writeInt64(42); // cursor id
    w.writeInt32(2); // columns
    w.writeUtf8String('A');
    w.writeUtf8String('B');
    w.writeInt32(1); // one row
    w.writeInt8(4);
    w.writeInt64(1);
    w.writeUtf8String('x');
    w.writeBool(true); // hasMore
    const first = await decode(op, w.toBuffer());
    expect(first).toEqual({
      cursorId: 42n,
      columnCount: 2,
      fieldNames: ['A', 'B'],
      rows: [[1, 'x']],
      hasMore: true,
    });
  });

  it('pages, scan and close name the cursor and decode entries', async () => {
    expect(encode(sqlFieldsPageOp(42n, 2)).toString('hex')).toBe('2a00000000000000');
    expect(encode(resourceCloseOp(42n)).toString('hex')).toBe('2a00000000000000');
    expect(resourceCloseOp(42n).code).toBe(0);
    const scan = scanOp(target, { pageSize: 100, partition: -1, local: false });
    // header, null filter, page size, partition -1, local false; never a transaction id
    expect(encode(scan, inTx).toString('hex')).toBe(`${'44332211'}00${'65'}64000000${'ffffffff'}00`);
    const w = new BinaryWriter(64);
    w.writeInt32(1);
    w.writeUtf8String('k');
    w.writeInt8(101);
    w.writeBool(false);
    expect(await decode(scanPageOp(1n), w.toBuffer())).toEqual({ rows: [['k', null]], hasMore: false });
  });

  it('a row count larger than the payload is a ParseError, not a huge allocation', () => {
    const w = new BinaryWriter(16);
    w.writeInt32(1_000_000);
    expect(() => decode(scanPageOp(1n), w.toBuffer())).toThrow(/bad entry count/);
  });
});
