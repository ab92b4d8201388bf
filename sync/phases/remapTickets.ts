import { Knex } from 'knex';
import { nativeState, readTicketsByIds } from '../../bridge/nativeTickets';
import { readTicketFacts, recordTicketChanges } from '../store/ticketHistory';
import { isClosedValue, mapTicket } from '../mapping/ticketRow';
import { LogTransition, reopensFrom } from '../mapping/logTransitions';
import { appendTicketEvents } from '../../store/ticketEvents';
import { linkOrders, saveOrderLinks, titleLinkInput, ufValueAfter } from '../orderLinker';
import { BatchOutcome, emptyOutcome } from '../outcome';
import { PassContext } from '../passContext';
import { OutboxEvent } from '../store/outbox';
import { insertNewOutboxEntries } from '../../store/outbox/insert';
import { markDeleted, readMirrorTickets } from '../store/tickets';
import { upsertTickets } from '../store/ticketUpsert';
import { closeEventOf, ticketMappers } from './mirrorTickets';

/**
 * Brings mirrored tickets in line with b_ticket after a change: status, priority (and with it the SLA
 * deadlines), responsible, category, close and reopen, order link from UF_ORDER_ID; marks the ones
 * Bitrix deleted. Runs in the caller's transaction under the 'changes' lock, so reopen counting sees
 * each transition once even with two syncs running. Rows are re-read inside the transaction: what the
 * cheap comparison outside it suggested is checked again before anything is written.
 */
export interface RemapOptions {
  /**
   * Closes and reopens the module logged for these tickets since they were last mirrored (found by the
   * message phase): the tickets are remapped even if b_ticket looks as before, and reopens are counted.
   */
  transitions?: ReadonlyMap<number, readonly LogTransition[]>;
}

export async function remapTickets(
  trx: Knex.Transaction,
  ctx: PassContext,
  ids: number[],
  options: RemapOptions = {},
): Promise<BatchOutcome> {
  const transitions = options.transitions ?? new Map<number, readonly LogTransition[]>();
  const outcome = emptyOutcome();
  const caps = await ctx.capabilities();
  const native = await readTicketsByIds(trx, ids, await ctx.ufColumns(false));
  const mirror = await readMirrorTickets(trx, ids);
  const present = new Set(native.map((r) => Number(r.ID)));

  const gone = [...mirror.values()].filter((m) => !m.deleted && !present.has(m.id));
  await markDeleted(
    trx,
    gone.map((m) => m.id),
    ctx.now,
  );
  outcome.deleted = gone.length;
  outcome.ticketNotices.push(
    ...gone.map((m) => ({ ticketId: m.id, number: m.number, kind: 'deleted' as const })),
  );

  const changed = native.filter((row) => {
    const known = mirror.get(Number(row.ID));
    return (
      known !== undefined &&
      (known.deleted || known.nativeState !== nativeState(row) || transitions.has(known.id))
    );
  });
  if (changed.length === 0) return outcome;

  const mappers = await ticketMappers(trx, ctx, changed);
  const links = await linkOrders(
    trx,
    ctx,
    changed.map((row) => {
      const known = mirror.get(Number(row.ID))!;
      // The title is weighed only when nothing stays linked (it may have been edited, or the owner
      // changed and the old link is dropped).
      return titleLinkInput(row, { orderId: known.orderId, orderSource: known.orderSource });
    }),
  );

  const unseen: Array<{ ticketId: number; closedAt: Date; reopenedAt: Date }> = [];
  const rows = changed.map((row) => {
    const known = mirror.get(Number(row.ID))!;
    const signed = {
      ...row,
      UF_ORDER_ID: ufValueAfter(links.get(known.id), row.UF_ORDER_ID, caps.ufOrderId),
    };
    // Logged reopens beyond the one a closed→open change shows (mapTicket counts that one).
    const logged = reopensFrom(known.isOpen, !isClosedValue(row.DATE_CLOSE), transitions.get(known.id) ?? []);
    const shown = !known.isOpen && !known.deleted && !isClosedValue(row.DATE_CLOSE) ? 1 : 0;
    const ticket = mapTicket(
      signed,
      mappers,
      { reopenCount: known.reopenCount + logged.count - shown, isOpen: known.isOpen, deleted: known.deleted },
      ctx.now,
    );
    unseen.push(...logged.unseenPairs.map((pair) => ({ ticketId: known.id, ...pair })));
    return {
      ticket,
      extras: { number: known.number, orderId: known.orderId, orderSource: known.orderSource },
    };
  });
  // SLA history: what changed (priority, category, status, close, reopen), diffed against the mirror.
  const before = await readTicketFacts(
    trx,
    rows.map((r) => r.ticket.id),
  );
  await upsertTickets(trx, rows);
  await recordTicketChanges(
    trx,
    before,
    rows.map((r) => r.ticket),
    ctx.now,
  );
  // A close and a reopen that both fell between two polls: the state does not show them, the log did.
  await appendTicketEvents(
    trx,
    unseen.flatMap((u) => [
      { ticketId: u.ticketId, at: u.closedAt, kind: 'closed' as const, value: null },
      { ticketId: u.ticketId, at: u.reopenedAt, kind: 'reopened' as const, value: null },
    ]),
    ctx.now,
  );

  await saveOrderLinks(trx, ctx, links, { mirror: 'existing' });

  const events = changed.map((row) => closeEventOf(ctx, row)).filter((e): e is OutboxEvent => e !== null);
  outcome.events = await insertNewOutboxEntries(trx, events, ctx.now);
  outcome.changed = changed.length;
  outcome.ticketNotices.push(
    ...rows.map(({ ticket, extras }) => ({
      ticketId: ticket.id,
      number: extras.number,
      kind: 'changed' as const,
    })),
  );
  return outcome;
}
