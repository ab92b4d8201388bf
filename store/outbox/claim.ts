import { randomBytes } from 'node:crypto';
import { Db } from '../../core/db';
import { instantToUtc } from '../../core/time';
import { ClaimedRow, OUTBOX_COLUMNS, OUTBOX_TABLE, RawOutboxRow, toOutboxRow } from './outboxRow';
import { rawRows, rawWrite } from '../../core/rawRows';

export interface ClaimOptions {
  /** Who claims: this sender's instance ID ("host:pid:…"), the first part of every claim token. */
  claimer: string;
  limit: number;
  now: Date;
  /** FOR UPDATE SKIP LOCKED (MySQL ≥ 8.0, MariaDB ≥ 10.6): bridge/serverInfo.ts supportsSkipLocked. */
  skipLocked: boolean;
  /** Only these event types: the outbox also carries events that are not mail (webhooks). */
  eventTypes: readonly string[];
}

/**
 * Claims up to `limit` due rows for one sender, atomically: no row is ever handed to two senders.
 *
 * Every claim writes a token of its own into claimed_by (`<instance>#<random>`): the fence. Only the
 * holder of that token may renew the claim, release it or move the row on (store/outbox/leases.ts,
 * complete.ts); a row whose claim was freed and taken again carries another token, so a sender that
 * lost it finds out before sending (the re-check) and cannot overwrite the new holder's outcome.
 *
 * With SKIP LOCKED: one transaction selects the due rows FOR UPDATE SKIP LOCKED (a second sender skips
 * them instead of waiting) and marks them 'sending'. Without it, a single conditional
 * `UPDATE … WHERE state='pending'` of the first n due rows stamps the token; InnoDB re-checks `state` on
 * each row it locks, so a row already taken by another sender is passed over, and the rows carrying our
 * token are ours. `attempts` counts claims, so a sender that dies mid-send still uses up an attempt (a
 * claim given back unsent returns it).
 *
 * Both take the earliest due first (`ORDER BY available_at, id`): the order ix_bl_support_outbox_due
 * (state, available_at, and the primary key InnoDB appends) already has, so the server reads the index
 * from the start of the 'pending' range and stops after `limit` rows. `ORDER BY id` alone made it read
 * and sort every due row for each claim — with FOR UPDATE locking them all until the commit, so a second
 * sender's SKIP LOCKED found nothing — which cost hundreds of rows examined per mail with a backlog.
 */
export async function claimDue(db: Db, options: ClaimOptions): Promise<ClaimedRow[]> {
  return options.skipLocked ? claimSkipLocked(db, options) : claimByUpdate(db, options);
}

async function claimSkipLocked(
  db: Db,
  { claimer, limit, now, eventTypes }: ClaimOptions,
): Promise<ClaimedRow[]> {
  const stamp = instantToUtc(now);
  const token = newClaimToken(claimer);
  return db.transaction(async (trx) => {
    const due = await rawRows<RawOutboxRow>(
      trx,
      `SELECT ${OUTBOX_COLUMNS.join(', ')} FROM ${OUTBOX_TABLE}
        WHERE state = 'pending' AND available_at <= ? AND event_type IN (${placeholders(eventTypes)})
        ORDER BY available_at, id LIMIT ? FOR UPDATE SKIP LOCKED`,
      [stamp, ...eventTypes, limit],
    );
    if (due.length === 0) return [];
    await rawWrite(
      trx,
      `UPDATE ${OUTBOX_TABLE} SET state = 'sending', claimed_by = ?, claimed_at = ?, attempts = attempts + 1
        WHERE id IN (${placeholders(due)})`,
      [token, stamp, ...due.map((r) => r.id)],
    );
    return due.map((r) => ({
      ...toOutboxRow({ ...r, attempts: Number(r.attempts) + 1 }),
      claimedBy: token,
    }));
  });
}

async function claimByUpdate(
  db: Db,
  { claimer, limit, now, eventTypes }: ClaimOptions,
): Promise<ClaimedRow[]> {
  const stamp = instantToUtc(now);
  const token = newClaimToken(claimer);
  // The due rows are picked in a derived table: an UPDATE … ORDER BY … LIMIT that changes `state`
  // cannot walk the index on state while it changes it, so it read and sorted every due row. The
  // derived table reads the index in order and stops at `limit`; its reads lock (an UPDATE's reads do),
  // so a second sender waits for our statement, then passes over what we took, as before.
  await db.raw(
    `UPDATE ${OUTBOX_TABLE} o
       JOIN (SELECT id FROM ${OUTBOX_TABLE}
              WHERE state = 'pending' AND available_at <= ? AND event_type IN (${placeholders(eventTypes)})
              ORDER BY available_at, id LIMIT ?) due ON due.id = o.id
        SET o.state = 'sending', o.claimed_by = ?, o.claimed_at = ?, o.attempts = o.attempts + 1
      WHERE o.state = 'pending'`,
    [stamp, ...eventTypes, limit, token, stamp],
  );
  const rows = (await db(OUTBOX_TABLE)
    .where({ state: 'sending', claimed_by: token })
    .orderBy([{ column: 'available_at' }, { column: 'id' }])
    .select(...OUTBOX_COLUMNS)) as RawOutboxRow[];
  return rows.map((r) => ({ ...toOutboxRow(r), claimedBy: token }));
}

/**
 * `<instance>#<16 hex>`. claimed_by is VARCHAR(128); the part before '#' is the claimer's instance ID,
 * which the reaper matches against bl_support_daemon to tell a live holder from a dead one.
 */
export function newClaimToken(claimer: string): string {
  return `${claimer.slice(0, 110)}#${randomBytes(8).toString('hex')}`;
}

function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}
