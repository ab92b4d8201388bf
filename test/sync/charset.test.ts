import { FIXTURE } from '../../fixtures/seed';
import { addMessage, createTicket } from '../../fixtures/nativeWriter';
import { syncOnce } from '../../sync/syncOnce';
import { FIXTURE_ZONE } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite, msk, syncDeps } from './harness';

/**
 * A site on utf8mb4: 4-byte characters (emoji) next to Cyrillic reach our utf8mb4 tables unchanged.
 * (The 3-byte utf8 fixture's Cyrillic, CJK and symbols are checked in backfill.test.ts.)
 */
describe('a utf8mb4 site', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await installedSite({
      charset: 'utf8mb4',
      collation: 'utf8mb4_unicode_ci',
      // The fixture creates Bitrix's usual utf8 tables; a utf8mb4 site has converted them.
      beforeInstall: async (site) => {
        for (const table of ['b_ticket', 'b_ticket_message'])
          await site.db.raw(
            `ALTER TABLE ${table} CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
          );
      },
    });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('keeps emoji and Cyrillic in subjects and bodies', async () => {
    const title = 'Посылка 📦 не пришла 😡 — ёж';
    const body = 'Здравствуйте! Жду с 1 марта 🙏🏻, трек 🚚 молчит. 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 too.';
    const id = await createTicket(t.db, FIXTURE_ZONE, {
      siteId: 's1',
      ownerUserId: FIXTURE.users.customerMaria,
      title,
      message: body,
      at: msk('2024-03-12 12:00:00'),
    });
    const reply = await addMessage(t.db, FIXTURE_ZONE, {
      ticketId: id,
      authorUserId: FIXTURE.users.operatorOlga,
      bySupport: true,
      text: 'Уже едет 🚀',
      at: msk('2024-03-12 12:10:00'),
    });
    await syncOnce(syncDeps(t));
    expect((await t.db('bl_support_ticket').where('id', id).first('subject')).subject).toBe(title);
    const bodies = await t.db('bl_support_message').where('ticket_id', id).orderBy('id').pluck('body');
    expect(bodies).toEqual([body, 'Уже едет 🚀']);
    expect(await t.db('bl_support_outbox').where('event_key', `reply:${reply}`).first('event_type')).toEqual({
      event_type: 'SUPPORT_TICKET_REPLY',
    });
  });

  it('keeps quotes, backslashes and placeholder-like text as written', async () => {
    const title = `Вопрос? Да?? 'кавычки' "двойные" \\ обратная \\' косая :name :name: ?? \\? %s $1`;
    const id = await createTicket(t.db, FIXTURE_ZONE, {
      siteId: 's1',
      ownerUserId: FIXTURE.users.customerMaria,
      title,
      message: title,
      at: msk('2024-03-12 12:20:00'),
    });
    await syncOnce(syncDeps(t));
    expect((await t.db('bl_support_ticket').where('id', id).first('subject')).subject).toBe(title);
    expect((await t.db('bl_support_message').where('ticket_id', id).first('body')).body).toBe(title);
  });
});
