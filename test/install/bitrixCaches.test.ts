import { bitrixCacheOf } from '../../bridge/bitrixCache';
import { loadBitrixFixture } from '../../fixtures/seed';
import { executingRunner } from '../../core/sqlRunner';
import { runUninstall } from '../../install/uninstall';
import { runCli } from '../helpers/cli';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { dumpDatabase } from '../helpers/dump';
import { bitrixSite, cached, mailFlagFile, userFieldCacheFile } from '../helpers/siteRoot';

/**
 * What Bitrix's own code needs beside the fields we add (b_utm_support, without which CTicket::Delete
 * fails), and its caches: the field list (an hour) must be cleared after install, and uninstall drops a
 * column only once no cache can list its field any more.
 */
async function columnsOf(t: TestDatabase, table: string): Promise<string[]> {
  const rows = await t
    .db('information_schema.COLUMNS')
    .where({ TABLE_SCHEMA: t.name, TABLE_NAME: table })
    .orderBy('ORDINAL_POSITION')
    .select('COLUMN_NAME');
  return rows.map((r: { COLUMN_NAME: string }) => r.COLUMN_NAME);
}

/** The statements CTicket::Delete runs through the UF manager for a ticket (read from main 20's code). */
async function deleteTicketTheBitrixWay(t: TestDatabase, id: number): Promise<void> {
  await t.db.raw('DELETE FROM b_utm_support WHERE VALUE_ID = ?', [id]);
  await t.db.raw('DELETE FROM b_uts_support WHERE VALUE_ID = ?', [id]);
  await t.db('b_ticket_message').where('TICKET_ID', id).delete();
  await t.db('b_ticket').where('ID', id).delete();
}

