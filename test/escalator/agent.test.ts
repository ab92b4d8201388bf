import { FIXTURE } from '../../fixtures/seed';
import { addMessage, closeTicket, createTicket, reopenTicket } from '../../fixtures/nativeWriter';
import { FIXTURE_ZONE, REFERENCE_TIME } from '../helpers/clock';
import { escalations, escalationSite, logLines, msk, Site, slaNotices } from './agentHarness';

/**
 * The escalation agent on the fixture site, driven through one day (Tue 2024-03-12, times UTC; the site
 * runs on Moscow time, UTC+3). Default 24/7 policy: normal 480/2880 min, high 240/1440; warnings at 80 %.
 * Levels: warning → assignee; breach → raise criticality, least-loaded member of the group, supervisor;
 * first reply still missing 4 h after its breach → head of support (user 1). Supervisors are not
 * configured: the support admins (right 'W': user 5). Distribution is on, group "First line" (1).
 */
const U = FIXTURE.users;
const D = FIXTURE.dictionary;
const zone = FIXTURE_ZONE;
const utc = (iso: string) => new Date(iso);
const CONFIG = {
  escalation: {
    headOfSupport: [U.admin],
    levels: [
      { name: 'warning', on: 'warning' as const, notify: ['assignee' as const] },
      {
        name: 'breach',
        on: 'breach' as const,
        raisePriority: true,
        reassign: 'least_loaded' as const,
        notify: ['supervisor' as const],
      },
      {
        name: 'head',
        on: 'breach' as const,
        afterMinutes: 240,
        targets: ['first_reply' as const],
        notify: ['head' as const],
      },
    ],
    distribution: { enabled: true, defaultGroup: FIXTURE.supportGroups.firstLine },
  },
};

