import { maxTicketId, nativeState, readTicketStates, UfColumns } from '../../bridge/nativeTickets';
import { messageTicketIndex } from '../../bridge/nativeMessages';
import { RowBudget, UNLIMITED_ROWS } from '../../core/rowBudget';
import { PassContext } from '../passContext';
import { readCursors, RECONCILE_CURSORS, setCursor, setCursors, SYNC_CURSORS } from '../../store/cursors';
import { differencesInRange, RangeSignatures, readStatesByIds } from '../store/ticketStates';
import { stateSignaturesFor } from '../store/stateSignatures';
import { fieldsOverwritten, remapInBatches, restoreOverwrittenFields } from './changePhase';
import { clearSetAside, setAsideInRange } from '../../store/setAside';
import { reconcileMessages } from './reconcileMessages';
import { mirrorMissingTickets } from './ticketPhase';
import { estimatedCycleRows, pacedBudget } from '../reconcilePace';

/**
 * The slow sweep for what the cheap checks cannot see: closed tickets reopened, tickets deleted,
 * tickets and messages the PK cursors passed by (IDs committed out of order), messages deleted. It
 * walks b_ticket by ranges of primary key values, has the server compare each range with the mirror (the
 * tickets' signatures by a join, the messages by digests: only what differs is sent back and read), and
 * fixes the differences. The position is saved
 * after every range, so a cycle spreads over many passes and resumes after a restart; a new cycle starts
 * reconcileIntervalMs after the previous one ended.
 *
 * 'auto' paces itself by the row budget (db.maxRowsPerSecond): each range is sized to the rows the
 * budget allows now, and when it allows too few the rest waits for a later pass. The daemon also gives
 * it the cycle's pace (deps.reconcilePace, sync/reconcilePace.ts): a cycle spread over
 * sync.reconcileCycleMinutes, by the clock. 'full' (`bxsup sync --reconcile`, tests) runs the whole
 * cycle at once, unpaced: someone asked for it now.
 */
const AUTO_RANGES = 20;
/** Rows an ID costs before a range has measured it: a ticket's own rows and ~7 messages a side. */
const FIRST_ROWS_PER_ID = 20;
/** A range narrower than this is not worth its statements: wait until the budget allows this many. */
const MIN_RANGE_IDS = 100;

const R = RECONCILE_CURSORS;

export async function runReconcilePhase(ctx: PassContext): Promise<void> {
  const mode = ctx.options.reconcile ?? 'auto';
  if (mode === 'off') return;
  const { db } = ctx.deps;
  const pace = mode === 'auto' ? ctx.deps.reconcilePace : undefined;
  // Fresh values: another sync may have moved the reconciliation on since this pass started. A paced
  // pass needs its credit to know whether it sweeps; an unpaced one reads the cycle's count only when
  // it does (an idle poll stays a few rows).
  const { reconcilePosition, reconcileDoneAt } = SYNC_CURSORS;
  const cycleNames = [R.startedAt, R.cycleRows, R.lastCycleRows];
  const cursors = await readCursors(db, [
    reconcilePosition,
    reconcileDoneAt,
    ...(pace ? [...cycleNames, R.credit, R.creditAt] : []),
  ]);
  const stored = (name: string) => cursors.get(name) ?? 0;
  let position = stored(reconcilePosition);
  const doneAt = stored(reconcileDoneAt);
  const nowMs = ctx.now.getTime();
  const due = position > 0 || nowMs - doneAt >= ctx.deps.config.sync.reconcileIntervalMs;
  if (mode === 'auto' && !due) return;
  if (mode === 'auto' && doneAt === 0 && position === 0 && ctx.atStart(SYNC_CURSORS.ticket) === 0) {
    // The first pass has just mirrored everything there is: the first cycle is due an interval later.
    await setCursor(db, reconcileDoneAt, nowMs, ctx.now);
    return;
  }
  const ticketCursor = ctx.cursor(SYNC_CURSORS.ticket);
  // The last range reaches to the ticket cursor too, so mirror rows past the last native ID are seen.
  const end = Math.max(ticketCursor, await maxTicketId(db));
  // A cycle's own count of rows, for the pace's estimate: 'full' leaves the paced cycle's alone.
  const counted = mode === 'auto';
  const cycle = { rows: 0, lastRows: 0, startedAt: nowMs };
  const readCycle = () => {
    if (position > 0) {
      cycle.rows = stored(R.cycleRows);
      cycle.startedAt = stored(R.startedAt);
    }
    cycle.lastRows = stored(R.lastCycleRows);
  };
  if (pace) readCycle();
  let rowsPerId =
    position > 0 && cycle.rows > 0
      ? cycle.rows / position
      : cycle.lastRows > 0 && end > 0
        ? cycle.lastRows / end
        : FIRST_ROWS_PER_ID;
  const paced = pace
    ? pacedBudget(ctx.rowBudget, pace, {
        estimatedRows: estimatedCycleRows({ rowsSoFar: cycle.rows, position, end, rowsPerId }),
        minimumRangeRows: rowsPerId * Math.min(MIN_RANGE_IDS, ctx.batchSize),
        credit: { rows: stored(R.credit), atMs: stored(R.creditAt) },
        nowMs,
      })
    : null;
  const budget = mode === 'full' ? UNLIMITED_ROWS : (paced?.budget ?? ctx.rowBudget);
  if (rangeSize(budget, rowsPerId, ctx.batchSize) === 0) return;
  // Asked only now that a range would be read: an idle poll sends nothing for it.
  if (mode === 'auto' && ctx.deps.reconcileTurn && !(await ctx.deps.reconcileTurn.held())) return;
  if (counted && !pace) {
    const more = await readCursors(db, cycleNames);
    more.forEach((value, name) => cursors.set(name, value));
    readCycle();
  }
  const progress = (at: number, finished: Array<[string, number]> = []) =>
    new Map([
      ...cycleCursors(at, counted ? cycle : null, paced && { credit: paced.credit(), nowMs }),
      ...finished,
    ]);
  const messageCursor = ctx.cursor(SYNC_CURSORS.message);
  const uf = await ctx.ufColumns(true);
  const caps = await ctx.capabilities();
  const signatures: RangeSignatures = { ...stateSignaturesFor(caps, uf), ticketCursor };
  const index = await messageTicketIndex(db);
  for (let ranges = 0; mode === 'full' || ranges < AUTO_RANGES; ranges++) {
    if (ctx.stopped()) return;
    // Ranges of ID values: the server reads a range by the primary key, whatever its gaps.
    const span = rangeSize(budget, rowsPerId, ctx.batchSize);
    if (span === 0) return;
    const to = Math.max(position + 1, Math.min(position + span, end));
    const examined = await reconcileRange(ctx, position + 1, to, {
      ticketCursor,
      messageCursor,
      index,
      uf,
      signatures,
    });
    budget.spend(examined);
    cycle.rows += examined;
    rowsPerId = Math.max(1, examined / (to - position));
    position = to >= end ? 0 : to;
    if (position === 0) {
      const finished: Array<[string, number]> = [[reconcileDoneAt, nowMs]];
      if (counted) finished.push([R.lastCycleRows, cycle.rows]);
      await setCursors(db, progress(0, finished), ctx.now);
      ctx.result.reconciled = true;
      ctx.deps.logger.debug('reconciliation cycle finished', {
        rows: cycle.rows,
        minutes: Math.round((nowMs - cycle.startedAt) / 60_000),
      });
      return;
    }
    await setCursors(db, progress(position), ctx.now);
    ctx.options.onProgress?.({ phase: 'reconcile', done: position, total: end });
  }
}