describe('the tables and caches of Bitrix user fields', () => {
  let t: TestDatabase;
  let root: string;
  let beforeInstall: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadBitrixFixture(t.db);
    beforeInstall = await dumpDatabase(t.db);
    root = bitrixSite(t.target);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('a fresh site has neither b_uts_support nor b_utm_support (the real module creates them with the first field)', async () => {
    expect(await columnsOf(t, 'b_uts_support')).toEqual([]);
    expect(await columnsOf(t, 'b_utm_support')).toEqual([]);
  });

  it('install creates b_utm_support as Bitrix does, journaled, and clears the field cache it knows', async () => {
    expect(cached(root, userFieldCacheFile())).toBe(true);
    const result = await runCli(['install', '--bitrix-root', root, '--yes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/ticket user fields: registered .*; cleared the user field cache/);
    expect(result.stderr).toBe('');
    expect(cached(root, userFieldCacheFile())).toBe(false);
    // The mail queue flag is not install's business.
    expect(cached(root, mailFlagFile())).toBe(true);
    expect(await columnsOf(t, 'b_utm_support')).toEqual([
      'ID',
      'VALUE_ID',
      'FIELD_ID',
      'VALUE',
      'VALUE_INT',
      'VALUE_DOUBLE',
      'VALUE_DATE',
    ]);
    const indexes = await t
      .db('information_schema.STATISTICS')
      .where({ TABLE_SCHEMA: t.name, TABLE_NAME: 'b_utm_support' })
      .orderBy('INDEX_NAME')
      .distinct('INDEX_NAME');
    expect(indexes.map((r: { INDEX_NAME: string }) => r.INDEX_NAME)).toEqual([
      'ix_utm_SUPPORT_1',
      'ix_utm_SUPPORT_2',
      'PRIMARY',
    ]);
    expect(await t.db('bl_support_native_change').where({ kind: 'utm_table' }).select('target')).toEqual([
      { target: 'b_utm_support' },
    ]);
  });

  it('computed fields are shown to staff but not posted back by the admin form (EDIT_IN_LIST)', async () => {
    const flags = await t
      .db('b_user_field')
      .where('ENTITY_ID', 'SUPPORT')
      .orderBy('SORT')
      .select('FIELD_NAME', 'EDIT_IN_LIST', 'SHOW_IN_LIST');
    expect(flags).toEqual([
      { FIELD_NAME: 'UF_ORDER_ID', EDIT_IN_LIST: 'Y', SHOW_IN_LIST: 'Y' },
      { FIELD_NAME: 'UF_SLA_STATE', EDIT_IN_LIST: 'N', SHOW_IN_LIST: 'Y' },
      { FIELD_NAME: 'UF_SLA_DEADLINE', EDIT_IN_LIST: 'N', SHOW_IN_LIST: 'Y' },
      { FIELD_NAME: 'UF_TICKET_NUMBER', EDIT_IN_LIST: 'N', SHOW_IN_LIST: 'Y' },
    ]);
  });

  it('install gives computed fields of an earlier bxsup the flags they need now', async () => {
    await t.db('b_user_field').where('FIELD_NAME', 'UF_TICKET_NUMBER').update({ EDIT_IN_LIST: 'Y' });
    const result = await runCli(['install', '--bitrix-root', root]);
    expect(result.stdout).toMatch(
      /ticket user fields: updated UF_TICKET_NUMBER \(EDIT_IN_LIST set to 'N'\); cleared the user field cache/,
    );
    expect(await t.db('b_user_field').where('FIELD_NAME', 'UF_TICKET_NUMBER').first('EDIT_IN_LIST')).toEqual({
      EDIT_IN_LIST: 'N',
    });
  });

  it('an install whose fields were already there clears nothing and says nothing', async () => {
    const again = await runCli(['install', '--bitrix-root', root]);
    expect(again.stdout).toMatch(/ticket user fields: present/);
    expect(again.stderr).toBe('');
  });

  it('a site caching in memcache: install says exactly what to clear', async () => {
    const other = await createTestDatabase();
    try {
      await loadBitrixFixture(other.db);
      const memcache = bitrixSite(other.target, { cache: 'memcache' });
      const result = await runCli(['install', '--bitrix-root', memcache, '--yes']);
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(
        /the ticket forms may not show the new fields for up to an hour: the site caches in memcache, which bxsup cannot reach: clear Bitrix's managed cache in the admin area \(Settings → System settings → Cache settings, \/bitrix\/admin\/cache\.php/,
      );
    } finally {
      await other.drop();
    }
  });

  it('uninstall --purge with the site root: definitions, cache, then columns and our tables; native tables as before', async () => {
    await t.db('b_uts_support').delete();
    const result = await runCli(['uninstall', '--bitrix-root', root, '--purge', '--yes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /removed: user field UF_TICKET_NUMBER and its column \(cleared first: the user field cache \(nothing cached\)\)/,
    );
    expect(result.stdout).toMatch(/removed: table b_utm_support/);
    expect(result.stdout).toMatch(/removed: table b_uts_support/);
    expect(await dumpDatabase(t.db)).toBe(beforeInstall);
  });
});

describe('uninstall when the field cache cannot be cleared', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadBitrixFixture(t.db);
    expect((await runCli(['install', '--db', t.url, '--yes'])).code).toBe(0);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('deleting a ticket the way CTicket::Delete does works after install', async () => {
    await t.db('b_uts_support').insert({ VALUE_ID: 9, UF_ORDER_ID: 45 });
    await expect(deleteTicketTheBitrixWay(t, 9)).resolves.toBeUndefined();
    expect(await t.db('b_ticket').where('ID', 9).first()).toBeUndefined();
    expect(await t.db('b_uts_support').where('VALUE_ID', 9).first()).toBeUndefined();
  });

  it('removes the computed fields from Bitrix, keeps their columns for an hour and says so', async () => {
    const result = await runCli(['uninstall', '--db', t.url]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /kept: column UF_SLA_DEADLINE of b_uts_support: the field is removed, but Bitrix may list it from its cache until .* run bxsup uninstall again after that/,
    );
    expect(await t.db('b_user_field').where('FIELD_NAME', 'UF_SLA_DEADLINE').first()).toBeUndefined();
    expect(await columnsOf(t, 'b_uts_support')).toEqual([
      'VALUE_ID',
      'UF_ORDER_ID',
      'UF_SLA_DEADLINE',
      'UF_TICKET_NUMBER',
      'UF_SLA_STATE',
    ]);
  });

  it('a run within the hour still keeps them; a run an hour later drops them', async () => {
    const journal = await t
      .db('bl_support_native_change')
      .where({ kind: 'user_field', target: 'UF_SLA_DEADLINE' })
      .first();
    const removedAt = new Date(`${JSON.parse(journal.detail).definitionRemovedAt.replace(' ', 'T')}Z`);
    const deps = {
      db: t.db,
      target: t.target,
      runner: executingRunner(t.db),
      cache: bitrixCacheOf(undefined),
    };
    const soon = await runUninstall(
      { ...deps, now: new Date(removedAt.getTime() + 59 * 60_000) },
      { purge: false },
    );
    expect(soon.kept.join('\n')).toMatch(/column UF_SLA_DEADLINE/);
    expect(await columnsOf(t, 'b_uts_support')).toContain('UF_SLA_DEADLINE');
    const later = await runUninstall(
      { ...deps, now: new Date(removedAt.getTime() + 61 * 60_000) },
      { purge: false },
    );
    expect(later.removed).toEqual(
      expect.arrayContaining([
        "user field UF_SLA_DEADLINE and its column (Bitrix's field cache has expired)",
        "user field UF_TICKET_NUMBER and its column (Bitrix's field cache has expired)",
      ]),
    );
    expect(await columnsOf(t, 'b_uts_support')).toEqual(['VALUE_ID', 'UF_ORDER_ID']);
  });
});
