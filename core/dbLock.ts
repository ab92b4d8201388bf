import { DbTarget } from './dbUrl';
import { Db, openDb } from './db';
import { rawRows } from './rawRows';

/**
 * A named server-side lock (GET_LOCK) held on a connection of its own for as long as `fn` runs. Used so
 * that two installers, or two daemons' escalation passes, never run at once (keptNamedLock below: one
 * held for as long as a daemon runs). A crashed holder's lock is
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

/**
 * A named lock a process keeps while it runs (GET_LOCK on a connection of its own), asked for without
 * waiting each time it matters: of several daemons one holds it, and once that one stops or dies (its
 * connection drops: a stop, kill -9, a server restart), the next daemon to ask gets it.
 */
export interface KeptLock {
  /** Whether this process holds the lock now, taking it when it is free. */
  held(): Promise<boolean>;
  /** Gives it up (the daemon stops). */
  release(): Promise<void>;
}

export function keptNamedLock(target: DbTarget, name: string): KeptLock {
  const lock = lockName(target, name);
  let lockDb: Db | null = null;
  const drop = async (): Promise<void> => {
    const db = lockDb;
    lockDb = null;
    await db?.destroy().catch(() => undefined);
  };
  return {
    async held() {
      // min: 1 keeps the pool from reaping the idle connection that holds the lock.
      lockDb ??= openDb(target, { poolMax: 1, poolMin: 1 });
      try {
        // GET_LOCK only when this connection does not hold it already (a second GET_LOCK would nest).
        const rows = await rawRows<{ held: number | null }>(
          lockDb,
          'SELECT IF(IS_USED_LOCK(?) <=> CONNECTION_ID(), 1, GET_LOCK(?, 0)) AS held',
          [lock, lock],
        );
        return Number(rows[0].held) === 1;
      } catch {
        // The connection is gone, and the lock with it: a fresh one asks again the next time.
        await drop();
        return false;
      }
    },
    release: drop,
  };
}
