import { validateConfig } from '../../config/config';
import { Db } from '../../core/db';
import { FIXTURE } from '../../fixtures/seed';
import { insertTickets, TicketSpec } from '../helpers/mirroredTickets';

const U = FIXTURE.users;
const O = FIXTURE.orders;

/**
 * Tickets with hand-picked times for the report (all UTC; the site and the SLA calendar are
 * Europe/Moscow, UTC+3, Mon–Fri 09:00–18:00). The window 2024-03-04 … 2024-03-10 (local) is
 * [2024-03-03T21:00Z, 2024-03-10T21:00Z) and holds R1–R6; "now" is REFERENCE_TIME, 2024-03-12T07:30Z.
 *
 *       created (MSK)   first reply (MSK)  wall / business   resolved (MSK)   wall / business
 *   R1  Mon 04 10:00    Mon 10:30            30 / 30          Mon 14:00        240 / 240
 *   R2  Mon 04 17:00    Tue 10:00          1020 / 120         Tue 12:00       1140 / 240   (reopened once)
 *   R3  Wed 06 20:00    Thu 09:15           795 / 15          open
 *   R4  Thu 07 11:00    none                                  open
 *   R5  Sat 09 12:00    Sat 12:45            45 / 0           Mon 11 10:00    2760 / 60
 *   R6  Sun 10 20:00    Mon 11 09:05         785 / 5           open
 *
 * Deadlines: R1 met both; R2 first reply late (10:00 > 09:30), resolution in time; R3 first reply in
 * time, resolution overdue while open; R4 first reply overdue while open, resolution pending;
 * R5 first reply in time, resolved late (10:00 > 09:30); R6 first reply in time, resolution pending.
 *
 * Outside the window or not counted: R7 (Sun 03 23:00 MSK, one hour before it), R8 (deleted in
 * Bitrix), R9 (today), R10 (January), R11 (Mon 11 01:00 MSK = Sun 10 22:00Z: Sunday in UTC, but the
 * local Monday, so it belongs to the next local week and day).
 */
export const REPORT_TICKETS: TicketSpec[] = [
  {
    id: 1,
    user_id: U.customerMaria,
    order_id: O.mariaDelivered.id,
    category: 'payment',
    priority: 3,
    assigned_to: U.operatorOlga,
    status: 'closed',
    is_open: 0,
    created_at: '2024-03-04 07:00:00',
    first_reply_at: '2024-03-04 07:30:00',
    first_reply_deadline: '2024-03-04 08:00:00',
    resolved_at: '2024-03-04 11:00:00',
    sla_deadline: '2024-03-04 15:00:00',
  },
  {
    id: 2,
    user_id: U.customerAlexey,
    category: 'shipping',
    priority: 2,
    assigned_to: U.operatorIvan,
    status: 'closed',
    is_open: 0,
    reopen_count: 1,
    created_at: '2024-03-04 14:00:00',
    first_reply_at: '2024-03-05 07:00:00',
    first_reply_deadline: '2024-03-05 06:30:00',
    resolved_at: '2024-03-05 09:00:00',
    sla_deadline: '2024-03-06 14:00:00',
  },
  {
    id: 3,
    site_id: 's2',
    user_id: U.customerJohn,
    order_id: O.johnDelivered.id,
    category: 'payment',
    priority: 2,
    assigned_to: U.operatorOlga,
    status: 'in_progress',
    created_at: '2024-03-06 17:00:00',
    first_reply_at: '2024-03-07 06:15:00',
    first_reply_deadline: '2024-03-07 07:00:00',
    sla_deadline: '2024-03-07 15:00:00',
  },
  {
    id: 4,
    user_id: U.customerNoEmail,
    category: null,
    priority: 4,
    assigned_to: null,
    created_at: '2024-03-07 08:00:00',
    first_reply_deadline: '2024-03-07 12:00:00',
    sla_deadline: '2024-03-20 12:00:00',
  },
  {
    id: 5,
    user_id: U.customerMaria,
    order_id: O.mariaTemplated.id,
    category: 'shipping',
    priority: 1,
    assigned_to: U.operatorIvan,
    status: 'closed',
    is_open: 0,
    created_at: '2024-03-09 09:00:00',
    first_reply_at: '2024-03-09 09:45:00',
    first_reply_deadline: '2024-03-11 10:00:00',
    resolved_at: '2024-03-11 07:00:00',
    sla_deadline: '2024-03-11 06:30:00',
  },
  {
    id: 6,
    user_id: U.customerAlexey,
    category: 'payment',
    priority: 2,
    assigned_to: U.operatorOlga,
    status: 'in_progress',
    created_at: '2024-03-10 17:00:00',
    first_reply_at: '2024-03-11 06:05:00',
    first_reply_deadline: '2024-03-11 10:00:00',
    sla_deadline: '2024-03-14 10:00:00',
  },
  { id: 7, created_at: '2024-03-03 20:00:00', assigned_to: U.operatorOlga },
  {
    id: 8,
    created_at: '2024-03-05 10:00:00',
    deleted_at: '2024-03-06 10:00:00',
    assigned_to: U.operatorOlga,
  },
  { id: 9, created_at: '2024-03-12 06:00:00' },
  { id: 10, created_at: '2024-01-01 10:00:00' },
  {
    id: 11,
    category: 'other',
    status: 'closed',
    is_open: 0,
    created_at: '2024-03-10 22:00:00',
    resolved_at: '2024-03-10 22:10:00',
  },
];

/** Escalations: four applied in the window; a baseline record and one after the window do not count. */
export const REPORT_ESCALATIONS = [
  {
    ticket_id: 2,
    target: 'first_reply',
    level: 'breach',
    fired_at: '2024-03-05 06:31:00',
    outcome: 'applied',
  },
  {
    ticket_id: 4,
    target: 'first_reply',
    level: 'warning',
    fired_at: '2024-03-07 11:12:00',
    outcome: 'applied',
  },
  {
    ticket_id: 4,
    target: 'first_reply',
    level: 'breach',
    fired_at: '2024-03-07 12:01:00',
    outcome: 'applied',
  },
  {
    ticket_id: 3,
    target: 'resolution',
    level: 'breach',
    fired_at: '2024-03-07 15:01:00',
    outcome: 'applied',
  },
  {
    ticket_id: 5,
    target: 'resolution',
    level: 'breach',
    fired_at: '2024-03-09 09:00:00',
    outcome: 'baseline',
  },
  {
    ticket_id: 6,
    target: 'first_reply',
    level: 'warning',
    fired_at: '2024-03-11 09:00:00',
    outcome: 'applied',
  },
];

export async function loadReportFixture(db: Db): Promise<void> {
  await insertTickets(db, REPORT_TICKETS);
  await db('bl_support_escalation').insert(
    REPORT_ESCALATIONS.map((e) => ({ ...e, cycle: 0, due_at: e.fired_at, deadline_at: e.fired_at })),
  );
}

/** The configuration the report reads: the site's zone and the SLA's working hours. */
export const REPORT_CONFIG_INPUT = {
  site: { timeZone: 'Europe/Moscow' },
  sla: {
    calendar: {
      week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['09:00', '18:00']]])),
    },
  },
};

export const reportConfig = (input: object = REPORT_CONFIG_INPUT) => validateConfig(input);
