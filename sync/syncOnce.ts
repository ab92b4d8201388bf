import { performance } from 'node:perf_hooks';
import { createPassContext, PassContext } from './passContext';
import { readNativeMaxIds } from '../bridge/nativeMaxIds';
import { checkInstalled } from './preflight';
import { runChangePhase } from './phases/changePhase';
import { runMessagePhase } from './phases/messagePhase';
import { runReconcilePhase } from './phases/reconcilePhase';
import { mirrorMissingTickets, runTicketPhase } from './phases/ticketPhase';
import { ensureCursors, SYNC_CURSORS } from '../store/cursors';
import { SyncDeps, SyncOptions, SyncPassResult } from './types';

/** How often one pass goes back for tickets its messages wait for before leaving them to the next. */
const MAX_ROUNDS = 3;

/**
 * One sync pass: new tickets, new messages, changes to open tickets, and (when due) a slice of the slow
 * reconciliation. Every batch commits its mirror rows, outbox rows and cursor together, so the pass can
 * be stopped or killed anywhere and the next one carries on. The daemon calls it every
 * sync.pollIntervalMs; `bxsup sync --once` calls it once (a first pass is the backfill).
 */
export async function syncOnce(deps: SyncDeps, options: SyncOptions = {}): Promise<SyncPassResult> {
  const started = performance.now();
  const cursorNames = Object.values(SYNC_CURSORS);
  const { baseline, cursors } = await checkInstalled(deps.db, cursorNames);
  const ctx = createPassContext(deps, options, baseline, cursors);
  // Writes only on a first pass: an idle poll stays read-only.
  if (cursorNames.some((name) => !cursors.has(name))) await ensureCursors(deps.db, cursorNames, ctx.now);

  for (let round = 1; round <= MAX_ROUNDS && !ctx.stopped(); round++) {
    const waitingFor = await runNewRows(ctx);
    if (waitingFor === null) break;
    // The ticket phase of the next round picks the ticket up when it is past the ticket cursor; one the
    // cursor passed by (committed out of order) has to be fetched by ID.
    if (waitingFor <= ctx.cursor(SYNC_CURSORS.ticket)) await mirrorMissingTickets(ctx, [waitingFor]);
  }
  if (!ctx.stopped()) await runChangePhase(ctx);
  if (!ctx.stopped()) await runReconcilePhase(ctx);
  // The roots' SLA refresh recomputes what this (or a killed earlier) pass changed: one indexed probe when idle.
  const r = ctx.result;
  const changed = Boolean(
    r.tickets || r.messages || r.changedTickets || r.deletedTickets || r.restoredFields,
  );
  if (!ctx.stopped()) await deps.afterPass?.(deps, { now: ctx.now, limit: ctx.batchSize, changed });

  const result = ctx.result;
  result.complete = !ctx.stopped();
  result.durationMs = Math.round(performance.now() - started);
  if (result.tickets || result.messages || result.events || result.changedTickets || result.deletedTickets) {
    deps.logger.info(
      `synced ${result.tickets} new ticket(s), ${result.messages} message(s), ${result.changedTickets} changed, ${result.deletedTickets} deleted; ${result.events} event(s) queued`,
      { module: 'sync', ...result },
    );
  }
  ctx.emit('pass:finished', result);
  return result;
}

/**
 * Below this many batches of new tickets the two phases run one after the other: the daemon's regular
 * passes are that small, and overlapping them would save next to nothing there.
 */
const SIDE_BY_SIDE_BATCHES = 20;

/**
 * New tickets, then new messages; with a backlog of tickets (a first pass) the two phases run side by
 * side (see ticketLane.ts). Either one failing stops the other between batches, and the error is passed
 * on once both have stopped: nothing of this pass is still writing when it rejects. Returns the ticket
 * the messages wait for, if any.
 */
async function runNewRows(ctx: PassContext): Promise<number | null> {
  // "Anything new?": both MAX(ID)s in one statement; an idle poll stops here (both phases return at once).
  const max = await readNativeMaxIds(ctx.deps.db);
  if (max.ticketId <= ctx.cursor(SYNC_CURSORS.ticket) && max.messageId <= ctx.cursor(SYNC_CURSORS.message))
    return null;
  if (max.ticketId - ctx.cursor(SYNC_CURSORS.ticket) < SIDE_BY_SIDE_BATCHES * ctx.batchSize) {
    await runTicketPhase(ctx, max.ticketId);
    return runMessagePhase(ctx, max.messageId);
  }
  // Settled at once into a value: its error is rethrown below, never left unhandled meanwhile.
  const tickets = ctx.lane
    .run(() => runTicketPhase(ctx, max.ticketId), ctx.halt)
    .then(
      () => null,
      (err: unknown) => ({ err }),
    );
  let waitingFor: number | null;
  try {
    waitingFor = await runMessagePhase(ctx, max.messageId);
  } catch (err) {
    ctx.halt();
    await tickets;
    throw err;
  }
  const failed = await tickets;
  if (failed) throw failed.err;
  return waitingFor;
}
