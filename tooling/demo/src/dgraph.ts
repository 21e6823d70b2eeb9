/**
 * The @dbwire/dgraph-client quickstart: the seed's (pydgraph) walkthrough in TypeScript, against the
 * local 'dgraph' server: schema, a JSON mutation, a query with variables, an upsert, a conditional
 * upsert, a conflict between two transactions, printed as it goes. Predicates carry a per-run suffix
 * and are dropped at the end, so the demo never touches data it did not create.
 */
import { AbortedError, DgraphClient, DgraphClientStub, Operation } from '@dbwire/dgraph-client';
import { useServer } from '@dbwire/test-servers';

export async function run(log: (s: string) => void): Promise<void> {
  const info = await useServer('dgraph');
  const sfx = `demo${process.pid}`;
  const name = `name_${sfx}`;
  const age = `age_${sfx}`;
  const email = `email_${sfx}`;

  // --- Creating a client
  const clientStub = new DgraphClientStub(info.endpoints[0]!);
  const client = new DgraphClient(clientStub);
  try {
    log(`connected to Dgraph ${await client.checkVersion()} at ${clientStub.addr}`);

    // --- Altering the database
    await client.alter(
      new Operation({
        schema: `${name}: string @index(exact) .\n${age}: int .\n${email}: string @index(exact) @upsert .`,
      }),
    );
    log('schema set');

    // --- Running a mutation, committing
    const txn = client.txn();
    try {
      const res = await txn.mutate({
        setObj: { uid: '_:alice', [name]: 'Alice', [age]: 29, [email]: 'wrong_email@dgraph.io' },
      });
      log(`created Alice as ${res.uids.alice}`);
      await txn.commit();
    } finally {
      await txn.discard();
    }

    // --- Running a query
    const query = `query all($a: string) {
      all(func: eq(${name}, $a)) { ${name} ${age} }
    }`;
    const res = await client.txn({ readOnly: true }).query(query, { variables: { $a: 'Alice' } });
    const ppl = JSON.parse(res.json);
    log(`Number of people named "Alice": ${ppl.all.length}`);
    for (const person of ppl.all) log(JSON.stringify(person));

    // --- Running an upsert: query + mutation
    {
      const t = client.txn();
      const mutation = t.createMutation({ setNquads: `uid(u) <${age}> "30" .` });
      await t.doRequest(
        t.createRequest({
          query: `{ u as var(func: eq(${name}, "Alice")) }`,
          mutations: [mutation],
          commitNow: true,
        }),
      );
      log('upsert: Alice is now 30');
    }

    // --- Running a conditional upsert
    {
      const t = client.txn();
      const mutation = t.createMutation({
        cond: '@if(eq(len(user), 1))',
        setNquads: `uid(user) <${email}> "correct_email@dgraph.io" .`,
      });
      await t.doRequest(
        t.createRequest({
          query: `{ user as var(func: eq(${email}, "wrong_email@dgraph.io")) }`,
          mutations: [mutation],
          commitNow: true,
        }),
      );
      const fixed = await client
        .txn({ readOnly: true })
        .query(`{ q(func: eq(${name}, "Alice")) { ${email} ${age} } }`);
      log(`conditional upsert: ${fixed.json}`);
    }

    // --- Committing: a conflict between two transactions
    {
      const t1 = client.txn();
      const t2 = client.txn();
      const q = `{ q(func: eq(${name}, "Alice")) { uid } }`;
      const uid: string = (await t1.query(q)).data.q[0].uid;
      await t2.query(q);
      await t1.mutate({ setObj: { uid, [age]: 31 } });
      await t2.mutate({ setObj: { uid, [age]: 32 } });
      await t1.commit();
      try {
        await t2.commit();
      } catch (err) {
        if (!(err instanceof AbortedError)) throw err;
        log(`second commit: ${err.name} (${err.code}): ${err.message}`);
      } finally {
        await t2.discard();
      }
    }
  } finally {
    for (const p of [name, age, email])
      await client.alter(new Operation({ dropOp: 'ATTR', dropValue: p })).catch(() => {});
    clientStub.close();
  }
}
