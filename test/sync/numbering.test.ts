import { FIXTURE } from '../../fixtures/seed';
import { createTicket } from '../../fixtures/nativeWriter';
import { syncOnce } from '../../sync/syncOnce';
import { FIXTURE_ZONE } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite, msk, syncDeps } from './harness';

/** Ticket numbers: widening past 9,999 a day, and the site-local day boundary. */
describe('ticket numbers', () => {
  let t: TestDatabase;
  const newTicket = (at: string) =>
    createTicket(t.db, FIXTURE_ZONE, {
      siteId: 's1',
      ownerUserId: FIXTURE.users.customerMaria,
      title: 'Вопрос',
      message: 'Текст',
      at: msk(at),
    });
  const numberOf = async (id: number) =>
    (await t.db('bl_support_ticket').where('id', id).first('number')).number;

  beforeAll(async () => {
    t = await installedSite();
    await syncOnce(syncDeps(t));
  });
  afterAll(async () => {
    await t.drop();
  });

  it('widens to five digits after the 9,999th ticket of a day instead of failing', async () => {
    // As if 9,998 tickets had been numbered on 12 March already.
    await t.db('bl_support_ticket_number_day').where('day', '20240312').update({ last_seq: 9998 });
    const ids = [
      await newTicket('2024-03-12 12:00:00'),
      await newTicket('2024-03-12 12:01:00'),
      await newTicket('2024-03-12 12:02:00'),
    ];
    await syncOnce(syncDeps(t));
    expect(await Promise.all(ids.map(numberOf))).toEqual([
      'SUP-20240312-9999',
      'SUP-20240312-10000',
      'SUP-20240312-10001',
    ]);
  });

  it('counts days in the site zone: 00:01 Moscow is a new day while UTC is still on the 12th', async () => {
    const late = await newTicket('2024-03-12 23:59:00');
    const early = await newTicket('2024-03-13 00:01:00');
    await syncOnce(syncDeps(t));
    expect(await numberOf(late)).toBe('SUP-20240312-10002');
    expect(await numberOf(early)).toBe('SUP-20240313-0001');
  });
});
