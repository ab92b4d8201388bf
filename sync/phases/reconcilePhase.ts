import { nonLogMessageIds, readMessagesByIds } from '../../bridge/nativeMessages';
import { nativeState, NativeTicketState, readTicketStateRange } from '../../bridge/nativeTickets';
import { inBatchTransaction } from '../batchTransaction';
import { applyOutcome } from '../outcome';
import { PassContext } from '../passContext';
import { lockCursor, readCursors, setCursor, SYNC_CURSORS } from '../store/cursors';
import { deleteMessages, mirroredMessageIds } from '../store/messages';
import { readStateRange } from '../store/ticketStates';
import { BatchInfo } from '../types';
import { fieldsOverwritten, remapInBatches, restoreOverwrittenFields } from './changePhase';
import { isolateFailures, isRowError } from '../isolate';
import { mergeOutcome } from '../outcome';
import { clearSetAside, setAsideInRange } from '../store/setAside';
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
  const uf = await ctx.ufColumns(true);
  for (let ranges = 0; mode === 'full' || ranges < AUTO_RANGES; ranges++) {
    if (ctx.stopped()) return;
    const states = await readTicketStateRange(db, position, ctx.batchSize, uf);
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
  states: NativeTicketState[],
  from: number,
  to: number,
  cursors: { ticketCursor: number; messageCursor: number },
): Promise<void> {
  const { db } = ctx.deps;
  const mirror = new Map((await readStateRange(db, from, to)).map((m) => [m.id, m]));
  const native = new Set(states.map((s) => Number(s.ID)));
  const missing: number[] = [];
  const suspects: number[] = [];
  const overwritten: number[] = [];
  for (const state of states) {
    const id = Number(state.ID);
    const known = mirror.get(id);
    if (!known) {
      if (id <= cursors.ticketCursor) missing.push(id);
      continue;
    }
    if (known.deleted || known.nativeState !== nativeState(state)) suspects.push(id);
    if (!known.deleted && fieldsOverwritten(state, known.ufState)) overwritten.push(id);
  }
  await restoreOverwrittenFields(ctx, overwritten);
  for (const known of mirror.values()) if (!known.deleted && !native.has(known.id)) suspects.push(known.id);
  // Tickets set aside are tried again here, once a cycle; those that go through leave the list.
  const setAsideHere = await setAsideInRange(db, from, to);
  for (const id of setAsideHere) if (mirror.has(id) && !suspects.includes(id)) suspects.push(id);
  await mirrorMissingTickets(ctx, missing);
  await remapInBatches(ctx, suspects, 'reconcile');
  await reconcileMessages(ctx, from, to, cursors.messageCursor, native);
  const cleared = await clearSetAside(
    db,
    setAsideHere.filter((id) => !ctx.setAsideNow.has(id)),
  );
  if (cleared > 0)
    ctx.deps.logger.info(`${cleared} ticket(s) set aside earlier went through now`, { from, to });
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
