import { loadBitrixFixture } from '../../fixtures/seed';
import { SEED_ENTRIES, sameName } from '../../schema/dictionaries';
import { sidOf } from '../../templates/reply/publish';
import { runCli } from '../helpers/cli';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { dumpDatabase } from '../helpers/dump';
import { insertTickets } from '../helpers/mirroredTickets';
import { bitrixSite } from '../helpers/siteRoot';

describe('bxsup uninstall', () => {
  let t: TestDatabase;
  let beforeInstall: string;
  let ticket3Category: number | null;
  // The site root with Bitrix's file cache: uninstall clears the field cache before it drops columns.
  let root: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadBitrixFixture(t.db);
    beforeInstall = await dumpDatabase(t.db);
    root = bitrixSite(t.target);
    const installed = await runCli(['install', '--db', t.url, '--yes', '--seed-dictionaries']);
    expect(installed.code).toBe(0);
  });
  afterAll(async () => {
    await t.drop();
  });

  it("seeded only what each site lacked: the module's own entries (SID '' or NULL) are matched by name", async () => {
    const seeded = await t
      .db('b_ticket_dictionary as d')
      .join('b_ticket_dictionary_2_site as s', 's.DICTIONARY_ID', 'd.ID')
      .where('s.SITE_ID', 's1')
      .whereNotNull('d.SID')
      .whereNot('d.SID', '')
      .whereIn('d.C_TYPE', ['C', 'K', 'S'])
      .orderBy('d.ID')
      .select('d.C_TYPE', 'd.SID', 'd.NAME');
    // "Доставка заказа", "Оплата заказа", "Принято к рассмотрению", "В стадии решения" and "Успешно решено"
    // are the module's: not added again under our names.
    expect(seeded).toEqual([
      { C_TYPE: 'C', SID: 'return', NAME: 'Возврат' },
      { C_TYPE: 'C', SID: 'product', NAME: 'Товар' },
      { C_TYPE: 'C', SID: 'other', NAME: 'Другое' },
      { C_TYPE: 'K', SID: 'critical', NAME: 'Критическая' },
      { C_TYPE: 'S', SID: 'awaiting_reply', NAME: 'Ожидает ответа клиента' },
    ]);
    for (const entry of SEED_ENTRIES) expect(entry.sid).toMatch(/^[A-Za-z0-9_]+$/);
  });

  it('seeded the dictionaries each site lacked, once', async () => {
    const critical = await t
      .db('b_ticket_dictionary as d')
      .join('b_ticket_dictionary_2_site as s', 's.DICTIONARY_ID', 'd.ID')
      .where({ 'd.C_TYPE': 'K', 'd.SID': 'critical' })
      .orderBy('s.SITE_ID')
      .select('s.SITE_ID', 'd.NAME');
    expect(critical).toEqual([
      { SITE_ID: 's1', NAME: 'Критическая' },
      { SITE_ID: 's2', NAME: 'Critical' },
    ]);
    const again = await runCli(['install', '--db', t.url, '--seed-dictionaries']);
    expect(again.stdout).toMatch(/support dictionaries: nothing missing/);
  });

  it('keeps our tables, UF_ORDER_ID with its values and used dictionary entries, and says so', async () => {
    await t.db('b_uts_support').insert({ VALUE_ID: 1, UF_ORDER_ID: 41 });
    const returns = await t
      .db('b_ticket_dictionary as d')
      .join('b_ticket_dictionary_2_site as s', 's.DICTIONARY_ID', 'd.ID')
      .where({ 'd.C_TYPE': 'C', 'd.SID': 'return', 's.SITE_ID': 's1' })
      .first('d.ID');
    ticket3Category = (await t.db('b_ticket').where('ID', 3).first('CATEGORY_ID')).CATEGORY_ID;
    await t.db('b_ticket').where('ID', 3).update({ CATEGORY_ID: returns.ID });

    // Something in our tables to keep (a sync would also link orders, changing the counts below).
    await insertTickets(t.db, [{ id: 3, created_at: '2024-03-01 09:00:00' }]);

    const result = await runCli(['uninstall', '--db', t.url, '--bitrix-root', root]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/kept: user field UF_ORDER_ID with its values \(1 tickets have one\)/);
    expect(result.stdout).toMatch(
      new RegExp(`kept: dictionary entry s1:C:return \\(ID ${returns.ID}\\): 1 tickets use it`),
    );
    expect(result.stdout).toMatch(/kept: our tables bl_support_\* \(1 tickets mirrored/);
    expect(result.stdout).toMatch(/removed: dictionary entry s2:K:critical/);
    expect(await t.db('b_uts_support').where('VALUE_ID', 1).first()).toEqual({
      VALUE_ID: 1,
      UF_ORDER_ID: 41,
    });
    expect(await t.db('bl_support_ticket').pluck('id')).toEqual([3]);
    expect(await t.db('b_ticket_dictionary').where({ SID: 'critical' }).count({ n: '*' })).toEqual([
      { n: 0 },
    ]);
  });

  it('--purge without --yes and without a terminal refuses and changes nothing', async () => {
    const before = await dumpDatabase(t.db);
    const result = await runCli(['uninstall', '--db', t.url, '--purge']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/pass --yes to confirm/);
    expect(await dumpDatabase(t.db)).toBe(before);
  });

  it('--purge --yes restores the native tables exactly as before the install', async () => {
    // Put back what the test itself did to native data (a category chosen, an order number typed in).
    await t.db('b_ticket').where('ID', 3).update({ CATEGORY_ID: ticket3Category });
    await t.db('b_uts_support').delete();
    const result = await runCli(['uninstall', '--db', t.url, '--bitrix-root', root, '--purge', '--yes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/removed: user field UF_ORDER_ID/);
    expect(result.stdout).toMatch(/removed: table b_uts_support/);
    expect(result.stdout).toMatch(/removed: our tables/);
    expect(await dumpDatabase(t.db)).toBe(beforeInstall);
  });

  it('names match case-insensitively and ё as е; published answers get SIDs the module accepts', () => {
    expect(sameName('  ОПЛАТА  заказа ', 'Оплата заказа')).toBe(true);
    expect(sameName('Ожидает ответа клиента', 'ожидает  ответа клиента')).toBe(true);
    expect(sameName('Решён', 'Решен')).toBe(true);
    expect(sameName('Доставка', 'Доставка заказа')).toBe(false);
    expect(sidOf('order-status')).toBe('bxsup_order_status');
  });
});
