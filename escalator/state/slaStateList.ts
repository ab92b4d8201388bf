import { createHash } from 'node:crypto';
import { lastUserFieldRowId, ticketsWithUnknownEnumValue } from '../../bridge/userFieldValues';
import { UF_SLA_STATE } from '../../schema/slaUserFields';
import { readCursor, setCursors, SLA_STATE_LIST_CURSOR } from '../../store/cursors';
import { forgetWrittenFields } from '../../store/slaColumns';
import { AgentContext } from '../agent/context';

/** VALUE_IDs of b_uts_support read per statement: a bounded read of the primary key. */
const RANGE = 10_000;

/**
 * UF_SLA_STATE holds the ID of one of its list's values (b_user_field_enum.ID). An admin who deletes
 * the values in the field's settings and adds them again gives them new IDs (checked on the real
 * module): the tickets written before keep the old IDs and the admin list shows them with no state, for
 * good where the state does not change again (a closed ticket); a pass while the list was empty wrote
 * none. So each escalation pass compares the list with the one the last pass found (a fingerprint in
 * bl_support_cursor). When it changed, or on the first pass that keeps it, the tickets holding an ID
 * the list does not have (or none, while the list has values) are marked for the pass's SLA refresh
 * (as a form's overwrite is: uf_state forgotten, the state stale), which writes the current ID.
 * b_uts_support is read by primary-key ranges, once per change of the list; with the list unchanged a
 * pass reads one cursor row. Returns how many mirrored tickets were marked.
 */
export async function rewriteStatesOfChangedList(ctx: AgentContext, now: Date): Promise<number> {
  if (!ctx.userFields.has(UF_SLA_STATE.fieldName)) return 0;
  const values = ctx.slaStateIds ?? new Map<string, number>();
  const fingerprint = listFingerprint(values);
  if ((await readCursor(ctx.db, SLA_STATE_LIST_CURSOR)) === fingerprint) return 0;
  const valid = [...values.values()];
  const last = await lastUserFieldRowId(ctx.db);
  let marked = 0;
  for (let after = 0; after < last; after += RANGE) {
    const ids = await ticketsWithUnknownEnumValue(
      ctx.db,
      UF_SLA_STATE.fieldName,
      valid,
      after,
      after + RANGE,
    );
    marked += await forgetWrittenFields(ctx.db, ids);
  }
  await setCursors(ctx.db, new Map([[SLA_STATE_LIST_CURSOR, fingerprint]]), now);
  if (marked > 0) {
    ctx.logger.info(
      `the ${UF_SLA_STATE.fieldName} list has new value IDs: the state of ${marked} ticket(s) is written again`,
    );
  }
  return marked;
}

/** The list's XML_IDs and IDs as a number for a cursor (48 bits of a SHA-1: exact in a double). */
function listFingerprint(values: ReadonlyMap<string, number>): number {
  const text = [...values]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([xmlId, id]) => `${xmlId}=${id}`)
    .join(';');
  return parseInt(createHash('sha1').update(text).digest('hex').slice(0, 12), 16);
}
