import { DbTarget } from './dbUrl';
import { openDb } from './db';
import { rawRows } from './rawRows';

/**
 * A named server-side lock (GET_LOCK) held on a connection of its own for as long as `fn` runs. Used so
 * that two installers, or two daemons' escalation passes, never run at once. A crashed holder's lock is
 * released by the server when its connection drops, so nothing stays locked after a kill -9.
 */
export async function withNamedLock<T>(
  target: DbTarget,
  name: string,
  waitSeconds: number,
  fn: () => Promise<T>,
): Promise<{ acquired: true; value: T } | { acquired: false }> {
  // min: 1 keeps the pool from reaping the idle connection that holds the lock.
  const lockDb = openDb(target, { poolMax: 1, poolMin: 1 });
  try {
    const rows = await rawRows<{ got: number | null }>(lockDb, 'SELECT GET_LOCK(?, ?) AS got', [
      lockName(target, name),
      waitSeconds,
    ]);
    if (Number(rows[0].got) !== 1) return { acquired: false };
    try {
      return { acquired: true, value: await fn() };
    } finally {
      await lockDb.raw('SELECT RELEASE_LOCK(?)', [lockName(target, name)]).catch(() => undefined);
    }
  } finally {
    await lockDb.destroy();
  }
}

/** Lock names are server-wide: include the database so two sites on one server do not block each other. */
function lockName(target: DbTarget, name: string): string {
  return `bxsup:${target.database}:${name}`.slice(0, 64);
}
