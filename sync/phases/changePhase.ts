import { nativeState, readTicketStates, UfColumns } from '../../bridge/nativeTickets';
import { inBatchTransaction } from '../batchTransaction';
import { applyOutcome } from '../outcome';
import { PassContext } from '../passContext';
import { lockCursor, SYNC_CURSORS } from '../store/cursors';
import { readOpenChunk } from '../store/ticketStates';
import { NativeTicketState } from '../../bridge/nativeTickets';
import { forgetWrittenFields } from '../../escalator/state/storeState';
import { computedFieldSignature } from '../../schema/ticketUserFields';
import { BatchInfo } from '../types';
import { isolateFailures, isRowError } from '../isolate';
import { emptyOutcome, mergeOutcome } from '../outcome';
import { setAsideIds } from '../store/setAside';
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
  const overwritten: number[] = [];
  let after = 0;
  let uf: UfColumns | null = null;
  for (;;) {
    const chunk = await readOpenChunk(db, after, upTo, ctx.batchSize);
    if (chunk.length === 0) break;
    uf ??= await ctx.ufColumns(true);
    const states = new Map(
      (
        await readTicketStates(
          db,
          chunk.map((c) => c.id),
          uf,
        )
      ).map((s) => [Number(s.ID), s]),
    );
    for (const known of chunk) {
      const state = states.get(known.id);
      if (!state || nativeState(state) !== known.nativeState) suspects.push(known.id);
      if (state && fieldsOverwritten(state, known.ufState)) overwritten.push(known.id);
    }
    after = chunk[chunk.length - 1].id;
    if (chunk.length < ctx.batchSize) break;
  }
  await restoreOverwrittenFields(ctx, overwritten);
  // A ticket set aside stays out of the fast path: the reconciliation retries it, once a cycle.
  const setAsideNow = await setAsideIds(db, suspects);
  await remapInBatches(
    ctx,
    suspects.filter((id) => !setAsideNow.has(id)),
    'changes',
  );
  if (suspects.length) logger.debug('open tickets changed in Bitrix', { count: suspects.length });
}

/**
 * The computed fields of a ticket hold something else than the daemon last wrote (uf_state): a form
 * posted them (the public form copies every UF_* of the request, an old admin form re-posts all fields).
 * Nothing is compared before the daemon has written once.
 */
export function fieldsOverwritten(state: NativeTicketState, written: string | null): boolean {
  return (
    written !== null && state.computed !== undefined && computedFieldSignature(state.computed) !== written
  );
}

/** Marks overwritten computed fields for the end-of-pass SLA refresh, which writes them again. */
export async function restoreOverwrittenFields(ctx: PassContext, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await forgetWrittenFields(ctx.deps.db, ids);
  ctx.result.restoredFields += ids.length;
  ctx.deps.logger.info(
    `computed user fields of ${ids.length} ticket(s) were overwritten in Bitrix: writing them again`,
    {
      module: 'sync',
      ticketIds: ids.slice(0, 20),
    },
  );
}

/** Remaps tickets a batch per transaction, each under the 'changes' lock. */
export async function remapInBatches(
  ctx: PassContext,
  ids: number[],
  phase: 'changes' | 'reconcile',
): Promise<void> {
  if (ids.length === 0) return;
  await ctx.preload();
  const remap = (some: number[]) =>
    inBatchTransaction(ctx.deps.db, ctx.deps.logger, async (trx) => {
      await lockCursor(trx, SYNC_CURSORS.changes);
      const outcome = await remapTickets(trx, ctx, some);
      const info: BatchInfo = { phase, rows: some.length, cursor: 0 };
      await ctx.options.onBatch?.(info);
      return { outcome, info };
    });
  for (let i = 0; i < ids.length && !ctx.stopped(); i += ctx.batchSize) {
    const slice = ids.slice(i, i + ctx.batchSize);
    const batch = await remap(slice).catch(async (err: unknown) => {
      if (!isRowError(err)) throw err;
      // One ticket's data failed the batch: each on its own, the one that fails alone set aside.
      const outcome = emptyOutcome();
      await isolateFailures(
        slice,
        async (id) => void mergeOutcome(outcome, (await remap([id])).outcome),
        (id, reason) => ctx.setAside(ctx.deps.db, { ticketId: id, phase: 'changes', reason }),
        ctx.deps.logger,
        (id) => `ticket ${id}`,
      );
      return { outcome, info: { phase, rows: slice.length, cursor: 0 } };
    });
    applyOutcome(ctx, batch.outcome, batch.info);
  }
}
