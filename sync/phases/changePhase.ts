import { nativeState, readTicketStates } from '../../bridge/nativeTickets';
import { inBatchTransaction } from '../batchTransaction';
import { applyOutcome } from '../outcome';
import { PassContext } from '../passContext';
import { lockCursor, SYNC_CURSORS } from '../store/cursors';
import { readOpenChunk } from '../store/ticketStates';
import { BatchInfo } from '../types';
import { remapTickets } from './remapTickets';

/**
 * Changes to open tickets without triggers and without scanning b_ticket: walk the known-open set in
 * chunks (our (is_open, id) index), read those rows of b_ticket by primary key, and compare their state
 * signature with the one last mirrored. Only tickets that differ (or vanished) are remapped, in a
 * transaction. Closed tickets are left to the slow reconciliation (a reopen is rare and not urgent).
 * Tickets this pass mirrored for the first time were read moments ago: they are compared from the next
 * pass on (after a backfill, that spares reading every open ticket again).
 */
export async function runChangePhase(ctx: PassContext): Promise<void> {
  const { db, logger } = ctx.deps;
  const upTo = ctx.atStart(SYNC_CURSORS.ticket);
  const suspects: number[] = [];
  let after = 0;
  let withUf: boolean | null = null;
  for (;;) {
    const chunk = await readOpenChunk(db, after, upTo, ctx.batchSize);
    if (chunk.length === 0) break;
    withUf ??= (await ctx.capabilities()).ufOrderId;
    const states = new Map(
      (
        await readTicketStates(
          db,
          chunk.map((c) => c.id),
          withUf,
        )
      ).map((s) => [Number(s.ID), nativeState(s)]),
    );
    for (const known of chunk) {
      if (states.get(known.id) !== known.nativeState) suspects.push(known.id);
    }
    after = chunk[chunk.length - 1].id;
    if (chunk.length < ctx.batchSize) break;
  }
  await remapInBatches(ctx, suspects, 'changes');
  if (suspects.length) logger.debug('open tickets changed in Bitrix', { count: suspects.length });
}

/** Remaps tickets a batch per transaction, each under the 'changes' lock. */
export async function remapInBatches(
  ctx: PassContext,
  ids: number[],
  phase: 'changes' | 'reconcile',
): Promise<void> {
  if (ids.length === 0) return;
  await ctx.preload();
  for (let i = 0; i < ids.length && !ctx.stopped(); i += ctx.batchSize) {
    const slice = ids.slice(i, i + ctx.batchSize);
    const batch = await inBatchTransaction(ctx.deps.db, ctx.deps.logger, async (trx) => {
      await lockCursor(trx, SYNC_CURSORS.changes);
      const outcome = await remapTickets(trx, ctx, slice);
      const info: BatchInfo = { phase, rows: slice.length, cursor: 0 };
      await ctx.options.onBatch?.(info);
      return { outcome, info };
    });
    applyOutcome(ctx, batch.outcome, batch.info);
  }
}
