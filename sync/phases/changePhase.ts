import { IN_LIST_MAX, nativeState } from '../../bridge/nativeTickets';
import { inBatchTransaction } from '../batchTransaction';
import { applyOutcome } from '../outcome';
import { PassContext } from '../passContext';
import { lockCursor, SYNC_CURSORS } from '../../store/cursors';
import { OpenState, openWindowDifferences, readOpenStatesOf } from '../store/openStates';
import { stateSignaturesFor } from '../store/stateSignatures';
import { countOpen } from '../store/ticketStates';
import { NativeTicketState } from '../../bridge/nativeTickets';
import { forgetWrittenFields } from '../../store/slaColumns';
import { computedFieldSignature } from '../../schema/ticketUserFields';
import { BatchInfo } from '../types';
import { isolateFailures, isRowError } from '../isolate';
import { emptyOutcome, mergeOutcome } from '../outcome';
import { setAsideIds } from '../../store/setAside';
import { WindowPart } from '../openSweep';
import { remapTickets } from './remapTickets';

/**
 * Changes to open tickets without triggers and without scanning b_ticket: compare the state signature
 * last mirrored with b_ticket's, read by primary key, for the known-open set (our (is_open, id) index).
 * The server compares (both signatures in SQL, as the reconciliation does) and sends back only the IDs
 * that differ; those are read and compared again in Node, and only tickets that differ there (or
 * vanished) are remapped, in a transaction. The daemon compares a rotating window of the set per poll
 * (openSweep.ts: all of it within sync.openSweepSeconds), plus at once the tickets this pass's new
 * message rows belong to: Bitrix writes a log line for nearly every field change. Without a sweep (`bxsup sync --once`) every open ticket is compared. Closed tickets are left
 * to the reopen fast path (messagePhase.ts) and the slow reconciliation. Tickets this pass mirrored for
 * the first time were read moments ago: they are compared from the next pass on (after a backfill,
 * that spares reading every open ticket again).
 */
export async function runChangePhase(ctx: PassContext): Promise<void> {
  const { db, logger } = ctx.deps;
  const upTo = ctx.atStart(SYNC_CURSORS.ticket);
  const found: Found = { suspects: [], overwritten: [] };
  const uf = await ctx.ufColumns(true);
  const signatures = stateSignaturesFor(await ctx.capabilities(), uf);
  // The server compares each window and names the tickets that differ: only those are read here.
  const candidates: number[] = [];
  /** ID ranges (after, through] whose open tickets the windows covered. */
  const covered: Array<[number, number]> = [];
  const compareWindow = async (afterId: number, through: number, limit: number): Promise<WindowPart> => {
    const window = await openWindowDifferences(db, { afterId, upToId: through, limit }, signatures);
    candidates.push(...window.differing);
    // A full window covers up to its last ID; a short one, everything up to `through`.
    covered.push([afterId, window.rows < limit ? through : window.lastId]);
    return { count: window.rows, lastId: window.lastId };
  };
  const sweep = ctx.deps.openSweep;
  let window: { tail: WindowPart; head: WindowPart | null } | null = null;
  if (sweep) {
    // Counted once per process (then each finished cycle tells); not on a first pass, which has nothing
    // to compare yet and would leave the count at 0 for the whole first cycle after a backfill.
    if (sweep.needsEstimate && upTo > 0) sweep.setEstimate(await countOpen(db, upTo));
    const asked = sweep.windowAt(ctx.now.getTime());
    const tail = await compareWindow(sweep.position, upTo, asked);
    const ended = tail.count < asked;
    // The set ended: the next cycle begins in this same window, from the lowest ID.
    const head =
      ended && sweep.position > 0
        ? await compareWindow(0, Math.min(upTo, sweep.position), asked - tail.count)
        : { count: 0, lastId: 0 };
    window = { tail, head: ended ? head : null };
  } else {
    for (let after = 0; ;) {
      const chunk = await compareWindow(after, upTo, ctx.batchSize);
      if (chunk.count < ctx.batchSize) break;
      after = chunk.lastId;
    }
  }
  const inWindow = (id: number) => covered.some(([after, through]) => id > after && id <= through);
  const touched = [...ctx.touched].filter((id) => id <= upTo && !inWindow(id));
  const toRead = [...new Set([...candidates, ...touched])].sort((a, b) => a - b);
  for (let i = 0; i < toRead.length; i += IN_LIST_MAX)
    compare(await readOpenStatesOf(db, toRead.slice(i, i + IN_LIST_MAX), uf), found);

  const { suspects, overwritten } = found;
  await restoreOverwrittenFields(ctx, overwritten);
  // A ticket set aside stays out of the fast path: the reconciliation retries it, once a cycle.
  const setAsideNow = await setAsideIds(db, suspects);
  await remapInBatches(
    ctx,
    suspects.filter((id) => !setAsideNow.has(id)),
    'changes',
  );
  if (suspects.length) logger.debug('open tickets changed in Bitrix', { count: suspects.length });
  // Moved on only once the window's changes are in: a pass that failed or stopped compares it again.
  if (sweep && window && !ctx.stopped()) sweep.moveOn(window, ctx.now.getTime());
}

interface Found {
  suspects: number[];
  overwritten: number[];
}

/** The mirror's signatures against b_ticket's: a difference (or a vanished row) makes a suspect. */
function compare(states: OpenState[], found: Found): void {
  for (const known of states) {
    const state = known.native;
    if (!state || nativeState(state) !== known.nativeState) found.suspects.push(known.id);
    if (state && fieldsOverwritten(state, known.ufState)) found.overwritten.push(known.id);
  }
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
