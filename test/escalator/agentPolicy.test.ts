import { validateConfig } from '../../config/config';
import { slaPolicyConfig } from '../../sla/loadPolicy';
import { FIXTURE } from '../../fixtures/seed';
import { addMessage, createTicket } from '../../fixtures/nativeWriter';
import { FIXTURE_ZONE, REFERENCE_TIME } from '../helpers/clock';
import { escalations, escalationSite, msk, Site, slaNotices } from './agentHarness';

/**
 * The configured policy at work: office hours Mon–Fri 09:00–18:00 Moscow, and the resolution clock
 * paused while staff spoke last. Nothing fires at night, at the weekend or while the customer owes an
 * answer; the clock picks up when the customer writes, and the paused time is recorded.
 */
const U = FIXTURE.users;
const D = FIXTURE.dictionary;
const zone = FIXTURE_ZONE;
const OFFICE = Object.fromEntries(
  ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => [day, [['09:00', '18:00']]]),
);
const CONFIG = {
  sla: { calendar: { week: OFFICE }, pauseWhenStaffSpokeLast: true },
};

describe('escalation with office hours and pauses', () => {
  let site: Site;
  const ids = { paused: 0, friday: 0 };
  const mirror = (id: number) => site.t.db('bl_support_ticket').where({ id }).first();
  const normal = { siteId: 's1', ownerUserId: U.customerAlexey, criticalityId: D.criticality.s1.middle };

  beforeAll(async () => {
    site = await escalationSite(CONFIG);
    await site.sync(new Date(REFERENCE_TIME));
    await site.pass(new Date(REFERENCE_TIME));
    // Tue 11:00: a normal ticket (first reply 480 working minutes → Wed 10:00); Olga answers at 12:00.
    ids.paused = await createTicket(site.t.db, zone, {
      ...normal,
      title: 'Пауза',
      message: 'Вопрос',
      responsibleUserId: U.operatorOlga,
      at: msk('2024-03-12 11:00:00'),
    });
    await site.sync(msk('2024-03-12 11:00:00'));
    await addMessage(site.t.db, zone, {
      ticketId: ids.paused,
      authorUserId: U.operatorOlga,
      bySupport: true,
      text: 'Уточните номер заказа, пожалуйста.',
      at: msk('2024-03-12 12:00:00'),
    });
    await site.sync(msk('2024-03-12 12:00:00'));
  });
  afterAll(async () => {
    await site.t.drop();
  });

  it('nothing fires at the weekend: a Friday-evening ticket is warned on Monday at 14:24', async () => {
    // Fri 17:00: 1 working hour on Friday, then Monday from 09:00; warning after 384 minutes.
    ids.friday = await createTicket(site.t.db, zone, {
      ...normal,
      title: 'Пятница',
      message: 'Вопрос в пятницу',
      responsibleUserId: U.operatorIvan,
      at: msk('2024-03-15 17:00:00'),
    });
    await site.sync(msk('2024-03-15 17:00:00'));
    expect((await mirror(ids.friday)).next_due_at).toBe('2024-03-18 11:24:00');
    for (const at of [
      '2024-03-15 18:30:00',
      '2024-03-16 12:00:00',
      '2024-03-17 23:45:00',
      '2024-03-18 14:23:00',
    ])
      await site.pass(msk(at));
    expect(await escalations(site.t, ids.friday)).toEqual([]);
    await site.pass(msk('2024-03-18 14:24:00'));
    expect((await slaNotices(site.t, ids.friday)).map((n) => n.event_type)).toEqual(['SUPPORT_SLA_WARNING']);
  });

  it('nothing fires while the customer owes an answer; the clock resumes when they write', async () => {
    // The paused ticket's resolution target (2880 working minutes) would long be used up by now.
    expect(await mirror(ids.paused)).toMatchObject({ sla_paused: 1, next_due_at: null, sla_deadline: null });
    await site.pass(msk('2024-03-20 09:30:00'));
    expect(await escalations(site.t, ids.paused)).toEqual([]);

    await addMessage(site.t.db, zone, {
      ticketId: ids.paused,
      authorUserId: U.customerAlexey,
      bySupport: false,
      text: 'Заказ 45.',
      at: msk('2024-03-20 10:00:00'),
    });
    await site.sync(msk('2024-03-20 10:00:00'));
    // Paused Tue 12:00 → Wed 20th 10:00: 6 + 9 × 5 + 1 working hours = 52 h. Used before: 1 h; the
    // warning comes after 38.4 h in all: 37.4 h from Wed 10:00 → Tue 26th 11:24 Moscow.
    expect(await mirror(ids.paused)).toMatchObject({
      sla_paused: 0,
      paused_minutes: 52 * 60,
      next_due_at: '2024-03-26 08:24:00',
    });
    await site.pass(msk('2024-03-20 10:05:00'));
    expect(await escalations(site.t, ids.paused)).toEqual([]);
  });

  it("imports a native SLA level's schedule and holidays as the calendar", async () => {
    const config = validateConfig({ sla: { calendar: { fromNativeSla: FIXTURE.sla.id } } });
    const policy = await slaPolicyConfig(site.t.db, config.sla, zone);
    expect(policy.calendar).toMatchObject({
      timeZone: zone,
      week: expect.objectContaining({ mon: [['09:00', '18:00']], sat: [], sun: [] }),
      holidays: ['2024-03-08'],
    });
  });

  it('names the key of a bad calendar', () => {
    expect(() => validateConfig({ sla: { calendar: { week: { mon: [['18:00', '09:00']] } } } })).toThrow(
      /sla\.calendar: week\.mon\[0\] is \["18:00","09:00"\]: the end must be after the start/,
    );
  });
});
