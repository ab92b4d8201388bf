import { readTicketsAfter, readTicketsByIds, UfColumns } from '../../bridge/nativeTickets';
import { inBatchTransaction } from '../batchTransaction';
import { isolateFailures, isRowError } from '../isolate';
import { applyOutcome, BatchOutcome, emptyOutcome, mergeOutcome } from '../outcome';
import { PassContext } from '../passContext';
import { lockCursor, setCursor, SYNC_CURSORS } from '../../store/cursors';
import { BatchInfo } from '../types';
import { mirrorNewTickets } from './mirrorTickets';
import { copyHistoryTickets } from './copyTickets';

/**
 * New tickets, by primary key after the 'ticket' cursor, a batch per transaction. `max` is the probe's
 * MAX(b_ticket.ID), which the server answers from the end of the index: an idle poll reads no rows.
 */
export async function runTicketPhase(ctx: PassContext, max: number): Promise<void> {
  const { db, logger } = ctx.deps;
  const start = ctx.cursor(SYNC_CURSORS.ticket);
  if (max <= start) return;
  await ctx.preload();
  const uf = await ctx.ufColumns(false);
  // History tickets (a backfill) are copied by the server where it can map them as Node does.
  const sql = start < ctx.baseline.ticketId ? await ctx.ticketSql() : null;
  while (!ctx.stopped()) {
    const batch = await inBatchTransaction(db, logger, async (trx) => {
      const cursor = await lockCursor(trx, SYNC_CURSORS.ticket);
      const copied = sql ? await copyHistoryTickets(trx, ctx, sql, cursor, uf) : null;
      let outcome: BatchOutcome;
      let info: BatchInfo;
      if (copied) {
        outcome = copied.outcome;
        info = { phase: 'tickets', rows: copied.rows, cursor: copied.last };
      } else {
        const rows = await readTicketsAfter(trx, cursor, ctx.batchSize, uf);
        if (rows.length === 0) return null;
        const last = Number(rows[rows.length - 1].ID);
        outcome = await mirrorNewTickets(trx, ctx, rows, { after: cursor, upTo: last });
        info = { phase: 'tickets', rows: rows.length, cursor: last };
      }
      await setCursor(trx, SYNC_CURSORS.ticket, info.cursor, ctx.now);
      await ctx.options.onBatch?.(info);
      return { outcome, info };
    }).catch(async (err: unknown) => {
      if (!isRowError(err)) throw err;
      return mirrorOneByOne(ctx, uf);
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
 * A batch of new tickets failed on one ticket's data: the same rows one ticket per transaction, the cursor
 * moved past each; a ticket that fails alone is set aside with its reason (store/setAside.ts), and its
 * messages are skipped until a reconciliation mirrors it.
 */
async function mirrorOneByOne(
  ctx: PassContext,
  uf: UfColumns,
): Promise<{ outcome: BatchOutcome; info: BatchInfo } | null> {
  const { db, logger } = ctx.deps;
  const rows = await readTicketsAfter(db, ctx.cursor(SYNC_CURSORS.ticket), ctx.batchSize, uf);
  if (rows.length === 0) return null;
  const outcome = emptyOutcome();
  let reached = 0;
  await isolateFailures(
    rows,
    async (row) => {
      const id = Number(row.ID);
      const done = await inBatchTransaction(db, logger, async (trx) => {
        const cursor = await lockCursor(trx, SYNC_CURSORS.ticket);
        if (cursor >= id) return emptyOutcome();
        const one = await mirrorNewTickets(trx, ctx, [row], { after: cursor, upTo: id });
        await setCursor(trx, SYNC_CURSORS.ticket, id, ctx.now);
        await ctx.options.onBatch?.({ phase: 'tickets', rows: 1, cursor: id });
        return one;
      });
      mergeOutcome(outcome, done);
      reached = id;
    },
    async (row, reason) => {
      const id = Number(row.ID);
      await inBatchTransaction(db, logger, async (trx) => {
        const cursor = await lockCursor(trx, SYNC_CURSORS.ticket);
        await ctx.setAside(trx, { ticketId: id, phase: 'tickets', reason });
        if (cursor < id) await setCursor(trx, SYNC_CURSORS.ticket, id, ctx.now);
      });
      reached = id;
    },
    logger,
    (row) => `ticket ${row.ID}`,
  );
  return { outcome, info: { phase: 'tickets', rows: rows.length, cursor: reached } };
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
  const uf = await ctx.ufColumns(false);
  const mirror = (some: number[]) =>
    inBatchTransaction(db, logger, async (trx) => {
      await lockCursor(trx, SYNC_CURSORS.ticket);
      const rows = await readTicketsByIds(trx, some, uf);
      const outcome = await mirrorNewTickets(trx, ctx, rows, null);
      const info: BatchInfo = { phase: 'tickets', rows: rows.length, cursor: 0 };
      await ctx.options.onBatch?.(info);
      return { outcome, info };
    });
  const batch = await mirror(ids).catch(async (err: unknown) => {
    if (!isRowError(err)) throw err;
    const outcome = emptyOutcome();
    await isolateFailures(
      ids,
      async (id) => void mergeOutcome(outcome, (await mirror([id])).outcome),
      (id, reason) => ctx.setAside(db, { ticketId: id, phase: 'tickets', reason }),
      logger,
      (id) => `ticket ${id}`,
    );
    return { outcome, info: { phase: 'tickets' as const, rows: ids.length, cursor: 0 } };
  });
  if (batch.outcome.tickets > 0)
    logger.info(`mirrored ${batch.outcome.tickets} ticket(s) the cursor had passed by`, { ids });
  applyOutcome(ctx, batch.outcome, batch.info);
}
