import { loadBitrixFixture } from '../../fixtures/seed';
import { MIGRATIONS } from '../../schema/migrations';
import { runCli } from '../helpers/cli';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { dumpDatabase, schemaOnly } from '../helpers/dump';

describe('bxsup install on a Bitrix-shaped database', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadBitrixFixture(t.db);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('dry run prints the statements and changes nothing', async () => {
    const before = await dumpDatabase(t.db);
    const result = await runCli(['install', '--db', t.url, '--dry-run', '--seed-dictionaries']);
    // Without --bitrix-root the only warning is about Bitrix's field cache (test/install/bitrixCaches.test.ts).
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/warn the ticket forms may not show the new fields/),
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('CREATE TABLE IF NOT EXISTS bl_support_ticket');
    expect(result.stdout).toContain('CREATE TABLE IF NOT EXISTS b_uts_support');
    expect(result.stdout).toContain('INSERT INTO b_user_field');
    expect(result.stdout).toContain("'UF_ORDER_ID'");
    expect(result.stdout).toContain('ALTER TABLE b_uts_support ADD UF_ORDER_ID int(18)');
    expect(result.stdout).toContain('INSERT INTO b_ticket_dictionary');
    expect(result.stdout).toMatch(/dry run: nothing was changed/);
    expect(await dumpDatabase(t.db)).toBe(before);
  });

  it('installs our tables, the UF_ORDER_ID field exactly as Bitrix would, and says each step', async () => {
    const result = await runCli(['install', '--db', t.url, '--yes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\[1\/\d\] checking the database: ok/);
    expect(result.stdout).toMatch(/our tables: migrated to schema version \d+/);
    expect(result.stdout).toMatch(/ticket user fields: registered UF_ORDER_ID/);
    expect(result.stdout).toMatch(/\ninstalled\n/);

    const ours = await t
      .db('information_schema.TABLES')
      .where('TABLE_SCHEMA', t.name)
      .andWhere('TABLE_NAME', 'like', 'bl\\_support\\_%')
      .select('TABLE_NAME', 'ENGINE', 'TABLE_COLLATION');
    expect(ours.map((r) => r.TABLE_NAME)).toEqual(
      expect.arrayContaining([
        'bl_support_ticket',
        'bl_support_message',
        'bl_support_templates',
        'bl_support_outbox',
      ]),
    );
    for (const table of ours) {
      expect(table.ENGINE).toBe('InnoDB');
      expect(table.TABLE_COLLATION).toBe('utf8mb4_unicode_ci');
    }

    const field = await t
      .db('b_user_field')
      .where({ ENTITY_ID: 'SUPPORT', FIELD_NAME: 'UF_ORDER_ID' })
      .first();
    expect(field).toMatchObject({
      USER_TYPE_ID: 'integer',
      XML_ID: 'order_id',
      SORT: 100,
      MULTIPLE: 'N',
      MANDATORY: 'N',
      SETTINGS: 'a:4:{s:4:"SIZE";i:20;s:9:"MIN_VALUE";i:0;s:9:"MAX_VALUE";i:0;s:13:"DEFAULT_VALUE";s:0:"";}',
    });
    const labels = await t.db('b_user_field_lang').where('USER_FIELD_ID', field.ID).orderBy('LANGUAGE_ID');
    expect(labels.map((l) => [l.LANGUAGE_ID, l.EDIT_FORM_LABEL, l.LIST_COLUMN_LABEL])).toEqual([
      ['en', 'Order Number', 'Order'],
      ['ru', 'Номер заказа', 'Заказ'],
    ]);
    const column = await t
      .db('information_schema.COLUMNS')
      .where({ TABLE_SCHEMA: t.name, TABLE_NAME: 'b_uts_support', COLUMN_NAME: 'UF_ORDER_ID' })
      .first('COLUMN_TYPE');
    expect(column.COLUMN_TYPE).toBe('int(18)');
    // Created like Bitrix creates it: in the database's charset, not ours.
    const uts = await t
      .db('information_schema.TABLES')
      .where({ TABLE_SCHEMA: t.name, TABLE_NAME: 'b_uts_support' })
      .first();
    const schema = await t
      .db('information_schema.SCHEMATA')
      .where('SCHEMA_NAME', t.name)
      .first('DEFAULT_COLLATION_NAME');
    expect(uts.TABLE_COLLATION).toBe(schema.DEFAULT_COLLATION_NAME);
    expect(uts.TABLE_COLLATION).toMatch(/^utf8(mb3)?_unicode_ci$/);
  });

  it('a second install changes nothing and says it is already installed', async () => {
    const before = await dumpDatabase(t.db);
    const result = await runCli(['install', '--db', t.url]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/already installed: nothing changed/);
    expect(await dumpDatabase(t.db)).toBe(before);
  });

  it('reports healthy in status once installed', async () => {
    const result = await runCli(['status', '--db', t.url, '--json'], {
      env: { BXSUP_SMTP_URL: 'smtp://127.0.0.1:2525' },
    });
    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout);
    expect(status.healthy).toBe(true);
    expect(status.schema.installedVersion).toBe(status.schema.codeVersion);
    expect(status.schema.userFields.UF_ORDER_ID).toBe(true);
    expect(status.database.sites.map((s: { id: string }) => s.id)).toEqual(['s1', 's2']);
    expect(status.connection).not.toContain('password');
  });

  it('refuses a database whose schema is newer than the code', async () => {
    await t
      .db('bl_support_schema_migrations')
      .insert({ version: 999, name: 'from the future', applied_at: '2030-01-01 00:00:00' });
    try {
      const result = await runCli(['install', '--db', t.url]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/schema version 999, newer than this bxsup/);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      await t.db('bl_support_schema_migrations').where('version', 999).delete();
    }
  });
});

describe('bxsup install, before it is installed', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await loadBitrixFixture(t.db);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('status is unhealthy and says to install', async () => {
    const result = await runCli(['status', '--db', t.url]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/problem: bxsup is not installed in this database: run bxsup install/);
  });

  it('two installs at once both succeed and install exactly once', async () => {
    const schemaBefore = await schemaOnly(t.db);
    const [a, b] = await Promise.all([
      runCli(['install', '--db', t.url]),
      runCli(['install', '--db', t.url]),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const outputs = [a.stdout, b.stdout];
    expect(outputs.filter((o) => /\ninstalled\n/.test(o))).toHaveLength(1);
    expect(outputs.filter((o) => /already installed/.test(o))).toHaveLength(1);
    expect(
      await t.db('b_user_field').where({ ENTITY_ID: 'SUPPORT', FIELD_NAME: 'UF_ORDER_ID' }).count({ n: '*' }),
    ).toEqual([{ n: 1 }]);
    expect(await t.db('bl_support_schema_migrations').orderBy('version').pluck('version')).toEqual(
      MIGRATIONS.map((m) => m.version),
    );
    expect(await schemaOnly(t.db)).not.toBe(schemaBefore);
  });
});
