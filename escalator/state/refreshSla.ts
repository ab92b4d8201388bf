import { Knex } from 'knex';
import { isLockConflict } from '../../core/lockConflicts';
import { writeTwoAtOnce } from '../../core/readAhead';
import { TICKET_COLUMNS, TicketSlaRow } from '../history/readHistory';
import { computeTicketRows, ComputeDeps, TicketComputation } from './computeState';
import { pendingDueAt, StoreDeps, writeComputation, writeComputations } from './storeState';

/**
 * Recomputes the SLA of tickets from their history and stores it (deadlines, pause, flags, next_due_at,
 * user fields). The sync (after it changed tickets) and the escalation pass (first thing) call
 * refreshStaleSla, so a ticket whose history moved is computed again, and one whose refresh was missed
 * (a crash, a version race) is caught up.
 */
export interface SlaRefreshDeps extends ComputeDeps, StoreDeps {
  db: Knex;
}

/** Tickets computed per round: their rows, histories and escalations in a few indexed queries. */
const BATCH = 500;

/**
 * Computations stored per transaction, in a few statements for all of them (storeState.ts
 * writeComputations): a commit and two statements per ticket cost more than the ticket's whole refresh
 * (the sync refreshes 1,000 tickets after a backfill), while a hundred rows keep their locks for tens
 * of milliseconds. Rows are locked in ID order, as any other refresh locks them; should InnoDB still
 * pick the batch as a deadlock victim, it is stored again one ticket per transaction.
 */
const STORE_BATCH = 100;

export interface RefreshOptions {
  /** Open tickets only (the sync's idle poll). */
  openOnly?: boolean;
  /**
   * The computations the caller writes itself, with more (the escalation pass: those with due points,
   * escalated and stored in one go rather than stored here and read and stored again); it returns the
   * ones left to store here. Those it took count as refreshed.
   */
  takeOver?: (computed: TicketComputation[]) => Promise<TicketComputation[]>;
}

/**
 * Computed rows stored (or handed to `takeOver`, which stores those it takes and returns the rest).
 */
async function storeRound(
  deps: SlaRefreshDeps,
  computed: TicketComputation[],
  takeOver?: RefreshOptions['takeOver'],
): Promise<number> {
  const rest = takeOver ? await takeOver(computed) : computed;
  return computed.length - rest.length + (await storeComputations(deps, rest));
}

/** Computations stored STORE_BATCH per transaction; `nextDueAt` decides each one's next_due_at. */
export async function storeComputations(
  deps: SlaRefreshDeps,
  computed: readonly TicketComputation[],
  nextDueAt: (c: TicketComputation) => Date | null = pendingDueAt,
): Promise<number> {
  let stored = 0;
  for (let j = 0; j < computed.length; j += STORE_BATCH)
    stored += await storeAll(deps, computed.slice(j, j + STORE_BATCH), nextDueAt);
  return stored;
}

async function storeAll(
  deps: SlaRefreshDeps,
  computed: readonly TicketComputation[],
  nextDueAt: (c: TicketComputation) => Date | null,
): Promise<number> {
  try {
    return await deps.db.transaction((trx) =>
      writeComputations(
        trx,
        deps,
        computed.map((computation) => ({ computation, nextDueAt: nextDueAt(computation) })),
      ),
    );
  } catch (err) {
    if (!isLockConflict(err)) throw err;
    let stored = 0;
    for (const c of computed)
      stored += (await deps.db.transaction((trx) => writeComputation(trx, deps, c, nextDueAt(c)))) ? 1 : 0;
    return stored;
  }
}

/**
 * Open tickets first (they can be due), then closed ones; at most `limit` per call. The next round is
 * read and computed while this one and the one before are stored (on the pool's other connections:
 * reads that take no locks, of tickets after these rounds'), so that Node computes while the server
 * writes: the first pass after install catches up tens of thousands of tickets this way.
 */
export async function refreshStaleSla(
  deps: SlaRefreshDeps,
  now: Date,
  limit: number,
  options: RefreshOptions = {},
): Promise<number> {
  let stored = 0;
  let seen = 0;
  /**
   * Up to `max` stale rows after `afterId`, with the columns the computation reads (no second read),
   * read before their history (see readHistoriesOf), and computed.
   */
  const readRound = async (isOpen: number, afterId: number, max: number) => {
    const rows = (await deps
      .db('bl_support_ticket')
      .where({ sla_stale: 1, is_open: isOpen })
      .andWhere('id', '>', afterId)
      .orderBy('id')
      .limit(max)
      .select(TICKET_COLUMNS)) as TicketSlaRow[];
    return { rows, asked: max, computed: await computeTicketRows(deps.db, deps, rows, now) };
  };
  for (const isOpen of options.openOnly ? [1] : [1, 0]) {
    if (seen >= limit) break;
    // Two rounds are stored at once (see writeTwoAtOnce): they hold different tickets, whose rows every
    // store locks by primary or unique key.
    await writeTwoAtOnce(
      readRound(isOpen, 0, Math.min(BATCH, limit - seen)),
      (round) => {
        seen += round.rows.length;
        // A short round was the rest of the range.
        return round.rows.length === round.asked && seen < limit
          ? readRound(isOpen, round.rows[round.rows.length - 1].id, Math.min(BATCH, limit - seen))
          : null;
      },
      async (round) => {
        if (round.rows.length === 0) return;
        // Not `stored += await …`: that reads `stored` before the wait, and two stores run at once.
        const n = await storeRound(deps, round.computed, options.takeOver);
        stored += n;
      },
    );
  }
  return stored;
}
