import { FIXTURE } from '../../fixtures/seed';
import { TicketSpec } from '../helpers/mirroredTickets';

const U = FIXTURE.users;
const MIN = 60_000;

/**
 * The queue's tickets, with deadlines relative to `now` so the same set serves the in-process tests
 * (now = REFERENCE_TIME) and the CLI tests (now = the real clock). Expected order by next deadline:
 * 105 (2 days overdue), 101 (30 min overdue), 103 (30 min left), 102 (2 h left), 104 (paused);
 * 106 is closed and 107 deleted in Bitrix: never shown.
 */
export function queueTickets(now: Date): TicketSpec[] {
  const at = (minutes: number): Date => new Date(now.getTime() + minutes * MIN);
  return [
    {
      id: 101,
      number: 'SUP-20240312-0101',
      subject: 'Оплата не прошла',
      user_id: U.customerMaria,
      order_id: FIXTURE.orders.mariaTemplated.id,
      category: 'payment',
      priority: 3,
      status: 'open',
      assigned_to: U.operatorOlga,
      created_at: at(-120),
      first_reply_deadline: at(-30),
      sla_deadline: at(24 * 60),
    },
    {
      id: 102,
      number: 'SUP-20240311-0102',
      subject: 'Where is my parcel?',
      site_id: 's2',
      user_id: U.customerJohn,
      category: 'shipping',
      priority: 2,
      status: 'in_progress',
      assigned_to: U.operatorIvan,
      created_at: at(-22 * 60),
      first_reply_at: at(-21 * 60),
      first_reply_deadline: at(-20 * 60),
      sla_deadline: at(120),
    },
    {
      id: 103,
      number: 'SUP-20240312-0103',
      subject: 'Guest question',
      user_id: null,
      guest_email: 'guest@example.org',
      category: 'payment',
      priority: 4,
      status: 'open',
      assigned_to: null,
      created_at: at(-30),
      first_reply_deadline: at(30),
      sla_deadline: at(240),
    },
    {
      id: 104,
      number: 'SUP-20240310-0104',
      subject: 'Waiting for the customer',
      user_id: U.customerAlexey,
      priority: 1,
      status: 'awaiting_reply',
      assigned_to: U.operatorOlga,
      created_at: at(-3000),
      first_reply_at: at(-2900),
      first_reply_deadline: at(-2800),
      sla_deadline: at(40),
      sla_paused: 1,
    },
    {
      id: 105,
      number: 'SUP-20240309-0105',
      // A customer-typed title with a terminal escape and a bidi override: printed harmlessly.
      subject:
        'Long \u001b[2Jsubject \u202eэто очень длинная тема обращения, которая не помещается в строку терминала целиком',
      user_id: U.customerNoEmail,
      category: null,
      priority: 2,
      status: 'open',
      assigned_to: U.operatorIvan,
      created_at: at(-4 * 24 * 60),
      first_reply_deadline: at(-2 * 24 * 60),
      sla_deadline: at(24 * 60),
    },
    {
      id: 106,
      number: 'SUP-20240301-0106',
      subject: 'Closed long ago',
      user_id: U.customerMaria,
      status: 'closed',
      is_open: 0,
      created_at: at(-10 * 24 * 60),
      resolved_at: at(-9 * 24 * 60),
      first_reply_deadline: at(-9 * 24 * 60),
      sla_deadline: at(-8 * 24 * 60),
    },
    {
      id: 107,
      number: 'SUP-20240301-0107',
      subject: 'Deleted in Bitrix',
      user_id: U.customerMaria,
      created_at: at(-60),
      first_reply_deadline: at(-59),
      deleted_at: at(-10),
    },
  ];
}
