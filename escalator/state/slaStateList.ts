import { createHash } from 'node:crypto';
import { lastUserFieldRowId, ticketsWithUnknownEnumValue } from '../../bridge/userFieldValues';
import { UF_SLA_STATE } from '../../schema/slaUserFields';
import { RowBudget } from '../../core/rowBudget';
import { readCursors, setCursors, SLA_STATE_LIST_CURSORS as C } from '../../store/cursors';
import { forgetWrittenFields } from '../../store/slaColumns';
import { AgentContext } from '../agent/context';

/** VALUE_IDs of b_uts_support read per statement: a bounded read of the primary key. */
const RANGE = 10_000;

/** What a pass's check of the tickets against the list did. */
export interface ListCheck {
  /** Mirrored tickets marked for the pass's SLA refresh. */
  marked: number;
  /** The check stopped at the row budget and goes on in a later pass (the worker runs one soon). */
  pending: boolean;
}

/**
 * UF_SLA_STATE holds the ID of one of its list's values (b_user_field_enum.ID). An admin who deletes
 * the values in the field's settings and adds them again gives them new IDs (checked on the real
 * module): the tickets written before keep the old IDs and the admin list shows them with no state, for
 * good where the state does not change again (a closed ticket); a pass while the list was empty wrote
 * none. So each escalation pass compares the list with the one every ticket was last checked against (a
 * fingerprint in bl_support_cursor). When it changed, or on the first pass that keeps it, the tickets
 * holding an ID the list does not have (or none, while the list has values) are marked for the pass's
 * SLA refresh (as a form's overwrite is: uf_state forgotten, the state stale), which writes the current
 * ID. With the list unchanged a pass reads three cursor rows and nothing else.
 *
 * b_uts_support is read by primary-key ranges within the row budget (db.maxRowsPerSecond, shared with
 * the sync's reconciliation in the daemon; none for a pass the operator runs by hand): a range is read
 * when the bucket holds it, else the check stops, keeps where it got to and goes on in a later pass, so a
 * site of a million tickets is checked over minutes instead of in one burst. A list changed again
 * meanwhile starts the check over (a row checked against the old list may hold an ID the new one lacks).
 */
export async function rewriteStatesOfChangedList(ctx: AgentContext, now: Date): Promise<ListCheck> {
  const unchanged: ListCheck = { marked: 0, pending: false };
  if (!ctx.userFields.has(UF_SLA_STATE.fieldName)) return unchanged;
  const values = ctx.slaStateIds ?? new Map<string, number>();
  const fingerprint = listFingerprint(values);
  const cursors = await readCursors(ctx.db, Object.values(C));
  if (cursors.get(C.checked) === fingerprint) return unchanged;
  const valid = [...values.values()];
  const last = await lastUserFieldRowId(ctx.db);
  let at = cursors.get(C.sweeping) === fingerprint ? (cursors.get(C.position) ?? 0) : 0;
  let marked = 0;
  for (let size = rangeSize(ctx.rowBudget, last - at); size > 0; size = rangeSize(ctx.rowBudget, last - at)) {
    const ids = await ticketsWithUnknownEnumValue(ctx.db, UF_SLA_STATE.fieldName, valid, at, at + size);
    const n = await forgetWrittenFields(ctx.db, ids);
    // The range read examines at most `size` rows (the key range), the marking one row a ticket.
    ctx.rowBudget.spend(size + n);
    marked += n;
    at += size;
  }
  const pending = at < last;
  await setCursors(
    ctx.db,
    new Map(
      pending
        ? [
            [C.sweeping, fingerprint],
            [C.position, at],
          ]
        : [
            [C.checked, fingerprint],
            [C.sweeping, 0],
            [C.position, 0],
          ],
    ),
    now,
  );
  if (marked > 0) {
    ctx.logger.info(
      `the ${UF_SLA_STATE.fieldName} list has new value IDs: the state of ${marked} ticket(s) is written again` +
        (pending ? ` (checked up to ticket ${at} of ${last}, the rest within db.maxRowsPerSecond)` : ''),
    );
  }
  return { marked, pending };
}

/** How long the bucket takes to hold the next range from empty: the worker's wait before it goes on. */
export function listCheckWaitMs(budget: RowBudget): number {
  return Math.ceil((Math.min(RANGE, budget.capacity) / budget.rowsPerSecond) * 1000);
}

/**
 * The next range: RANGE IDs (or the `rest`) when the budget holds them now; a low budget whose full
 * bucket holds less than that reads a range as large as it holds; else 0 (go on in a later pass).
 */
function rangeSize(budget: RowBudget, rest: number): number {
  const want = Math.min(RANGE, rest);
  if (want <= 0) return 0;
  const available = budget.available();
  if (available >= want) return want;
  return available > 0 && available >= budget.capacity ? available : 0;
}

/** The list's XML_IDs and IDs as a number for a cursor (48 bits of a SHA-1: exact in a double). */
function listFingerprint(values: ReadonlyMap<string, number>): number {
  const text = [...values]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([xmlId, id]) => `${xmlId}=${id}`)
    .join(';');
  return parseInt(createHash('sha1').update(text).digest('hex').slice(0, 12), 16);
}
