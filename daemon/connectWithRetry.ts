import { backoffDelay } from '../core/backoff';
import { connectChecked, Db } from '../core/db';
import { DbTarget, redactDbUrl } from '../core/dbUrl';
import { isBxsupError } from '../core/errors';
import { Logger } from '../core/logger';

/**
 * The daemon's first connection: a database that is down (or restarting with the host) is waited for
 * with backoff; wrong credentials, a missing database or privileges are not going to fix themselves and
 * end the start with their one-line error.
 */
export async function connectWithRetry(
  target: DbTarget,
  deps: { logger: Logger; poolMax: number; signal?: AbortSignal },
): Promise<Db> {
  for (let attempt = 1; ; attempt++) {
    try {
      const db = await connectChecked(target, { poolMax: deps.poolMax });
      if (attempt > 1) deps.logger.info(`connected to ${redactDbUrl(target)}`);
      return db;
    } catch (err) {
      if (!isBxsupError(err) || err.code !== 'DB_UNREACHABLE' || deps.signal?.aborted) throw err;
      const delay = backoffDelay(attempt, { baseMs: 1000, maxMs: 30000 });
      if (attempt === 1) deps.logger.warn(`${err.message}; retrying with backoff`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
