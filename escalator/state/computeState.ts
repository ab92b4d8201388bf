import { Knex } from 'knex';
import { EscalationLevel } from '../escalationConfig';
import { EscalationPlan, planEscalations } from '../agent/plan';
import { FiredEscalation, readFired } from '../../store/escalations';
import { readHistoriesOf, readTicketRows, TicketSlaRow } from '../history/readHistory';
import { SlaPolicy } from '../../sla/slaMatrix';
import { computeSla } from '../../sla/slaEngine';
import { SlaEvent, SlaState } from '../../sla/slaTypes';
import { deadlinesInForce, StoredDeadlines } from './deadlinesInForce';

/** What the engine says about one ticket at `now`, with what was already done about it. */
export interface TicketComputation {
  /** The instant it was computed for. */
  now: Date;
  ticket: TicketSlaRow;
  events: SlaEvent[];
  state: SlaState;
  /** What first_reply_deadline / sla_deadline hold (see deadlinesInForce). */
  stored: StoredDeadlines;
  fired: FiredEscalation[];
  plan: EscalationPlan;
  lastOwnRaiseAt: Date | null;
}

export interface ComputeDeps {
  policy: SlaPolicy;
  levels: readonly EscalationLevel[];
  installedAt: Date | null;
}

/** Reads the tickets' rows, histories and escalations (a few indexed queries) and runs the engine. */
export async function computeTickets(
  db: Knex | Knex.Transaction,
  deps: ComputeDeps,
  ids: readonly number[],
  now: Date,
): Promise<TicketComputation[]> {
  return computeTicketRows(db, deps, ids.length ? await readTicketRows(db, ids) : [], now);
}

/** computeTickets for mirror rows the caller read already (see readHistoriesOf). */
export async function computeTicketRows(
  db: Knex | Knex.Transaction,
  deps: ComputeDeps,
  tickets: readonly TicketSlaRow[],
  now: Date,
): Promise<TicketComputation[]> {
  const [histories, fired] = await Promise.all([
    readHistoriesOf(db, tickets),
    readFired(
      db,
      tickets.map((t) => t.id),
    ),
  ]);
  const out: TicketComputation[] = [];
  for (const { ticket, events, lastOwnRaiseAt } of histories.values()) {
    const state = computeSla(events, deps.policy);
    const done = fired.get(ticket.id) ?? [];
    out.push({
      now,
      ticket,
      events,
      state,
      stored: deadlinesInForce(events, deps.policy, state),
      fired: done,
      plan: planEscalations(state, deps.levels, done, now, deps.installedAt),
      lastOwnRaiseAt,
    });
  }
  return out;
}
