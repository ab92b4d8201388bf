import { Db } from '../../core/db';
import { instantToUtc } from '../../core/time';
import { DAEMON_TABLE } from '../daemons';
import { OUTBOX_TABLE } from './outboxRow';
import { rawWrite } from '../../core/rawRows';

export interface StaleClaimCutoffs {
  now: Date;
  /** Leases last renewed before this have lapsed. */
  leaseBefore: Date;
  /** A holder whose daemon has no heartbeat since this is gone. */
  heartbeatBefore: Date;
  /** Claims of this instance ID are never freed (a sender does not reap itself). */
  self: string;
}

/**
 * The reaper's statement (the policy, which cutoffs, is mail/outbox/reap.ts): claims whose lease lapsed
 * and whose holder's daemon has no recent heartbeat in bl_support_daemon go back to 'pending', due at
 * once. The token's part before '#' is the holder's instance ID (store/outbox/claim.ts).
 */
export async function freeStaleClaims(db: Db, cutoffs: StaleClaimCutoffs): Promise<number> {
  const result = await rawWrite(
    db,
    `UPDATE ${OUTBOX_TABLE} o
       LEFT JOIN ${DAEMON_TABLE} d
         ON d.instance_id = SUBSTRING_INDEX(o.claimed_by, '#', 1) AND d.heartbeat_at >= ?
        SET o.state = 'pending', o.available_at = ?, o.claimed_by = NULL, o.claimed_at = NULL,
            o.last_error = 'claim expired: its sender stopped before finishing'
      WHERE o.state = 'sending' AND o.claimed_at < ? AND d.instance_id IS NULL
        AND (o.claimed_by IS NULL OR SUBSTRING_INDEX(o.claimed_by, '#', 1) <> ?)`,
    [
      instantToUtc(cutoffs.heartbeatBefore),
      instantToUtc(cutoffs.now),
      instantToUtc(cutoffs.leaseBefore),
      cutoffs.self,
    ],
  );
  return Number(result.affectedRows);
}
