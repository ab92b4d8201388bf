import { PassContext } from './passContext';
import { OutboxEvent } from './store/outbox';
import { BatchInfo, MessageSyncedEvent, TicketSyncedEvent } from './types';

/**
 * What a batch did, collected while its transaction is open and applied to the pass (counts, lifecycle
 * events) only after it committed: a batch rolled back and retried is counted and announced once.
 */
export interface BatchOutcome {
  tickets: number;
  messages: number;
  changed: number;
  deleted: number;
  events: OutboxEvent[];
  ticketNotices: TicketSyncedEvent[];
  messageNotices: MessageSyncedEvent[];
}

export function emptyOutcome(): BatchOutcome {
  return {
    tickets: 0,
    messages: 0,
    changed: 0,
    deleted: 0,
    events: [],
    ticketNotices: [],
    messageNotices: [],
  };
}

export function mergeOutcome(into: BatchOutcome, from: BatchOutcome): BatchOutcome {
  into.tickets += from.tickets;
  into.messages += from.messages;
  into.changed += from.changed;
  into.deleted += from.deleted;
  into.events.push(...from.events);
  into.ticketNotices.push(...from.ticketNotices);
  into.messageNotices.push(...from.messageNotices);
  return into;
}

export function applyOutcome(ctx: PassContext, outcome: BatchOutcome, batch: BatchInfo | null): void {
  const r = ctx.result;
  r.tickets += outcome.tickets;
  r.messages += outcome.messages;
  r.changedTickets += outcome.changed;
  r.deletedTickets += outcome.deleted;
  r.events += outcome.events.length;
  if (!ctx.deps.events) return;
  for (const notice of outcome.ticketNotices) ctx.emit('ticket:synced', notice);
  for (const notice of outcome.messageNotices) ctx.emit('message:synced', notice);
  for (const event of outcome.events) ctx.emit('outbox:queued', event);
  if (batch) ctx.emit('batch:committed', batch);
}
