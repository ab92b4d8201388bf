import { readTicketsAfter, readTicketsByIds } from '../../bridge/nativeTickets';
import { inBatchTransaction } from '../batchTransaction';
import { applyOutcome } from '../outcome';
import { PassContext } from '../passContext';
import { lockCursor, setCursor, SYNC_CURSORS } from '../store/cursors';
import { BatchInfo } from '../types';
import { mirrorNewTickets } from './mirrorTickets';

/**
 * New tickets, by primary key after the 'ticket' cursor, a batch per transaction. `max` is the probe's
 * MAX(b_ticket.ID), which the server answers from the end of the index: an idle poll reads no rows.
 */
export async function runTicketPhase(ctx: PassContext, max: number): Promise<void> {
  const { db, logger } = ctx.deps;
  const start = ctx.cursor(SYNC_CURSORS.ticket);
  if (max <= start) return;
  await ctx.preload();
  const caps = await ctx.capabilities();
  while (!ctx.stopped()) {
    const batch = await inBatchTransaction(db, logger, async (trx) => {
      const cursor = await lockCursor(trx, SYNC_CURSORS.ticket);
      const rows = await readTicketsAfter(trx, cursor, ctx.batchSize, caps.ufOrderId);
      if (rows.length === 0) return null;
      const last = Number(rows[rows.length - 1].ID);
      const outcome = await mirrorNewTickets(trx, ctx, rows, { after: cursor, upTo: last });
      const info: BatchInfo = { phase: 'tickets', rows: rows.length, cursor: last };
      await setCursor(trx, SYNC_CURSORS.ticket, info.cursor, ctx.now);
      await ctx.options.onBatch?.(info);
      return { outcome, info };
    });
    if (batch === null) break;
    applyOutcome(ctx, batch.outcome, batch.info);
    ctx.noteCursor(SYNC_CURSORS.ticket, batch.info.cursor);
    ctx.options.onProgress?.({
      phase: 'tickets',
      done: Math.min(batch.info.cursor, max) - start,
      total: max - start,
    });
    if (batch.info.rows < ctx.batchSize) break;
  }
}

/**
 * Tickets the cursor passed by without mirroring: an ID Bitrix took before a higher one but committed
 * after we read past it. Found by the message phase (a message waits for its ticket) and by the
 * reconciliation; mirrored under the same lock as new tickets, so numbers stay unique.
 */
export async function mirrorMissingTickets(ctx: PassContext, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  const { db, logger } = ctx.deps;
  await ctx.preload();
  const caps = await ctx.capabilities();
  const batch = await inBatchTransaction(db, logger, async (trx) => {
    await lockCursor(trx, SYNC_CURSORS.ticket);
    const rows = await readTicketsByIds(trx, ids, caps.ufOrderId);
    const outcome = await mirrorNewTickets(trx, ctx, rows, null);
    const info: BatchInfo = { phase: 'tickets', rows: rows.length, cursor: 0 };
    await ctx.options.onBatch?.(info);
    return { outcome, info };
  });
  if (batch.outcome.tickets > 0)
    logger.info(`mirrored ${batch.outcome.tickets} ticket(s) the cursor had passed by`, { ids });
  applyOutcome(ctx, batch.outcome, batch.info);
}
