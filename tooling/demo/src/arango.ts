/**
 * @dbwire/arango-client quickstart (the seed's "Getting Started"), against the `arango-replay` server:
 * recorded answers of a real ArangoDB 3.12.10 where the documentation recorded them, scripted answers
 * (scoped to the demo's database) for the rest. With ARANGO_URL set it runs against that real server.
 */
import { ArangoClient, ArangoServerError, DocumentInsertError, errno } from '@dbwire/arango-client';
import { useServer } from '@dbwire/test-servers';
import { arangoCredentials } from '@dbwire/test-servers/arango';

async function script(url: string, entries: unknown[]): Promise<void> {
  const res = await fetch(`${url}/_replay/script`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(entries),
  });
  if (!res.ok) throw new Error(`replay script failed: ${res.status} ${await res.text()}`);
}

/** What a fresh arangod answers for the demo's calls on database `demo_test` (shapes as recorded). */
function demoScript(): unknown[] {
  const db = { database: 'demo_test' };
  const meta = (key: string) => ({ _id: `students/${key}`, _key: key, _rev: `_rev_${key}` });
  const students = [
    { ...meta('jane'), name: 'jane', age: 19 },
    { ...meta('josh'), name: 'josh', age: 18 },
    { ...meta('jake'), name: 'jake', age: 21 },
  ];
  return [
    {
      match: { method: 'POST', path: '/_api/database', body: { name: 'demo_test' } },
      respond: { status: 201, body: { error: false, code: 201, result: true } },
      times: 1,
    },
    {
      match: { method: 'GET', path: '/_api/collection/students', ...db },
      respond: {
        status: 404,
        body: { code: 404, error: true, errorMessage: 'collection or view not found', errorNum: 1203 },
      },
      times: 1,
    },
    {
      match: { method: 'POST', path: '/_api/collection', body: { name: 'students' }, ...db },
      respond: {
        status: 200,
        body: { error: false, code: 200, name: 'students', type: 2, status: 3, isSystem: false },
      },
    },
    {
      match: { method: 'POST', path: '/_api/index', query: { collection: 'students' }, ...db },
      respond: {
        status: 201,
        body: {
          id: 'students/1001',
          type: 'persistent',
          fields: ['name'],
          unique: false,
          sparse: false,
          isNewlyCreated: true,
        },
      },
    },
    {
      match: { method: 'PUT', path: '/_api/collection/students/truncate', ...db },
      respond: { status: 200, body: { error: false, code: 200, name: 'students', type: 2, status: 3 } },
    },
    ...students.map((s) => ({
      match: { method: 'POST', path: '/_api/document/students', body: { name: s.name, age: s.age }, ...db },
      respond: { status: 202, body: { _id: s._id, _key: s._key, _rev: s._rev } },
      times: 1,
    })),
    // The first insert of key "jane" succeeds; the replay server itself answers the second one
    // with the unique-constraint conflict, as arangod does for a key it already stores.
    {
      match: { method: 'POST', path: '/_api/document/students', body: { _key: 'jane' }, ...db },
      respond: { status: 202, body: meta('jane') },
    },
    {
      match: {
        method: 'POST',
        path: '/_api/cursor',
        body: { query: 'FOR doc IN students RETURN doc' },
        ...db,
      },
      cursor: { rows: students, batchSize: 2, count: true },
    },
  ];
}

export async function run(log: (line: string) => void): Promise<void> {
  const info = await useServer('arango-replay');
  const url = info.endpoints[0] as string;
  if (!info.external) await script(url, demoScript());

  // root and docker-compose's root password (ARANGO_USERNAME / ARANGO_PASSWORD override them).
  const { username, password } = arangoCredentials();

  // Initialize the ArangoDB client.
  const client = new ArangoClient({ hosts: url });
  try {
    // Connect to "_system" database as root user.
    const sysDb = await client.db('_system', { username, password });
    log(`server version ${await sysDb.version()}`);

    // Create a new database named "demo_test" if it does not exist.
    if (!(await sysDb.hasDatabase('demo_test'))) {
      await sysDb.createDatabase('demo_test');
      log('created database demo_test');
    }

    // Connect to "demo_test" database as root user.
    const db = await client.db('demo_test', { username, password });

    // Create a new collection named "students" if it does not exist.
    const students = (await db.hasCollection('students'))
      ? db.collection('students')
      : await db.createCollection('students');
    log(`collection ${students.name} ready`);

    // Add a hash index to the collection (a persistent index on ArangoDB 3.7+).
    const index = await students.addHashIndex({ fields: ['name'], unique: false });
    log(`index ${index.id} of type ${index.type} on ${JSON.stringify(index.fields)}`);

    // Truncate the collection.
    await students.truncate();

    // Insert new documents into the collection.
    await students.insert({ name: 'jane', age: 19 });
    await students.insert({ name: 'josh', age: 18 });
    await students.insert({ name: 'jake', age: 21 });

    // Execute an AQL query. This returns a result cursor.
    const cursor = await db.aql.execute<{ name: string }>('FOR doc IN students RETURN doc');

    // Iterate through the cursor to retrieve the documents.
    const studentNames: string[] = [];
    for await (const document of cursor) studentNames.push(document.name);
    log(`students: ${studentNames.join(', ')}`);

    // Server errors are typed and carry the server's code and the HTTP exchange.
    await students.insert({ _key: 'jane' });
    try {
      await students.insert({ _key: 'jane' });
    } catch (exc) {
      if (!(exc instanceof DocumentInsertError)) throw exc;
      log(
        `${exc.name}: errorCode ${exc.errorCode} (unique constraint: ${exc.errorCode === errno.UNIQUE_CONSTRAINT_VIOLATED}), ` +
          `httpCode ${exc.httpCode}, server error: ${exc instanceof ArangoServerError}`,
      );
    }
  } finally {
    await client.close();
  }
}
