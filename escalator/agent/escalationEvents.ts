import { EventEmitter } from 'node:events';
import { DeliveryResult } from '../webhooks/deliver';
import type { PassResult } from './passResult';

/**
 * What the escalation agent did, for metrics and tests (which await these instead of sleeping or
 * polling the cron). Each is emitted after what it reports committed.
 */
export interface EscalationEventMap {
  /** One applied level of one ticket, after the ticket's escalation (alone or in its batch) committed. */
  'escalation:fired': [{ ticketId: number; level: string; target: string }];
  /** Each pass, including one skipped because another process held the lock (`ran: false`). */
  'pass:finished': [PassResult];
  /** The webhook deliveries that followed a pass, after the escalate lock was released. */
  'webhooks:delivered': [DeliveryResult];
}

export type EscalationEvents = EventEmitter<EscalationEventMap>;

export function createEscalationEvents(): EscalationEvents {
  return new EventEmitter<EscalationEventMap>();
}
