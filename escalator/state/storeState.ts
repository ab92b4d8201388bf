import { Knex } from 'knex';
import { instantToNative, instantToUtc } from '../../core/time';
import { upsertManyUserFieldValues, upsertUserFieldValues } from '../../bridge/userFieldValues';
import {
  AgentColumns,
  lockSlaVersions,
  SlaColumnValues,
  storeSlaState,
  storeSlaStates,
  writeAgentColumnsStale,
} from '../../store/slaColumns';
import { COMPUTED_USER_FIELDS, computedFieldSignature } from '../../schema/ticketUserFields';
import { TicketComputation } from './computeState';
import { nextSlaStateChange, slaStateAt } from './slaStateField';

/**
 * Writes a computed SLA state to bl_support_ticket and the ticket's user fields, in one transaction.
 * Guarded by sla_version: if history was written after the computation read it, nothing is stored
 * and the ticket stays stale, to be computed again from the newer history.
 */
export interface StoreDeps {
  /** The site's zone: UF_SLA_DEADLINE is a native (site-local) datetime. */
  zone: string;
  /** Which of the computed fields (COMPUTED_USER_FIELDS) are installed. */
  userFields: ReadonlySet<string>;
  /** UF_SLA_STATE's value IDs (b_user_field_enum.ID) by state, when it is installed. */
  slaStateIds?: ReadonlyMap<string, number>;
}

/** What the agent changed on the mirror in the same transaction as the computation it stores. */
export type StoreExtra = AgentColumns;

/** `nextDueAt`: the plan's, or an earlier point still to be acted on (a failed or baseline pass). */
export async function storeComputation(
  db: Knex,
  deps: StoreDeps,
  c: TicketComputation,
  nextDueAt: Date | null,
): Promise<boolean> {
  return db.transaction((trx) => writeComputation(trx, deps, c, nextDueAt));
}

/**
 * The store inside the caller's transaction. When the version guard fails, the agent's own columns
 * (and its version bump) are written all the same, and the ticket is left stale for a recomputation.
 */
export async function writeComputation(
  trx: Knex.Transaction,
  deps: StoreDeps,
  c: TicketComputation,
  nextDueAt: Date | null,
  extra: StoreExtra = {},
): Promise<boolean> {
  const { ticket } = c;
  const uf = userFieldChange(c, deps);
  const stored = await storeSlaState(
    trx,
    { id: ticket.id, sla: slaColumns(c, nextDueAt), ufState: uf?.signature ?? null, agent: extra },
    ticket.sla_version,
  );
  if (!stored) return false;
  if (uf) await upsertUserFieldValues(trx, ticket.id, uf.values);
  return true;
}

/**
 * Many computations stored in the caller's transaction in four statements, where writeComputation
 * takes two a ticket: the refresh after a backfill stores a thousand, and its round trips were most of
 * its time. The same guard: the rows are locked in ID order, and a ticket whose history moved on since
 * it was read (another sla_version) is not stored and stays stale. Returns how many were stored.
 * An entry's `extra` (an escalation batch: the agent's own columns and history) is written as
 * writeComputation writes it, also where the guard fails (one more statement then).
 */
export async function writeComputations(
  trx: Knex.Transaction,
  deps: StoreDeps,
  list: ReadonlyArray<{ computation: TicketComputation; nextDueAt: Date | null; extra?: StoreExtra }>,
): Promise<number> {
  if (list.length === 0) return 0;
  const versions = await lockSlaVersions(
    trx,
    list.map((e) => e.computation.ticket.id),
  );
  const isCurrent = ({ computation: { ticket } }: (typeof list)[number]) =>
    versions.get(ticket.id) === Number(ticket.sla_version);
  const current = list.filter(isCurrent);
  const rows = current.map(({ computation, nextDueAt, extra }) => ({
    id: computation.ticket.id,
    sla: slaColumns(computation, nextDueAt),
    uf: userFieldChange(computation, deps),
    agent: extra,
  }));
  await storeSlaStates(
    trx,
    rows.map((r) => ({ id: r.id, sla: r.sla, ufState: r.uf?.signature ?? null, agent: r.agent })),
  );
  await upsertManyUserFieldValues(
    trx,
    rows.flatMap((r) => (r.uf ? [{ ticketId: r.id, values: r.uf.values }] : [])),
  );
  await writeAgentColumnsStale(
    trx,
    list.flatMap((e) => (e.extra && !isCurrent(e) ? [{ id: e.computation.ticket.id, agent: e.extra }] : [])),
  );
  return current.length;
}

