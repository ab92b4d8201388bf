import { Knex } from 'knex';
import { instantToNative, instantToUtc } from '../../core/time';
import { upsertManyUserFieldValues, upsertUserFieldValues } from '../../bridge/userFieldValues';
import { updateTicketsJoined } from '../../sync/store/tickets';
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
export interface StoreExtra {
  /** Mirror columns written with the SLA (priority, assigned_to, escalation_level). */
  columns?: Record<string, string | number | null>;
  /** History events the transaction appended: the stored version moves past them. */
  versionBump?: number;
}

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
  const bump = extra.versionBump ?? 0;
  const uf = userFieldChange(c, deps);
  const updated = await trx('bl_support_ticket')
    .where({ id: ticket.id, sla_version: ticket.sla_version })
    .update({
      ...extra.columns,
      ...slaColumns(c, nextDueAt),
      sla_version: trx.raw('sla_version + ?', [bump]),
      sla_stale: 0,
      ...(uf ? { uf_state: uf.signature } : {}),
    });
  if (updated !== 1) {
    if (extra.columns || bump > 0) {
      await trx('bl_support_ticket')
        .where({ id: ticket.id })
        .update({ ...extra.columns, sla_version: trx.raw('sla_version + ?', [bump]), sla_stale: 1 });
    }
    return false;
  }
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
  const locked = await trx('bl_support_ticket')
    .whereIn(
      'id',
      list.map((e) => e.computation.ticket.id),
    )
    .orderBy('id')
    .forUpdate()
    .select<Array<{ id: number; sla_version: number }>>('id', 'sla_version');
  const versions = new Map(locked.map((r) => [Number(r.id), Number(r.sla_version)]));
  const isCurrent = ({ computation: { ticket } }: (typeof list)[number]) =>
    versions.get(ticket.id) === Number(ticket.sla_version);
  const current = list.filter(isCurrent);
  const rows = current.map(({ computation, nextDueAt, extra }) => ({
    id: computation.ticket.id,
    sla: slaColumns(computation, nextDueAt),
    uf: userFieldChange(computation, deps),
    own: ownColumns(extra),
  }));
  await updateTicketsJoined(
    trx,
    [...SLA_COLUMN_TYPES, { name: 'uf_state', cast: 'CHAR' }, ...OWN_COLUMN_TYPES],
    rows.map((r) => [
      r.id,
      ...SLA_COLUMN_TYPES.map((col) => r.sla[col.name]),
      r.uf?.signature ?? null,
      ...OWN_COLUMN_TYPES.map((col) => r.own[col.name]),
    ]),
    [
      ...SLA_COLUMN_TYPES.map((col) => `t.${col.name} = v.${col.name}`),
      't.sla_stale = 0',
      't.uf_state = COALESCE(v.uf_state, t.uf_state)',
      ...OWN_SET,
    ].join(', '),
  );
  await upsertManyUserFieldValues(
    trx,
    rows.flatMap((r) => (r.uf ? [{ ticketId: r.id, values: r.uf.values }] : [])),
  );
  const behind = list.filter((e) => e.extra && !isCurrent(e));
  await updateTicketsJoined(
    trx,
    [...OWN_COLUMN_TYPES],
    behind.map((e) => {
      const own = ownColumns(e.extra);
      return [e.computation.ticket.id, ...OWN_COLUMN_TYPES.map((col) => own[col.name])];
    }),
    [...OWN_SET, 't.sla_stale = 1'].join(', '),
  );
  return current.length;
}

/** StoreExtra as joined columns; NULL keeps the ticket's value (the agent never writes a NULL there). */
const OWN_COLUMN_TYPES = [
  { name: 'priority', cast: 'SIGNED' },
  { name: 'assigned_to', cast: 'SIGNED' },
  { name: 'escalation_level', cast: 'CHAR' },
  { name: 'version_bump', cast: 'SIGNED' },
] as const;
type OwnColumn = (typeof OWN_COLUMN_TYPES)[number]['name'];

const OWN_SET = [
  't.priority = COALESCE(v.priority, t.priority)',
  't.assigned_to = COALESCE(v.assigned_to, t.assigned_to)',
  't.escalation_level = COALESCE(v.escalation_level, t.escalation_level)',
  't.sla_version = t.sla_version + COALESCE(v.version_bump, 0)',
];

function ownColumns(extra: StoreExtra | undefined): Record<OwnColumn, string | number | null> {
  const pick = (name: string) => extra?.columns?.[name] ?? null;
  return {
    priority: pick('priority'),
    assigned_to: pick('assigned_to'),
    escalation_level: pick('escalation_level'),
    version_bump: extra?.versionBump ?? 0,
  };
}

const SLA_COLUMN_TYPES: ReadonlyArray<{ name: keyof SlaColumns; cast: 'SIGNED' | 'DATETIME' }> = [
  { name: 'first_reply_deadline', cast: 'DATETIME' },
  { name: 'sla_deadline', cast: 'DATETIME' },
  { name: 'paused_minutes', cast: 'SIGNED' },
  { name: 'sla_paused', cast: 'SIGNED' },
  { name: 'first_reply_breached', cast: 'SIGNED' },
  { name: 'resolution_breached', cast: 'SIGNED' },
  { name: 'next_due_at', cast: 'DATETIME' },
];

interface SlaColumns {
  first_reply_deadline: string | null;
  sla_deadline: string | null;
  paused_minutes: number;
  sla_paused: number;
  first_reply_breached: number;
  resolution_breached: number;
  next_due_at: string | null;
}

/** The mirror columns a computation decides. */
function slaColumns(c: TicketComputation, nextDueAt: Date | null): SlaColumns {
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
