import { PrivateServer, startPrivateServer } from '../demo/privateServer';
import { createTestDatabase, TestDatabase } from './helpers/db';
import { rawRows } from '../core/rawRows';

/**
 * A private server (demo, benchmarks, the restart tests, the test run itself) must not harm the
 * servers already running on the machine: a server sweeps the temporary-table files of its tmpdir
 * when it starts, and in a shared /tmp those are other servers' (a session's temporary table, or a
 * query's on-disk GROUP BY, would vanish mid-use).
 */
describe('a private database server', () => {
  let test: TestDatabase;
  let server: PrivateServer | null = null;
  beforeAll(async () => {
    test = await createTestDatabase();
  });
  afterAll(async () => {
    await server?.stop();
    await test.drop();
  });

  it("starting one leaves the other servers' on-disk temporary tables alone", async () => {
    await test.db.transaction(async (trx) => {
      // Aria keeps a temporary table as files in the server's tmpdir (InnoDB's live in ibtmp1).
      await trx.raw('CREATE TEMPORARY TABLE bxsup_survivor (a INT) ENGINE=Aria');
      await trx.raw('INSERT INTO bxsup_survivor VALUES (1)');
      server = await startPrivateServer();
      await trx.raw('INSERT INTO bxsup_survivor VALUES (2)');
      const rows = await rawRows<{ n: number }>(trx, 'SELECT COUNT(*) AS n FROM bxsup_survivor');
      expect(Number(rows[0].n)).toBe(2);
      await trx.raw('DROP TEMPORARY TABLE bxsup_survivor');
    });
  });
});