/** The SLA columns a computation decides (store/slaColumns.ts writes them). */
function slaColumns(c: TicketComputation, nextDueAt: Date | null): SlaColumnValues {
  const { state, plan } = c;
  const utc = (d: Date | null) => (d ? instantToUtc(d) : null);
  return {
    first_reply_deadline: utc(c.stored.firstReply),
    sla_deadline: utc(c.stored.resolution),
    paused_minutes: Math.round(state.pausedMinutes),
    sla_paused: state.paused ? 1 : 0,
    first_reply_breached: plan.firstReplyBreached ? 1 : 0,
    resolution_breached: plan.resolutionBreached ? 1 : 0,
    next_due_at: utc(nextDueAt),
  };
}

/**
 * The user field values to write, with their signature (kept in uf_state), or null when they are what
 * was written last (or no user field is installed): an unchanged value is not written again.
 */
function userFieldChange(
  c: TicketComputation,
  deps: StoreDeps,
): { values: Record<string, string | null>; signature: string } | null {
  const values = userFieldValues(c, deps);
  const signature = computedFieldSignature(values);
  return Object.keys(values).length > 0 && signature !== c.ticket.uf_state ? { values, signature } : null;
}

/**
 * How each computed field's value follows from the computation; one entry per field of
 * COMPUTED_USER_FIELDS (a field added there needs its entry here).
 * UF_SLA_DEADLINE: the deadline operators must meet next: the first reply's until someone answered,
 * then the resolution's; empty while the clock is stopped (paused, closed).
 * UF_SLA_STATE: on time / warning / breached / paused / met, as the ID of the enumeration's value.
 */
const COMPUTED_VALUES: Record<string, (c: TicketComputation, deps: StoreDeps) => string | null> = {
  UF_SLA_DEADLINE({ state }, deps) {
    const deadline = state.closed
      ? null
      : state.firstReplyAt === null
        ? state.firstReplyDeadline
        : state.paused
          ? null
          : state.resolutionDeadline;
    return deadline ? instantToNative(deadline, deps.zone) : null;
  },
  UF_TICKET_NUMBER: (c) => c.ticket.number,
  // The enumeration's value ID for the state at the computation's instant (slaStateField.ts).
  UF_SLA_STATE(c, deps) {
    const id = deps.slaStateIds?.get(slaStateAt(c, c.now));
    return id === undefined ? null : String(id);
  },
};

/** The values of the installed computed fields, in COMPUTED_USER_FIELDS order. */
export function userFieldValues(c: TicketComputation, deps: StoreDeps): Record<string, string | null> {
  const values: Record<string, string | null> = {};
  for (const { fieldName } of COMPUTED_USER_FIELDS) {
    if (deps.userFields.has(fieldName)) values[fieldName] = COMPUTED_VALUES[fieldName](c, deps);
  }
  return values;
}

/**
 * The next_due_at to store when nothing is acted on now: due points first, then the plan's next, or
 * the instant UF_SLA_STATE changes if that comes first (a configuration without a warning level still
 * gets its warning state on time: the agent computes and stores the ticket then).
 */
export function pendingDueAt(c: TicketComputation): Date | null {
  const due = c.plan.due[0]?.at;
  if (due) return due;
  const next = [c.plan.nextDueAt, nextSlaStateChange(c, c.now)].filter((d): d is Date => d !== null);
  return next.length ? new Date(Math.min(...next.map((d) => d.getTime()))) : null;
}
