import { FIXTURE } from '../../fixtures/seed';
import { closeTicket } from '../../fixtures/nativeWriter';
import { FixedClock } from '../../core/clock';
import { syncOnce } from '../../sync/syncOnce';
import { FIXTURE_ZONE } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite, msk, outbox, syncDeps } from './harness';

/**
 * Native times have whole seconds, the install time has milliseconds. A ticket closed in the very
 * second of the install (a daemon started right after `bxsup install`) is after the install: its
 * DATE_CLOSE, cut to the second, must not count as history and lose the customer's mail.
 */
describe('the second the install happened in', () => {
  let t: TestDatabase;
  const installedAt = new Date('2024-03-12T07:30:00.700Z'); // 10:30:00.700 in Moscow
  const clock = new FixedClock(installedAt);

  beforeAll(async () => {
    t = await installedSite({ installedAt });
    await syncOnce(syncDeps(t, { clock }), { reconcile: 'off' });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('a close in that second is mailed; one in the second before is history', async () => {
    const before = FIXTURE.tickets.openNoReply.id;
    const during = FIXTURE.tickets.awaitingCustomer.id;
    const by = { byUserId: FIXTURE.users.operatorOlga, bySupport: true };
    await closeTicket(t.db, FIXTURE_ZONE, { ticketId: before, ...by, at: msk('2024-03-12 10:29:59') });
    await closeTicket(t.db, FIXTURE_ZONE, { ticketId: during, ...by, at: msk('2024-03-12 10:30:00') });
    clock.set(new Date('2024-03-12T07:30:01.500Z'));
    await syncOnce(syncDeps(t, { clock }), { reconcile: 'off' });
    const closes = (await outbox(t)).filter((e) => e.event_type === 'SUPPORT_TICKET_CLOSED');
    expect(closes.map((e) => e.event_key)).toEqual([`closed:${during}:2024-03-12 10:30:00`]);
  });
});
