import { PermanentMailError } from '../mailErrors';
import { isMailEventType } from '../eventTypes';
import { OutboxRow } from '../../store/outbox/outboxRow';
import { OutgoingMail } from '../transports/transport';
import { ComposeDeps } from './composeDeps';
import { composeCustomerMail } from './customerMail';
import { composeStaffMail } from './staffMail';

/**
 * The mail of one outbox row. Throws PermanentMailError when it can never be sent as it is, SkipMail
 * when the event needs no mail; anything else (a lost connection) is temporary.
 */
export async function composeMail(row: OutboxRow, deps: ComposeDeps): Promise<OutgoingMail> {
  const type = row.eventType;
  if (!isMailEventType(type))
    throw new PermanentMailError(`event type ${type} is not a mail this bxsup sends`);
  switch (type) {
    case 'SUPPORT_TICKET_CREATED':
    case 'SUPPORT_TICKET_REPLY':
    case 'SUPPORT_TICKET_CLOSED':
      return composeCustomerMail(row, type, deps);
    case 'SUPPORT_SLA_WARNING':
    case 'SUPPORT_SLA_BREACH':
    case 'SUPPORT_SLA_DIGEST':
      return composeStaffMail(row, type, deps);
  }
}
