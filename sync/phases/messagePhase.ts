import { NativeMessage, readMessagesAfter } from '../../bridge/nativeMessages';
import { isLogLine } from '../mapping/messageRow';
import { inBatchTransaction } from '../batchTransaction';
import { applyOutcome } from '../outcome';
import { PassContext } from '../passContext';
import { lockCursor, setCursor, SYNC_CURSORS } from '../../store/cursors';
import { BatchInfo } from '../types';
import { MessageBatchResult, mirrorMessages } from './mirrorMessages';
import { isolateFailures, isRowError } from '../isolate';
import { emptyOutcome, mergeOutcome } from '../outcome';

/**
 * Messages per batch, as a multiple of sync.batchSize (which counts tickets): a message batch holds
 * metadata only (bodies are copied by the server), and a ticket has several messages. At eight, a
 * backfill's message batch covers about as many tickets as a ticket batch and the per-batch costs
 * (lock, cursor, round trips, commit) are spread over as many rows as the server copies well in one go.
 */
export const MESSAGE_BATCH_FACTOR = 8;

/**
 * New messages, by primary key after the 'message' cursor. The cursor stops right before a message
 * whose ticket is not mirrored yet (never skipping it); the ID of that ticket is returned so the pass
 * can mirror it and come back. `max` is the probe's MAX(b_ticket_message.ID). The tickets of the rows
 * dealt with (log lines too) are noted in ctx.touched for the change phase.
 */
export async function runMessagePhase(ctx: PassContext, max: number): Promise<number | null> {
  const { db, logger } = ctx.deps;
  const start = ctx.cursor(SYNC_CURSORS.message);
  if (max <= start) return null;
  await ctx.preload();
  const limit = ctx.batchSize * MESSAGE_BATCH_FACTOR;
  let after = start;
  while (!ctx.stopped()) {
    // Read before the batch's transaction, to wait for its tickets (ticketLane.ts) without holding the
    // lock or a connection. Used as it is when the cursor is still where it was (the rows are then what
    // a read under the lock would have given a moment earlier); else read again under the lock.
    const ahead = await readMessagesAfter(db, after, limit);
    if (ahead.length === 0) break;
    await ctx.lane.until(highestTicketId(ahead));
    if (ctx.stopped()) break;
    const batch = await inBatchTransaction(db, logger, async (trx) => {
      const cursor = await lockCursor(trx, SYNC_CURSORS.message);
      const rows = cursor === after ? ahead : await readMessagesAfter(trx, cursor, limit);
      if (rows.length === 0) return null;
      const result = await mirrorMessages(trx, ctx, rows, cursor);
      const next = result.consumed > 0 ? Number(rows[result.consumed - 1].ID) : cursor;
      const info: BatchInfo = { phase: 'messages', rows: result.consumed, cursor: next };
      if (next !== cursor) {
        await setCursor(trx, SYNC_CURSORS.message, next, ctx.now);
        await ctx.options.onBatch?.(info);
      }
      return { result, info, read: rows.length, rows: rows.slice(0, result.consumed) };
    }).catch(async (err: unknown) => {
      if (!isRowError(err)) throw err;
      return mirrorOneByOne(ctx, ahead);
    });
    if (batch === null) break;
    for (const row of batch.rows) ctx.touched.add(Number(row.TICKET_ID));
    applyOutcome(ctx, batch.result.outcome, batch.info.rows > 0 ? batch.info : null);
    ctx.noteCursor(SYNC_CURSORS.message, batch.info.cursor);
    after = batch.info.cursor;
    // While the ticket phase runs its progress is the pass's: the bars follow one another as before.
    if (!ctx.lane.active) {
      ctx.options.onProgress?.({
        phase: 'messages',
        done: Math.min(batch.info.cursor, max) - start,
        total: max - start,
      });
    }
    if (batch.result.blockedTicketId !== null) {
      logger.debug('messages wait for their ticket to be mirrored', {
        ticketId: batch.result.blockedTicketId,
        cursor: batch.info.cursor,
      });
      return batch.result.blockedTicketId;
    }
    if (batch.read < limit) break;
  }
  return null;
}

/**
 * A message batch failed on one message's data: the same messages one per transaction, the cursor moved
 * past each; a message that fails alone is skipped and its ticket set aside with the reason (the
 * reconciliation retries it). Stops where a message waits for its ticket, as a batch does.
 */
async function mirrorOneByOne(
  ctx: PassContext,
  rows: NativeMessage[],
): Promise<{ result: MessageBatchResult; info: BatchInfo; read: number; rows: NativeMessage[] }> {
  const { db, logger } = ctx.deps;
  const outcome = emptyOutcome();
  let consumed = 0;
  let reached = ctx.cursor(SYNC_CURSORS.message);
  let blockedTicketId: number | null = null;
  const dealtWith: NativeMessage[] = [];
  const pending = [...rows];
  await isolateFailures(
    pending,
    async (row) => {
      if (blockedTicketId !== null) return;
      const id = Number(row.ID);
      const one = await inBatchTransaction(db, logger, async (trx) => {
        const cursor = await lockCursor(trx, SYNC_CURSORS.message);
        if (cursor >= id) return null;
        const result = await mirrorMessages(trx, ctx, [row], cursor);
        if (result.blockedTicketId !== null) return result;
        await setCursor(trx, SYNC_CURSORS.message, id, ctx.now);
        await ctx.options.onBatch?.({ phase: 'messages', rows: 1, cursor: id });
        return result;
      });
      if (one?.blockedTicketId != null) {
        blockedTicketId = one.blockedTicketId;
        return;
      }
      if (one) mergeOutcome(outcome, one.outcome);
      consumed++;
      reached = id;
      dealtWith.push(row);
    },
    async (row, reason) => {
      const id = Number(row.ID);
      await inBatchTransaction(db, logger, async (trx) => {
        const cursor = await lockCursor(trx, SYNC_CURSORS.message);
        await ctx.setAside(trx, {
          ticketId: Number(row.TICKET_ID),
          phase: 'messages',
          messageId: id,
          reason,
        });
        if (cursor < id) await setCursor(trx, SYNC_CURSORS.message, id, ctx.now);
      });
      consumed++;
      reached = id;
    },
    logger,
    (row) => `message ${row.ID} of ticket ${row.TICKET_ID}`,
  );
  return {
    result: { outcome, consumed, blockedTicketId },
    info: { phase: 'messages', rows: consumed, cursor: reached },
    read: rows.length,
    rows: dealtWith,
  };
}

function highestTicketId(rows: NativeMessage[]): number {
  let highest = 0;
  for (const row of rows) if (!isLogLine(row)) highest = Math.max(highest, Number(row.TICKET_ID));
  return highest;
}
