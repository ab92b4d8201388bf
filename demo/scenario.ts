import { Db } from '../core/db';
import { addMessage, changeTicket, closeTicket, createTicket } from '../fixtures/nativeWriter';
import { FIXTURE } from '../fixtures/seed';

/**
 * What happens on the shop while the demo's daemon runs, written the way Bitrix's own PHP writes it.
 * Each step returns the ticket it touched, and says in a line what a person did.
 */
export interface ScenarioStep {
  say: string;
  act(db: Db, zone: string, at: Date): Promise<{ ticketId: number; messageId?: number }>;
}

export function demoScenario(): { steps: ScenarioStep[]; ids: { delayed?: number; guest?: number } } {
  const ids: { delayed?: number; guest?: number } = {};
  const u = FIXTURE.users;
  const steps: ScenarioStep[] = [
    {
      say: 'Мария (customer, site s1) opens a ticket: "Где мой заказ №2024-0042?"',
      async act(db, zone, at) {
        ids.delayed = await createTicket(db, zone, {
          siteId: 's1',
          ownerUserId: u.customerMaria,
          title: 'Где мой заказ №2024-0042?',
          message: 'Здравствуйте! Заказ должен был прийти вчера, но его до сих пор нет.',
          criticalityId: FIXTURE.dictionary.criticality.s1.high,
          at,
        });
        return { ticketId: ids.delayed };
      },
    },
    {
      say: 'A guest writes to the English site by mail, with HTML in the subject: "<b>Refund</b> please"',
      async act(db, zone, at) {
        ids.guest = await createTicket(db, zone, {
          siteId: 's2',
          ownerSid: 'guest.buyer@example.net',
          title: '<b>Refund</b> please',
          message: 'I returned the parcel last week. When will I get my money back?',
          createdModuleName: 'mail',
          at,
        });
        return { ticketId: ids.guest };
      },
    },
    {
      say: "Operator Olga leaves an internal note on Мария's ticket (never mailed)",
      async act(db, zone, at) {
        const ticketId = ids.delayed as number;
        const messageId = await addMessage(db, zone, {
          ticketId,
          authorUserId: u.operatorOlga,
          bySupport: true,
          hidden: true,
          text: 'Проверить у службы доставки.',
          at,
        });
        return { ticketId, messageId };
      },
    },
    {
      say: 'Olga replies using placeholders: "#CUSTOMER_NAME#, заказ #ORDER_NUMBER# в пути, трек-номер #TRACKING_NUMBER#."',
      async act(db, zone, at) {
        const ticketId = ids.delayed as number;
        await changeTicket(db, zone, {
          ticketId,
          responsibleUserId: u.operatorOlga,
          byUserId: u.operatorOlga,
          bySupport: true,
          at,
        });
        const messageId = await addMessage(db, zone, {
          ticketId,
          authorUserId: u.operatorOlga,
          bySupport: true,
          text: '#CUSTOMER_NAME#, заказ #ORDER_NUMBER# в пути, трек-номер #TRACKING_NUMBER#. Номер обращения: #TICKET_NUMBER#.',
          at,
        });
        return { ticketId, messageId };
      },
    },
    {
      say: "Olga closes Мария's ticket as solved",
      async act(db, zone, at) {
        const ticketId = ids.delayed as number;
        await closeTicket(db, zone, {
          ticketId,
          byUserId: u.operatorOlga,
          bySupport: true,
          statusId: FIXTURE.dictionary.status.s1.solved,
          at,
        });
        return { ticketId };
      },
    },
  ];
  return { steps, ids };
}
