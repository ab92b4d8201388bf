import { nativeState, NativeTicketState, readTicketStateRange } from '../../bridge/nativeTickets';
import { messageTicketIndex } from '../../bridge/nativeMessages';
import { RowBudget, UNLIMITED_ROWS } from '../../core/rowBudget';
import { PassContext } from '../passContext';
import { readCursors, setCursor, SYNC_CURSORS } from '../store/cursors';
import { readStateRange } from '../store/ticketStates';
import { fieldsOverwritten, remapInBatches, restoreOverwrittenFields } from './changePhase';
import { clearSetAside, setAsideInRange } from '../store/setAside';
import { reconcileMessages } from './reconcileMessages';
import { mirrorMissingTickets } from './ticketPhase';

/**
 * The slow sweep for what the cheap checks cannot see: closed tickets reopened, tickets deleted,
 * tickets and messages the PK cursors passed by (IDs committed out of order), messages deleted. It
 * walks b_ticket by primary key ranges, compares each range with the mirror (the messages by a digest
 * the server computes, see reconcileMessages.ts), and fixes the differences. The position is saved
 * after every range, so a cycle spreads over many passes and resumes after a restart; a new cycle starts
 * reconcileIntervalMs after the previous one ended.
 *
 * 'auto' paces itself by the row budget (db.maxRowsPerSecond): each range is sized to the rows the
 * budget allows now, and when it allows too few the rest waits for a later pass. 'full' (`bxsup sync
 * --reconcile`, tests) runs the whole cycle at once, unpaced: someone asked for it now.
 */
const AUTO_RANGES = 20;
/** Rows a ticket costs before a range has measured it: its b_ticket, UF and mirror rows, ~7 messages a side. */
const FIRST_ROWS_PER_TICKET = 20;
/** A range smaller than this is not worth its statements: wait until the budget allows this many. */
const MIN_RANGE_TICKETS = 100;

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
  const budget = mode === 'full' ? UNLIMITED_ROWS : ctx.rowBudget;
  const ticketCursor = ctx.cursor(SYNC_CURSORS.ticket);
  const messageCursor = ctx.cursor(SYNC_CURSORS.message);
  const uf = await ctx.ufColumns(true);
  const index = await messageTicketIndex(db);
  let rowsPerTicket = FIRST_ROWS_PER_TICKET;
  for (let ranges = 0; mode === 'full' || ranges < AUTO_RANGES; ranges++) {
    if (ctx.stopped()) return;
    const limit = rangeSize(budget, rowsPerTicket, ctx.batchSize);
    if (limit === 0) return;
    const states = await readTicketStateRange(db, position, limit, uf);
    const more = states.length === limit;
    // The last range reaches to the ticket cursor, so mirror rows past the last native ID are seen too.
    const lastId = states.length ? Number(states[states.length - 1].ID) : 0;
    const to = more ? lastId : Math.max(ticketCursor, lastId, position + 1);
    const read = states.length * (uf.orderId || uf.computed.length ? 2 : 1);
    const examined =
      read + (await reconcileRange(ctx, states, position + 1, to, { ticketCursor, messageCursor, index }));
    budget.spend(examined);
    if (states.length) rowsPerTicket = Math.max(1, examined / states.length);
    position = more ? to : 0;
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

/**
 * How many tickets the next range may take: as many as the budget allows now at the rows a ticket
 * cost so far, at most batchSize; 0 (wait for a later pass) while that is below MIN_RANGE_TICKETS, unless
 * the bucket is as full as it gets (a site of few tickets with many messages each).
 */
export function rangeSize(budget: RowBudget, rowsPerTicket: number, batchSize: number): number {
  const available = budget.available();
  const affordable = Math.min(batchSize, Math.floor(available / rowsPerTicket));
  if (affordable >= Math.min(batchSize, MIN_RANGE_TICKETS)) return affordable;
  return available > 0 && available >= budget.capacity ? Math.max(1, affordable) : 0;
}

/** Reconciles one range; returns the rows the server examined for it beyond the native ticket read. */
async function reconcileRange(
  ctx: PassContext,
  states: NativeTicketState[],
  from: number,
  to: number,
  cursors: { ticketCursor: number; messageCursor: number; index: string | null },
): Promise<number> {
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
  const gone = [...mirror.keys()].filter((id) => !native.has(id));
  for (const id of gone) if (!mirror.get(id)!.deleted) suspects.push(id);
  // Tickets set aside are tried again here, once a cycle; those that go through leave the list.
  const setAsideHere = await setAsideInRange(db, from, to);
  for (const id of setAsideHere) if (mirror.has(id) && !suspects.includes(id)) suspects.push(id);
  await mirrorMissingTickets(ctx, missing);
  await remapInBatches(ctx, suspects, 'reconcile');
  const messageRows = await reconcileMessages(ctx, {
    from,
    to,
    messageCursor: cursors.messageCursor,
    liveTickets: native,
    goneTickets: gone,
    index: cursors.index,
  });
  const cleared = await clearSetAside(
    db,
    setAsideHere.filter((id) => !ctx.setAsideNow.has(id)),
  );
  if (cleared > 0)
    ctx.deps.logger.info(`${cleared} ticket(s) set aside earlier went through now`, { from, to });
  return mirror.size + setAsideHere.length + messageRows;
}
