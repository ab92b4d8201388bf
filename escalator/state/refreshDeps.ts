import { Knex } from 'knex';
import { existingUserFieldColumns } from '../../bridge/userFieldValues';
import { Config } from '../../config/config';
import { COMPUTED_USER_FIELDS } from '../../schema/ticketUserFields';
import { loadSlaPolicy } from '../../sla/loadPolicy';
import { enumValueIds } from '../../schema/userFields';
import { UF_SLA_STATE } from '../../schema/slaUserFields';
import { BASELINE_CURSORS, readCursor } from '../../store/cursors';
import { SlaRefreshDeps } from './refreshSla';

/** The ticket user fields the SLA refresh keeps current when the installer has registered them. */
export const SLA_USER_FIELDS = COMPUTED_USER_FIELDS.map((f) => f.fieldName);

/**
 * What an SLA refresh needs, read from the database once: the policy (native schedules included), the
 * levels, the install instant and which user fields exist. The escalation agent builds it once per
 * daemon; the sync once per pass that changed something.
 */
export async function createSlaRefreshDeps(db: Knex, config: Config, zone: string): Promise<SlaRefreshDeps> {
  const [policy, userFields, installed, slaStateIds] = await Promise.all([
    loadSlaPolicy(db, config.sla, zone),
    existingUserFieldColumns(db, SLA_USER_FIELDS),
    readCursor(db, BASELINE_CURSORS.installedAt),
    enumValueIds(db, UF_SLA_STATE.fieldName),
  ]);
  return {
    db,
    policy,
    levels: config.escalation.levels,
    zone,
    userFields,
    slaStateIds,
    installedAt: installed === null ? null : new Date(installed),
  };
}
