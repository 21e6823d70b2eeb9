import { beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  ConsistencyLevel,
  generateUuid5,
  ObjectAlreadyExistsException,
  UnexpectedStatusCodeException,
  UsageError,
} from '../../src/index.js';
import { dropAfterAll, uniqueClass, vectorFor, weaviateUrl } from './helpers.js';

let client: Client;
const Author = uniqueClass('Author');
const Book = uniqueClass('Book');
const Tenanted = uniqueClass('Tenanted');

beforeAll(async () => {
  client = new Client(await weaviateUrl());
  await client.schema.create({
    classes: [
      {
        class: Author,
        vectorizer: 'none',
        properties: [
          { name: 'name', dataType: ['text'] },
          { name: 'wroteBooks', dataType: [Book] },
        ],
      },
      {
        class: Book,
        vectorizer: 'none',
        properties: [
          { name: 'title', dataType: ['text'] },
          { name: 'pages', dataType: ['int'] },
        ],
      },
      {
        class: Tenanted,
        vectorizer: 'none',
        multiTenancyConfig: { enabled: true },
        properties: [{ name: 'x', dataType: ['text'] }],
      },
    ],
  });
});
dropAfterAll(() => client, [Author, Book, Tenanted]);

describe('dataObject (seed: client.data_object)', () => {
  it('create, getById, get, exists, update, replace, delete', async () => {
    const id = generateUuid5({ name: 'Jane Doe' }, Author);
    const created = await client.dataObject.create({ name: 'Jane Doe' }, Author, {
      uuid: id,
      vector: vectorFor(1),
      consistencyLevel: ConsistencyLevel.ALL,
    });
    expect(created).toBe(id);
    expect(await client.dataObject.exists(id, { className: Author })).toBe(true);

    const got = await client.dataObject.getById<{ name: string }>(id, {
      className: Author,
      withVector: true,
    });
    expect(got?.properties.name).toBe('Jane Doe');
    expect(got?.vector).toHaveLength(4);
    expect(got?.vector?.[0]).toBeCloseTo(vectorFor(1)[0]!, 5);

    await client.dataObject.update({ name: 'Jane D.' }, Author, id);
    expect(
      (await client.dataObject.getById<{ name: string }>(id, { className: Author }))?.properties.name,
    ).toBe('Jane D.');

    await client.dataObject.replace({ name: 'J. Doe' }, Author, id, { vector: vectorFor(2) });
    expect(
      (await client.dataObject.get<{ name: string }>(id, { className: Author })) as {
        properties: { name: string };
      },
    ).toMatchObject({
      properties: { name: 'J. Doe' },
    });

    const list = await client.dataObject.get(null, { className: Author, limit: 10 });
    expect((list as { objects: unknown[] }).objects).toHaveLength(1);

    await client.dataObject.delete(id, { className: Author, consistencyLevel: ConsistencyLevel.QUORUM });
    expect(await client.dataObject.exists(id, { className: Author })).toBe(false);
    expect(await client.dataObject.getById(id, { className: Author })).toBeNull();
  });

  it('creating an id twice: ObjectAlreadyExistsException with the server message', async () => {
    const id = await client.dataObject.create({ title: 'Twice' }, Book);
    const err = await client.dataObject
      .create({ title: 'Twice' }, Book, { uuid: id })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ObjectAlreadyExistsException);
    expect((err as ObjectAlreadyExistsException).messages.join(' ')).toMatch(/already exists/);
  });

  it('a wrong property type: UnexpectedStatusCodeException 422 naming the property', async () => {
    const err = await client.dataObject.create({ title: 'x', pages: 'many' }, Book).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnexpectedStatusCodeException);
    expect((err as UnexpectedStatusCodeException).statusCode).toBe(422);
    expect((err as UnexpectedStatusCodeException).messages.join(' ')).toMatch(/pages/);
  });

  it('updating an object that does not exist: UnexpectedStatusCodeException 404', async () => {
    const err = await client.dataObject
      .update({ title: 'x' }, Book, 'c1f401b4-c7e6-5a27-9077-92bf21d97b2d')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnexpectedStatusCodeException);
    expect((err as UnexpectedStatusCodeException).statusCode).toBe(404);
  });

  it('validate reports valid and invalid objects', async () => {
    expect(await client.dataObject.validate({ title: 'ok', pages: 3 }, Book)).toEqual({
      error: null,
      valid: true,
    });
    const bad = await client.dataObject.validate({ title: 'ok', pages: 'three' }, Book);
    expect(bad.valid).toBe(false);
    expect(bad.error?.[0]?.message).toMatch(/pages/);
  });

  it('a bad uuid is a UsageError before any request', async () => {
    await expect(client.dataObject.getById('nope')).rejects.toBeInstanceOf(UsageError);
  });

  it('tenant-scoped objects are only visible in their tenant', async () => {
    await client.schema.addClassTenants(Tenanted, ['t1', 't2']);
    const id = await client.dataObject.create({ x: 'in t1' }, Tenanted, { tenant: 't1' });
    expect(await client.dataObject.exists(id, { className: Tenanted, tenant: 't1' })).toBe(true);
    expect(await client.dataObject.exists(id, { className: Tenanted, tenant: 't2' })).toBe(false);
    await client.dataObject.delete(id, { className: Tenanted, tenant: 't1' });
    expect(await client.dataObject.exists(id, { className: Tenanted, tenant: 't1' })).toBe(false);
  });
});

describe('dataObject.reference (seed: add/update/delete)', () => {
  it('adds, replaces and deletes references', async () => {
    const author = await client.dataObject.create({ name: 'Ann' }, Author);
    const b1 = await client.dataObject.create({ title: 'One' }, Book);
    const b2 = await client.dataObject.create({ title: 'Two' }, Book);
    const refs = async () =>
      (
        ((await client.dataObject.getById(author, { className: Author }))?.properties.wroteBooks ??
          []) as Array<{ beacon: string }>
      )
        .map((r) => r.beacon.split('/').pop())
        .sort();

    await client.dataObject.reference.add(author, 'wroteBooks', b1, {
      fromClassName: Author,
      toClassName: Book,
    });
    await client.dataObject.reference.add(author, 'wroteBooks', b2, {
      fromClassName: Author,
      toClassName: Book,
    });
    expect(await refs()).toEqual([b1, b2].sort());

    await client.dataObject.reference.delete(author, 'wroteBooks', b1, {
      fromClassName: Author,
      toClassName: Book,
    });
    expect(await refs()).toEqual([b2]);

    await client.dataObject.reference.update(author, 'wroteBooks', [b1], {
      fromClassName: Author,
      toClassNames: Book,
    });
    expect(await refs()).toEqual([b1]);
  });
});