/**
 * The cursors a range moves: the position, and in 'auto' the cycle's start and rows (reset when it
 * ends), and in a paced pass the credit left now.
 */
function cycleCursors(
  position: number,
  cycle: { startedAt: number; rows: number } | null,
  credit: { credit: number; nowMs: number } | null,
): Array<[string, number]> {
  const values: Array<[string, number]> = [[SYNC_CURSORS.reconcilePosition, position]];
  if (cycle) {
    values.push([R.startedAt, position === 0 ? 0 : cycle.startedAt]);
    values.push([R.cycleRows, position === 0 ? 0 : cycle.rows]);
  }
  if (credit) values.push([R.credit, Math.round(credit.credit)], [R.creditAt, credit.nowMs]);
  return values;
}

/**
 * How many IDs the next range may span: as many as the budget allows now at the rows an ID cost so far,
 * at most batchSize; 0 (wait for a later pass) while that is below MIN_RANGE_IDS, unless the bucket is
 * as full as it gets (a site of few tickets with many messages each).
 */
export function rangeSize(budget: RowBudget, rowsPerId: number, batchSize: number): number {
  const available = budget.available();
  const affordable = Math.min(batchSize, Math.floor(available / rowsPerId));
  if (affordable >= Math.min(batchSize, MIN_RANGE_IDS)) return affordable;
  return available > 0 && available >= budget.capacity ? Math.max(1, affordable) : 0;
}

interface RangeReads {
  ticketCursor: number;
  messageCursor: number;
  index: string | null;
  uf: UfColumns;
  signatures: RangeSignatures;
}

/**
 * Reconciles one range of ticket IDs; returns the rows the server examined for it. The server finds
 * the candidates (differencesInRange); only they are read and compared in Node, as the fast poll does.
 */
async function reconcileRange(
  ctx: PassContext,
  from: number,
  to: number,
  reads: RangeReads,
): Promise<number> {
  const { db } = ctx.deps;
  const diff = await differencesInRange(db, from, to, reads.signatures);
  // Tickets set aside are tried again here, once a cycle; those that go through leave the list.
  const setAsideHere = await setAsideInRange(db, from, to);
  const candidates = [...new Set([...diff.differing, ...setAsideHere])];
  const states = await readTicketStates(db, candidates, reads.uf);
  const mirror = new Map(
    (await readStatesByIds(db, [...candidates, ...diff.gone.map((g) => g.id)])).map((m) => [m.id, m]),
  );
  const missing: number[] = [];
  const suspects: number[] = [];
  const overwritten: number[] = [];
  for (const state of states) {
    const id = Number(state.ID);
    const known = mirror.get(id);
    if (!known) {
      if (id <= reads.ticketCursor) missing.push(id);
      continue;
    }
    if (known.deleted || known.nativeState !== nativeState(state)) suspects.push(id);
    if (!known.deleted && fieldsOverwritten(state, known.ufState)) overwritten.push(id);
  }
  await restoreOverwrittenFields(ctx, overwritten);
  for (const gone of diff.gone) if (!gone.deleted) suspects.push(gone.id);
  for (const id of setAsideHere) if (mirror.has(id) && !suspects.includes(id)) suspects.push(id);
  await mirrorMissingTickets(ctx, missing);
  await remapInBatches(ctx, suspects, 'reconcile');
  const messageRows = await reconcileMessages(ctx, {
    from,
    to,
    messageCursor: reads.messageCursor,
    goneTickets: diff.gone.map((g) => g.id),
    index: reads.index,
  });
  const cleared = await clearSetAside(
    db,
    setAsideHere.filter((id) => !ctx.setAsideNow.has(id)),
  );
  if (cleared > 0)
    ctx.deps.logger.info(`${cleared} ticket(s) set aside earlier went through now`, { from, to });
  return diff.examined + setAsideHere.length + states.length + mirror.size + messageRows;
}