describe('escalation agent on the fixture site', () => {
  let site: Site;
  const ids = { a: 0, b: 0, c: 0 };
  const ticket = (id: number) =>
    site.t
      .db('b_ticket')
      .where({ ID: id })
      .first('RESPONSIBLE_USER_ID', 'CRITICALITY_ID', 'TIMESTAMP_X', 'MODIFIED_MODULE_NAME');
  const mirror = (id: number) => site.t.db('bl_support_ticket').where({ id }).first();

  beforeAll(async () => {
    site = await escalationSite(CONFIG);
    await site.sync(utc(REFERENCE_TIME));
  });
  afterAll(async () => {
    await site.t.drop();
  });

  it('records what was already overdue at install and sends one digest, acting on nothing', async () => {
    const result = await site.pass(utc(REFERENCE_TIME));
    expect(result).toMatchObject({ ran: true, applied: 0, failed: 0, digest: true });
    expect(result.recorded).toBeGreaterThan(0);
    const rows = await escalations(site.t);
    expect(rows.every((r) => r.outcome === 'baseline' || r.outcome === 'superseded')).toBe(true);
    // Ticket 4 (6 March, never answered) is long overdue; 8 (low, answered) and 11 (this morning) are not.
    const baselineTickets = new Set(rows.map((r) => r.ticket_id));
    expect(baselineTickets.has(FIXTURE.tickets.foreignOrderInMessage.id)).toBe(true);
    expect(baselineTickets.has(FIXTURE.tickets.awaitingCustomer.id)).toBe(false);
    expect(baselineTickets.has(FIXTURE.tickets.htmlTitle.id)).toBe(false);
    const notices = await slaNotices(site.t);
    expect(notices).toEqual([expect.objectContaining({ event_type: 'SUPPORT_SLA_DIGEST', ticket_id: 0 })]);
    expect(notices[0].payload).toMatchObject({ recipients: [U.supervisor], count: baselineTickets.size });
    // No b_ticket was touched.
    expect(
      await site.t.db('b_ticket_message').where('CREATED_MODULE_NAME', 'bxsup').count({ n: '*' }),
    ).toEqual([{ n: 0 }]);
    // A second pass finds nothing new, and never a second digest.
    expect(await site.pass(utc('2024-03-12T07:45:00Z'))).toMatchObject({
      applied: 0,
      recorded: 0,
      digest: false,
    });
  });

  it('distributes a new unassigned ticket to the least-loaded active member of its group', async () => {
    const at = msk('2024-03-12 11:00:00');
    const base = { siteId: 's1', ownerUserId: U.customerMaria, categoryId: D.category.s1.bugs, at };
    const input = (title: string) => ({
      ...base,
      title,
      message: title,
      criticalityId: D.criticality.s1.middle,
    });
    ids.a = await createTicket(site.t.db, zone, {
      ...input('A: ошибка при оплате'),
      responsibleUserId: U.operatorOlga,
    });
    ids.b = await createTicket(site.t.db, zone, {
      ...input('B: не открывается заказ'),
      responsibleUserId: U.operatorIvan,
    });
    ids.c = await createTicket(site.t.db, zone, input('C: без ответственного'));
    await site.sync(at);
    const result = await site.pass(at);
    expect(result.distributed).toBe(1);
    // Open tickets: Olga has 3, 5 and A; Ivan has 8 and B; the inactive operator is never chosen.
    expect(await ticket(ids.c)).toMatchObject({
      RESPONSIBLE_USER_ID: U.operatorIvan,
      MODIFIED_MODULE_NAME: 'bxsup',
    });
    const [line] = await logLines(site.t, ids.c);
    expect(line.MESSAGE).toBe(
      '<li>ответственный: [3] Ivan Petrov [техподдержка]<li>причина: автоматическое распределение (группа «First line»)',
    );
    expect(await site.pass(msk('2024-03-12 11:05:00'))).toMatchObject({ distributed: 0 });
  });

  it('warns the assignee at 80 % of the first-reply target, once; a reply before it clears it', async () => {
    // Ivan answers B at 17:00 Moscow, before its warning (11:00 + 384 min = 17:24).
    await addMessage(site.t.db, zone, {
      ticketId: ids.b,
      authorUserId: U.operatorIvan,
      bySupport: true,
      text: 'Проверяем.',
      at: msk('2024-03-12 17:00:00'),
    });
    await site.sync(msk('2024-03-12 17:00:00'));
    await site.pass(msk('2024-03-12 17:23:59'));
    expect(await slaNotices(site.t, ids.a)).toEqual([]);

    await site.pass(msk('2024-03-12 17:24:00'));
    await site.pass(msk('2024-03-12 17:30:00'));
    expect(await slaNotices(site.t, ids.a)).toEqual([
      {
        event_type: 'SUPPORT_SLA_WARNING',
        ticket_id: ids.a,
        payload: expect.objectContaining({
          recipients: [U.operatorOlga],
          target: 'first_reply',
          level: 'warning',
          dueAt: '2024-03-12T16:00:00.000Z',
          reachedAt: '2024-03-12T14:24:00.000Z',
        }),
      },
    ]);
    expect((await slaNotices(site.t, ids.c)).map((n) => n.payload.recipients)).toEqual([[U.operatorIvan]]);
    expect(await slaNotices(site.t, ids.b)).toEqual([]);
    // A warning changes nothing in Bitrix.
    expect(await logLines(site.t, ids.a)).toEqual([]);
  });

  it('at the breach raises the criticality one step and reassigns, with a log line operators see', async () => {
    const before = await site.t
      .db('b_ticket_message')
      .where('TICKET_ID', ids.a)
      .max({ n: 'C_NUMBER' })
      .first();
    await site.pass(msk('2024-03-12 18:59:59'));
    expect(await logLines(site.t, ids.a)).toEqual([]);
    const result = await site.pass(msk('2024-03-12 19:00:00'));
    expect(result.failed).toBe(0);
    expect(await ticket(ids.a)).toEqual({
      RESPONSIBLE_USER_ID: U.operatorIvan,
      CRITICALITY_ID: D.criticality.s1.high,
      TIMESTAMP_X: '2024-03-12 19:00:00',
      MODIFIED_MODULE_NAME: 'bxsup',
    });
    expect(await logLines(site.t, ids.a)).toEqual([
      {
        C_NUMBER: Number(before?.n) + 1,
        IS_LOG: 'Y',
        NOT_CHANGE_STATUS: 'Y',
        IS_HIDDEN: 'N',
        DATE_CREATE: '2024-03-12 19:00:00',
        MESSAGE:
          '<li>ответственный: [3] Ivan Petrov [техподдержка]<li>критичность: Высокая' +
          '<li>причина: SLA: просрочен срок первого ответа (уровень «breach»)',
      },
    ]);
    const breach = (await slaNotices(site.t, ids.a)).filter((n) => n.event_type === 'SUPPORT_SLA_BREACH');
    expect(breach).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({
          recipients: [U.supervisor],
          target: 'first_reply',
          level: 'breach',
          raisedTo: D.criticality.s1.high,
          reassignedTo: U.operatorIvan,
        }),
      }),
    ]);
    // C (Ivan's) goes to Olga, the other active member.
    expect(await ticket(ids.c)).toMatchObject({ RESPONSIBLE_USER_ID: U.operatorOlga });
  });

  it('the sync mirrors the change as no activity: no event, no new cycle; deadlines follow the priority', async () => {
    const outboxBefore = await site.t.db('bl_support_outbox').count({ n: '*' });
    await site.sync(msk('2024-03-12 19:01:00'));
    expect(await site.t.db('bl_support_outbox').count({ n: '*' })).toEqual(outboxBefore);
    expect(await mirror(ids.a)).toMatchObject({
      priority: 3,
      assigned_to: U.operatorIvan,
      // No new cycle (the escalations' key): the change is not a reopen.
      reopen_count: 0,
      // High: first reply 240 min → 12:00Z (missed), resolution 1440 min → 13 March 08:00Z.
      first_reply_deadline: '2024-03-12 12:00:00',
      sla_deadline: '2024-03-13 08:00:00',
      first_reply_breached: 1,
      escalation_level: 'breach',
    });
  });

  it('never cascades into a second raise for the same breach; the next point is breach + 4 h', async () => {
    await site.pass(msk('2024-03-12 19:05:00'));
    expect(await ticket(ids.a)).toMatchObject({ CRITICALITY_ID: D.criticality.s1.high });
    expect(await logLines(site.t, ids.a)).toHaveLength(1);
    expect((await mirror(ids.a)).next_due_at).toBe('2024-03-12 20:00:00');
    expect(
      (await escalations(site.t, ids.a)).map((r) => `${r.target}/${r.level}/${r.cycle}/${r.outcome}`),
    ).toEqual(['first_reply/warning/0/applied', 'first_reply/breach/0/applied']);
  });

  it('notifies the head of support 4 h after the breach, once', async () => {
    await site.pass(msk('2024-03-12 23:00:00'));
    await site.pass(msk('2024-03-12 23:15:00'));
    const head = (await slaNotices(site.t, ids.a)).filter((n) => n.payload.level === 'head');
    expect(head).toEqual([
      expect.objectContaining({
        event_type: 'SUPPORT_SLA_BREACH',
        payload: expect.objectContaining({ recipients: [U.admin] }),
      }),
    ]);
  });

  it('keeps UF_SLA_DEADLINE (site-local) and UF_TICKET_NUMBER current without touching b_ticket', async () => {
    const mirrored = await mirror(ids.b);
    const uf = await site.t
      .db('b_uts_support')
      .where('VALUE_ID', ids.b)
      .first('UF_SLA_DEADLINE', 'UF_TICKET_NUMBER');
    // B was answered: its resolution deadline, 11:00 Moscow + 2880 min.
    expect(uf).toEqual({ UF_SLA_DEADLINE: '2024-03-14 11:00:00', UF_TICKET_NUMBER: mirrored.number });
    expect(await ticket(ids.b)).toMatchObject({
      TIMESTAMP_X: '2024-03-12 17:00:00',
      MODIFIED_MODULE_NAME: '',
    });
    // A: the first reply is still due (high: 11:00 + 240 min, missed).
    expect(await site.t.db('b_uts_support').where('VALUE_ID', ids.a).first('UF_SLA_DEADLINE')).toEqual({
      UF_SLA_DEADLINE: '2024-03-12 15:00:00',
    });
  });

  it('says in bxsup status when the last pass ran and when the next will', async () => {
    const { escalationSection } = await import('../../status/escalationSection');
    const { validateConfig } = await import('../../config/config');
    const section = await escalationSection({
      db: site.t.db,
      config: validateConfig(CONFIG),
      now: msk('2024-03-12 23:20:00'),
    });
    expect(section.data).toMatchObject({
      enabled: true,
      cron: '*/15 * * * *',
      lastPass: expect.objectContaining({ startedAt: '2024-03-12T20:15:00.000Z' }),
    });
    expect(section.problems).toEqual([]);
    expect(section.lines.map(([label]) => label)).toEqual([
      'escalation',
      'last escalation pass',
      'next escalation pass',
      'due now',
    ]);
  });

  it('a reopen starts a new cycle: the levels fire again (an operator reply never does)', async () => {
    await closeTicket(site.t.db, zone, {
      ticketId: ids.a,
      byUserId: U.operatorIvan,
      at: msk('2024-03-12 23:30:00'),
    });
    await site.sync(msk('2024-03-12 23:30:00'));
    await site.pass(msk('2024-03-12 23:45:00'));
    await reopenTicket(site.t.db, zone, {
      ticketId: ids.a,
      byUserId: U.customerMaria,
      bySupport: false,
      at: msk('2024-03-13 10:00:00'),
    });
    // Closed tickets are watched by the sync's reconciliation: a reopen is found there.
    await site.sync(msk('2024-03-13 10:00:00'), { reconcile: 'full' });
    expect(await mirror(ids.a)).toMatchObject({ is_open: 1, reopen_count: 1 });
    await site.pass(msk('2024-03-13 10:05:00'));
    // Still unanswered and long past its first-reply target: the breach and the head of support,
    // once more, in cycle 1.
    expect(
      (await escalations(site.t, ids.a)).map((r) => `${r.target}/${r.level}/${r.cycle}/${r.outcome}`),
    ).toEqual([
      'first_reply/warning/0/applied',
      'first_reply/breach/0/applied',
      'first_reply/head/0/applied',
      'first_reply/warning/1/superseded',
      'first_reply/breach/1/applied',
      'first_reply/head/1/applied',
    ]);
    // The criticality is already the highest: only the reassignment, back to Olga, is logged.
    expect((await logLines(site.t, ids.a)).map((l) => l.MESSAGE)).toEqual([
      expect.stringContaining('<li>критичность: Высокая'),
      '<li>ответственный: [2] Ольга Смирнова [техподдержка]<li>причина: SLA: просрочен срок первого ответа (уровень «breach»)',
    ]);
  });
});
