import { nonLogMessageIds, readMessagesByIds } from '../../bridge/nativeMessages';
import { nativeState, readTicketStateRange } from '../../bridge/nativeTickets';
import { inBatchTransaction } from '../batchTransaction';
import { applyOutcome } from '../outcome';
import { PassContext } from '../passContext';
import { lockCursor, readCursors, setCursor, SYNC_CURSORS } from '../store/cursors';
import { deleteMessages, mirroredMessageIds } from '../store/messages';
import { readStateRange } from '../store/ticketStates';
import { BatchInfo } from '../types';
import { remapInBatches } from './changePhase';
import { mirrorMessages } from './mirrorMessages';
import { mirrorMissingTickets } from './ticketPhase';

/**
 * The slow sweep for what the cheap checks cannot see: closed tickets reopened, tickets deleted,
 * tickets and messages the PK cursors passed by (IDs committed out of order), messages deleted. It
 * walks b_ticket by primary key ranges of sync.batchSize, compares each range with the mirror, and
 * fixes the differences. The position is saved after every range, so a cycle spreads over many passes
 * (at most AUTO_RANGES per pass) and resumes after a restart; a new cycle starts reconcileIntervalMs
 * after the previous one ended.
 */
const AUTO_RANGES = 20;

export async function runReconcilePhase(ctx: PassContext): Promise<void> {
  const mode = ctx.options.reconcile ?? 'auto';
  if (mode === 'off') return;
  const { db } = ctx.deps;
  // Fresh values: another sync may have moved the reconciliation on since this pass started.
  const cursors = await readCursors(db, [SYNC_CURSORS.reconcilePosition, SYNC_CURSORS.reconcileDoneAt]);
  let position = cursors.get(SYNC_CURSORS.reconcilePosition) ?? 0;
  const doneAt = cursors.get(SYNC_CURSORS.reconcileDoneAt) ?? 0;
  const due = position > 0 || ctx.now.getTime() - doneAt >= ctx.deps.config.sync.reconcileIntervalMs;
  if (mode === 'auto' && !due) return;
  if (mode === 'auto' && doneAt === 0 && position === 0 && ctx.atStart(SYNC_CURSORS.ticket) === 0) {
    // The first pass has just mirrored everything there is: the first cycle is due an interval later.
    await setCursor(db, SYNC_CURSORS.reconcileDoneAt, ctx.now.getTime(), ctx.now);
    return;
  }
  const ticketCursor = ctx.cursor(SYNC_CURSORS.ticket);
  const messageCursor = ctx.cursor(SYNC_CURSORS.message);
  const caps = await ctx.capabilities();
  for (let ranges = 0; mode === 'full' || ranges < AUTO_RANGES; ranges++) {
    if (ctx.stopped()) return;
    const states = await readTicketStateRange(db, position, ctx.batchSize, caps.ufOrderId);
    const last = states.length === ctx.batchSize;
    // The last range reaches to the ticket cursor, so mirror rows past the last native ID are seen too.
    const lastId = states.length ? Number(states[states.length - 1].ID) : 0;
    const to = last ? lastId : Math.max(ticketCursor, lastId, position + 1);
    await reconcileRange(ctx, states, position + 1, to, { ticketCursor, messageCursor });
    position = last ? to : 0;
    if (position === 0) {
      await setCursor(db, SYNC_CURSORS.reconcilePosition, 0, ctx.now);
      await setCursor(db, SYNC_CURSORS.reconcileDoneAt, ctx.now.getTime(), ctx.now);
      ctx.result.reconciled = true;
      ctx.deps.logger.debug('reconciliation cycle finished');
      return;
    }
    await setCursor(db, SYNC_CURSORS.reconcilePosition, position, ctx.now);
    ctx.options.onProgress?.({ phase: 'reconcile', done: position, total: Math.max(ticketCursor, position) });
  }
}

async function reconcileRange(
  ctx: PassContext,
  states: Array<Parameters<typeof nativeState>[0]>,
  from: number,
  to: number,
  cursors: { ticketCursor: number; messageCursor: number },
): Promise<void> {
  const { db } = ctx.deps;
  const mirror = new Map((await readStateRange(db, from, to)).map((m) => [m.id, m]));
  const native = new Set(states.map((s) => Number(s.ID)));
  const missing: number[] = [];
  const suspects: number[] = [];
  for (const state of states) {
    const id = Number(state.ID);
    const known = mirror.get(id);
    if (!known) {
      if (id <= cursors.ticketCursor) missing.push(id);
    } else if (known.deleted || known.nativeState !== nativeState(state)) suspects.push(id);
  }
  for (const known of mirror.values()) if (!known.deleted && !native.has(known.id)) suspects.push(known.id);
  await mirrorMissingTickets(ctx, missing);
  await remapInBatches(ctx, suspects, 'reconcile');
  await reconcileMessages(ctx, from, to, cursors.messageCursor, native);
}

/** Messages the cursor passed by are mirrored; mirrored ones Bitrix deleted (from live tickets) removed. */
async function reconcileMessages(
  ctx: PassContext,
  from: number,
  to: number,
  messageCursor: number,
  liveTickets: Set<number>,
): Promise<void> {
  const { db, logger } = ctx.deps;
  const nativeIds = await nonLogMessageIds(db, from, to, messageCursor);
  const mirrored = await mirroredMessageIds(db, from, to);
  const nativeSet = new Set(nativeIds.map((m) => Number(m.ID)));
  const mirroredSet = new Set(mirrored.map((m) => m.id));
  const missing = nativeIds.map((m) => Number(m.ID)).filter((id) => !mirroredSet.has(id));
  // Only up to the cursor this pass knows: past it, another sync may have mirrored rows that the
  // native read above was not asked about.
  const vanished = mirrored
    .filter((m) => m.id <= messageCursor && !nativeSet.has(m.id) && liveTickets.has(m.ticketId))
    .map((m) => m.id);
  if (missing.length === 0 && vanished.length === 0) return;
  await ctx.preload();
  const batch = await inBatchTransaction(db, logger, async (trx) => {
    await lockCursor(trx, SYNC_CURSORS.message);
    // Checked again under the lock before anything is deleted.
    const stillThere = new Set((await readMessagesByIds(trx, vanished)).map((m) => Number(m.ID)));
    const removed = vanished.filter((id) => !stillThere.has(id));
    await deleteMessages(trx, removed);
    const result = await mirrorMessages(trx, ctx, await readMessagesByIds(trx, missing), null);
    const info: BatchInfo = { phase: 'reconcile', rows: missing.length + removed.length, cursor: 0 };
    await ctx.options.onBatch?.(info);
    return { result, info, removed: removed.length };
  });
  logger.info('reconciliation repaired messages', {
    mirrored: batch.result.outcome.messages,
    removed: batch.removed,
  });
  applyOutcome(ctx, batch.result.outcome, batch.info);
}
