import { Knex } from 'knex';
import { NativeTicket } from '../../bridge/nativeTickets';
import { recordNewTickets } from '../store/ticketHistory';
import { supportGroupsOf } from '../../bridge/staff';
import { assignNumbers, countByDay } from '../mapping/ticketNumber';
import { isClosedValue, mapTicket, MirrorTicket, someId, TicketMappers } from '../mapping/ticketRow';
import { linkOrders, saveOrderLinks, titleLinkInput, ufValueAfter } from '../orderLinker';
import { emptyOutcome, BatchOutcome } from '../outcome';
import { PassContext } from '../passContext';
import { reserveNumbersByDay } from '../store/numbers';
import { closedEvent, createdEvent, OutboxEvent } from '../store/outbox';
import { insertNewOutboxEntries } from '../../store/outbox/insert';
import { insertNewTickets } from '../store/ticketUpsert';
import { IdSpan } from '../store/idSpan';
import { mirroredTicketIdsIn, readMirrorTickets } from '../store/tickets';

/**
 * Mirrors native tickets that have no mirror row yet (new ones past the cursor, or ones the cursor
 * passed by): numbers, order link, SLA deadlines, and the created/closed events of what is not history.
 * Runs inside the caller's transaction, which holds the 'ticket' cursor lock: numbers are reserved
 * under it and commit or roll back with the rows. `span`: the rows were read after the cursor, up to
 * the last of them (see IdSpan).
 */
export async function mirrorNewTickets(
  trx: Knex.Transaction,
  ctx: PassContext,
  rows: NativeTicket[],
  span: IdSpan | null,
): Promise<BatchOutcome> {
  const outcome = emptyOutcome();
  const ids = rows.map((r) => Number(r.ID));
  const existing = new Set(
    span ? await mirroredTicketIdsIn(trx, span) : (await readMirrorTickets(trx, ids)).keys(),
  );
  const fresh = rows.filter((r) => !existing.has(Number(r.ID)));
  if (fresh.length === 0) return outcome;
  const caps = await ctx.capabilities();
  const mappers = await ticketMappers(trx, ctx, fresh);
  const links = await linkOrders(
    trx,
    ctx,
    fresh.map((r) => titleLinkInput(r)),
  );
  const mapped: MirrorTicket[] = fresh.map((row) => {
    // The state signature must include the UF value we are about to write, or the next poll would
    // take our own write for an operator's change.
    const signed = {
      ...row,
      UF_ORDER_ID: ufValueAfter(links.get(Number(row.ID)), row.UF_ORDER_ID, caps.ufOrderId),
    };
    return mapTicket(signed, mappers, null, ctx.now);
  });
  const reserved = await reserveNumbersByDay(trx, countByDay(mapped));
  const numbers = assignNumbers(mapped, reserved);
  await insertNewTickets(
    trx,
    mapped.map((ticket) => ({
      ticket,
      extras: {
        number: numbers.get(ticket.id)!,
        orderId: links.get(ticket.id)?.orderId ?? null,
        orderSource: links.get(ticket.id)?.orderSource ?? null,
      },
    })),
  );
  // The SLA history starts here (created, category, status; closed for a ticket already closed).
  // A span that held no mirror row now holds exactly the new ones.
  const history = span && existing.size === 0 ? span : mapped.map((t) => t.id);
  await recordNewTickets(trx, history, ctx.now);
  await saveOrderLinks(trx, ctx, links, { mirror: 'inserted' });
  const events: OutboxEvent[] = [];
  for (const row of fresh) {
    const id = Number(row.ID);
    // A ticket closed with a zero DATE_CLOSE is closed since a time nobody knows: no "received" mail.
    const closedAtUnknown = isClosedValue(row.DATE_CLOSE) && ctx.toInstant(row.DATE_CLOSE) === null;
    if (id > ctx.baseline.ticketId && !closedAtUnknown) events.push(createdEvent(id, numbers.get(id)!));
    const close = closeEventOf(ctx, row);
    if (close) events.push(close);
  }
  outcome.events = await insertNewOutboxEntries(trx, events, ctx.now);
  outcome.tickets = fresh.length;
  outcome.ticketNotices = mapped.map((t) => ({
    ticketId: t.id,
    number: numbers.get(t.id)!,
    kind: 'created',
  }));
  return outcome;
}

/**
 * SUPPORT_TICKET_CLOSED for a ticket closed after the install, unless the bridge closed it itself.
 * The event key carries DATE_CLOSE, so proposing it again (every later change of a closed ticket) is a
 * no-op in the outbox.
 */
export function closeEventOf(ctx: PassContext, row: NativeTicket): OutboxEvent | null {
  if (!isClosedValue(row.DATE_CLOSE)) return null;
  // A zero DATE_CLOSE names no time: nothing to tell the customer about now.
  const closedAt = ctx.toInstant(row.DATE_CLOSE);
  // Native times have whole seconds: a close in the install's own second is after the install.
  const installSecond = Math.floor(ctx.baseline.installedAt.getTime() / 1000) * 1000;
  if (closedAt === null || closedAt.getTime() < installSecond) return null;
  if ((row.MODIFIED_MODULE_NAME ?? '').toLowerCase() === 'bxsup') return null;
  return closedEvent(Number(row.ID), row.DATE_CLOSE!, row.AUTO_CLOSED === 'Y');
}

export async function ticketMappers(
  trx: Knex.Transaction,
  ctx: PassContext,
  rows: NativeTicket[],
): Promise<TicketMappers> {
  const caps = await ctx.capabilities();
  const responsibles = [
    ...new Set(rows.map((r) => someId(r.RESPONSIBLE_USER_ID)).filter((v): v is number => v !== null)),
  ];
  return {
    ...(await ctx.mappers()),
    zone: ctx.deps.zone,
    toInstant: ctx.toInstant,
    groupOf: caps.supportGroups ? await supportGroupsOf(trx, responsibles) : new Map(),
  };
}
