import { Db, openDb, RawConnection } from '../../core/db';
import { DbTarget } from '../../core/dbUrl';
import { addLoad, DbLoad, NO_LOAD, readConnectionLoad, subtractLoad } from './sessionCounters';

/**
 * Each daemon worker's own connection pool, metered. A connection serves one worker only, so its
 * session counters (sessionCounters.ts) are that worker's load: nothing has to be tagged per statement.
 *
 * Cheap by construction: no extra statement per statement. `settle()` reads the counters once on each
 * connection that ran something since the last settle (knex's 'query' events, transactions included,
 * name the connection), directly on that connection, and adds the difference to its worker minus what
 * the read itself costs (measured once, `readCost`). The daemon settles at each heartbeat (every 10 s)
 * and before each /metrics scrape, so an idle daemon pays one short SHOW STATUS per busy connection per
 * heartbeat. A connection the pool closes (idle for 30 s, or lost with the server) between its last
 * statement and the next settle takes its last few seconds of counts with it.
 */
export interface WorkerPools {
  /** A pool for `worker`; every statement on it counts as that worker's. */
  open(worker: string, poolMax: number): Db;
  /** Reads the counters of the connections used since the last settle. Shared when concurrent; never throws. */
  settle(): Promise<void>;
  /** What each worker's connections cost since the daemon started, in the order the pools were opened. */
  totals(): Map<string, DbLoad>;
  destroy(): Promise<void>;
}

interface PoolEvents {
  on(event: 'destroyRequest', listener: (eventId: number, conn: RawConnection | undefined) => void): void;
}

interface Metered {
  worker: string;
  conn: RawConnection;
  /** The counters at the last read (zero when the connection was made: its setup counts too). */
  last: DbLoad;
}

export function createWorkerPools(
  target: DbTarget,
  options: { readCost: DbLoad; onLoad?: (worker: string, added: DbLoad) => void },
): WorkerPools {
  const pools: Db[] = [];
  const connections = new Map<string, Metered>();
  const dirty = new Set<string>();
  const totals = new Map<string, DbLoad>();
  let inFlight: Promise<void> | null = null;

  const add = (worker: string, load: DbLoad): void => {
    totals.set(worker, addLoad(totals.get(worker) ?? NO_LOAD, load));
    options.onLoad?.(worker, load);
  };

  const readOne = async (uid: string, metered: Metered): Promise<void> => {
    try {
      const now = await readConnectionLoad(metered.conn);
      const spent = subtractLoad(subtractLoad(now, metered.last), options.readCost);
      metered.last = now;
      add(metered.worker, spent);
    } catch {
      // The connection went away under us (server restart, pool reaping it): its last counts are lost.
      connections.delete(uid);
    }
  };

  const settleNow = async (): Promise<void> => {
    const reads: Array<Promise<void>> = [];
    for (const uid of dirty) {
      dirty.delete(uid);
      const metered = connections.get(uid);
      if (metered) reads.push(readOne(uid, metered));
    }
    await Promise.all(reads);
  };

  return {
    open(worker, poolMax) {
      const db = openDb(target, {
        poolMax,
        onConnection: (conn) => {
          const uid = conn.__knexUid;
          if (!uid) return;
          connections.set(uid, { worker, conn, last: NO_LOAD });
          // Its setup statement counts: the next settle reads it even if the worker never uses it.
          dirty.add(uid);
        },
      });
      db.on('query', (query: { __knexUid?: string }) => {
        if (query.__knexUid) dirty.add(query.__knexUid);
      });
      // The pool (tarn) says when it lets a connection go; the driver's own 'end' may come after knex
      // removed every listener, and an entry kept would hold the dead connection for the daemon's life.
      const pool = (db.client as { pool?: PoolEvents }).pool;
      pool?.on('destroyRequest', (_id, conn) => {
        if (conn?.__knexUid) connections.delete(conn.__knexUid);
      });
      pools.push(db);
      add(worker, NO_LOAD);
      return db;
    },
    settle() {
      inFlight ??= settleNow().finally(() => (inFlight = null));
      return inFlight;
    },
    totals: () => new Map(totals),
    async destroy() {
      await Promise.all(pools.map((db) => db.destroy().catch(() => undefined)));
    },
  };
}
