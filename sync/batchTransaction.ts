import { Knex } from 'knex';
import { Db } from '../core/db';
import { retryLockConflicts } from '../core/lockConflicts';
import { Logger } from '../core/logger';

/**
 * One batch = one transaction: mirror rows, outbox rows and the cursor commit together, so a crash at
 * any point leaves either all of a batch or none of it. InnoDB may pick a batch as a deadlock victim
 * (two syncs, or a sync and the escalator, touching the same mirror rows): such a batch is rolled back
 * whole and simply run again; any other error propagates.
 */
const ATTEMPTS = 5;

export async function inBatchTransaction<T>(
  db: Db,
  logger: Logger,
  fn: (trx: Knex.Transaction) => Promise<T>,
): Promise<T> {
  return retryLockConflicts(
    () => db.transaction(fn),
    ATTEMPTS,
    (attempt, err) =>
      logger.debug('sync batch rolled back by a lock conflict; running it again', {
        attempt,
        errno: (err as { errno?: number }).errno,
      }),
  );
}
