import { runInstall } from '../../install/install';
import { executingRunner, SqlRunner } from '../../core/sqlRunner';
import { installedSite } from '../helpers/installedSite';
import { TestDatabase } from '../helpers/db';
import { referenceClock } from '../helpers/clock';

/**
 * Migration 008: the escalation outcome index is (outcome, id), so a pass's claims append to it instead
 * of landing on each ticket's page; a site installed before it gets the new index from `bxsup install`,
 * and an install that finds it there already (a crash after the ALTER, before the version row) skips it.
 */
describe('the escalation outcome index (migration 008)', () => {
  let t: TestDatabase;
  const columns = async () =>
    (
      await t
        .db('information_schema.STATISTICS')
        .where({
          TABLE_SCHEMA: t.db.raw('DATABASE()'),
          TABLE_NAME: 'bl_support_escalation',
          INDEX_NAME: 'ix_bl_support_escalation_outcome',
        })
        .orderBy('SEQ_IN_INDEX')
        .select('COLUMN_NAME')
    ).map((r: { COLUMN_NAME: string }) => r.COLUMN_NAME);
  /** bxsup install on the site; returns the ALTERs it ran on bl_support_escalation. */
  const install = async (): Promise<string[]> => {
    const ran: string[] = [];
    const executing = executingRunner(t.db);
    const runner: SqlRunner = {
      dryRun: false,
      run: async (sql, bindings) => {
        if (/ALTER TABLE bl_support_escalation/.test(sql)) ran.push(sql);
        await executing.run(sql, bindings);
      },
    };
    await runInstall(
      { db: t.db, target: t.target, runner, now: referenceClock().now(), onStep: () => undefined },
      { dryRun: false, seedDictionaries: false },
    );
    return ran;
  };

  beforeAll(async () => {
    t = await installedSite();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('a new install has it by id', async () => {
    expect(await columns()).toEqual(['outcome', 'id']);
  });

  it('an install at version 7 (the index by ticket) is upgraded', async () => {
    await t.db.raw(
      'ALTER TABLE bl_support_escalation DROP INDEX ix_bl_support_escalation_outcome, ADD INDEX ix_bl_support_escalation_outcome (outcome, ticket_id)',
    );
    await t.db('bl_support_schema_migrations').where('version', 8).delete();
    expect(await install()).toHaveLength(1);
    expect(await columns()).toEqual(['outcome', 'id']);
    expect(await t.db('bl_support_schema_migrations').where('version', 8).count({ n: '*' })).toEqual([
      { n: 1 },
    ]);
  });

  it('an install that finds the index already by id (the version row lost) skips the ALTER', async () => {
    await t.db('bl_support_schema_migrations').where('version', 8).delete();
    expect(await install()).toEqual([]);
    expect(await columns()).toEqual(['outcome', 'id']);
    expect(await t.db('bl_support_schema_migrations').where('version', 8).count({ n: '*' })).toEqual([
      { n: 1 },
    ]);
  });
});
