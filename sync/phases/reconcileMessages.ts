import {
  nonLogMessageDigest,
  nonLogMessageIds,
  readMessagesByIds,
  TicketRangeRead,
} from '../../bridge/nativeMessages';
import { sameIdSet } from '../../bridge/idSetDigest';
import { existingTicketIds } from '../../bridge/nativeTickets';
import { inBatchTransaction } from '../batchTransaction';
import { isolateFailures, isRowError } from '../isolate';
import { applyOutcome, mergeOutcome } from '../outcome';
import { PassContext } from '../passContext';
import { lockCursor, SYNC_CURSORS } from '../../store/cursors';
import { deleteMessages, mirroredMessageDigest, mirroredMessageIds } from '../store/messages';
import { BatchInfo } from '../types';
import { mirrorMessages } from './mirrorMessages';

export interface MessageRange {
  from: number;
  to: number;
  messageCursor: number;
  /** Mirrored tickets of the range that Bitrix no longer has: their messages are left be. */
  goneTickets: number[];
  /** b_ticket_message's TICKET_ID index (messageTicketIndex). */
  index: string | null;
}

/**
 * The reconciliation of one range's messages: those the cursor passed by are mirrored, mirrored ones
 * Bitrix deleted (from live tickets) removed. First the server compares digests of both sides
 * (bridge/idSetDigest.ts); only a range whose digests differ is read ID by ID and repaired. Equal
 * digests mean the detail read would find nothing: the native side is what it compares (non-log
 * messages up to the cursor), the mirror side what it could act on (up to the cursor, of live tickets).
 * Returns the rows the server examined, for the row budget.
 */
export async function reconcileMessages(ctx: PassContext, range: MessageRange): Promise<number> {
  const { db } = ctx.deps;
  const { from, to, messageCursor } = range;
  const read = { fromTicketId: from, toTicketId: to, upToMessageId: messageCursor, index: range.index };
  const native = await nonLogMessageDigest(db, read);
  const mirror = await mirroredMessageDigest(db, from, to, messageCursor, range.goneTickets);
  const examined = native.examined + mirror.examined;
  if (sameIdSet(native, mirror)) return examined;
  ctx.deps.logger.debug('reconciliation: messages differ, reading the range', {
    from,
    to,
    native: native.count,
    mirrored: mirror.count,
  });
  await repairRange(ctx, range, read);
  return 2 * examined;
}

async function repairRange(ctx: PassContext, range: MessageRange, read: TicketRangeRead): Promise<void> {
  const { db, logger } = ctx.deps;
  const { from, to, messageCursor } = range;
  const nativeIds = await nonLogMessageIds(db, read);
  const mirrored = await mirroredMessageIds(db, from, to);
  const nativeSet = new Set(nativeIds.map((m) => Number(m.ID)));
  const mirroredSet = new Set(mirrored.map((m) => m.id));
  const missing = nativeIds.map((m) => Number(m.ID)).filter((id) => !mirroredSet.has(id));
  // Only up to the cursor this pass knows: past it, another sync may have mirrored rows that the
  // native read above was not asked about.
  // And only of tickets Bitrix still has: those of a deleted ticket stay with it.
  const gone = new Set(range.goneTickets);
  const unmatched = mirrored.filter(
    (m) => m.id <= messageCursor && !nativeSet.has(m.id) && !gone.has(m.ticketId),
  );
  const live = await existingTicketIds(db, [...new Set(unmatched.map((m) => m.ticketId))]);
  const vanished = unmatched.filter((m) => live.has(m.ticketId)).map((m) => m.id);
  if (missing.length === 0 && vanished.length === 0) return;
  await ctx.preload();
  const repair = (toMirror: number[], toCheck: number[]) =>
    inBatchTransaction(db, logger, async (trx) => {
      await lockCursor(trx, SYNC_CURSORS.message);
      // Checked again under the lock before anything is deleted.
      const stillThere = new Set((await readMessagesByIds(trx, toCheck)).map((m) => Number(m.ID)));
      const removed = toCheck.filter((id) => !stillThere.has(id));
      await deleteMessages(trx, removed);
      const result = await mirrorMessages(trx, ctx, await readMessagesByIds(trx, toMirror), null);
      const info: BatchInfo = { phase: 'reconcile', rows: toMirror.length + removed.length, cursor: 0 };
      await ctx.options.onBatch?.(info);
      return { result, info, removed: removed.length };
    });
  const batch = await repair(missing, vanished).catch(async (err: unknown) => {
    if (!isRowError(err)) throw err;
    const first = await repair([], vanished);
    const ticketOf = new Map(nativeIds.map((m) => [Number(m.ID), Number(m.TICKET_ID)]));
    await isolateFailures(
      missing,
      async (id) => void mergeOutcome(first.result.outcome, (await repair([id], [])).result.outcome),
      (id, reason) =>
        ctx.setAside(db, { ticketId: ticketOf.get(id) ?? 0, phase: 'messages', messageId: id, reason }),
      logger,
      (id) => `message ${id} of ticket ${ticketOf.get(id)}`,
    );
    return first;
  });
  logger.info('reconciliation repaired messages', {
    mirrored: batch.result.outcome.messages,
    removed: batch.removed,
  });
  applyOutcome(ctx, batch.result.outcome, batch.info);
}
