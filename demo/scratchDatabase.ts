import { randomBytes } from 'node:crypto';
import { Db, openDb } from '../core/db';
import { DbTarget, formatDbUrl, parseDbUrl } from '../core/dbUrl';
import { throwawayServer, ThrowawayServer } from './privateServer';

/** A scratch database for the demo or one benchmark, on the throwaway server, dropped by `close()`. */
export interface ScratchDatabase {
  db: Db;
  target: DbTarget;
  url: string;
  close(): Promise<void>;
}

export async function scratchDatabase(label: string, server?: ThrowawayServer): Promise<ScratchDatabase> {
  const own = server ?? (await throwawayServer());
  const target = { ...parseDbUrl(own.url), database: `bxsup_${label}_${randomBytes(4).toString('hex')}` };
  const admin = openDb({ ...target, database: '' }, { poolMax: 1 });
  await admin.raw(`CREATE DATABASE \`${target.database}\` CHARACTER SET utf8 COLLATE utf8_unicode_ci`);
  await admin.destroy();
  const db = openDb(target, { poolMax: 2 });
  return {
    db,
    target,
    url: formatDbUrl(target),
    async close() {
      await db.destroy();
      const cleaner = openDb({ ...target, database: '' }, { poolMax: 1 });
      await cleaner.raw(`DROP DATABASE IF EXISTS \`${target.database}\``);
      await cleaner.destroy();
      if (!server) await own.stop();
    },
  };
}
