import { randomBytes } from 'node:crypto';
import { Db, openDb } from '../../core/db';
import { DbTarget, formatDbUrl, parseDbUrl } from '../../core/dbUrl';

/** A database of its own for one test file, dropped by `drop()` (call it in afterAll). */
export interface TestDatabase {
  name: string;
  target: DbTarget;
  /** mysql://… URL naming the database, for the CLI under test. */
  url: string;
  db: Db;
  drop(): Promise<void>;
}

export function serverTarget(): DbTarget {
  if (process.env.BXSUP_TEST_PROJECT === 'unit') {
    throw new Error(
      'a test of the jest project "unit" runs with no database: take it off UNIT_TESTS in jest.config.js',
    );
  }
  const url = process.env.BXSUP_TEST_DB_URL;
  if (!url) {
    throw new Error('BXSUP_TEST_DB_URL is not set: set it to mysql://root@127.0.0.1:3306 (see README.md)');
  }
  return parseDbUrl(url, 'BXSUP_TEST_DB_URL');
}

export async function createTestDatabase(
  options: { charset?: string; collation?: string; server?: DbTarget } = {},
): Promise<TestDatabase> {
  const server = options.server ?? serverTarget();
  const name = `bxsup_test_${randomBytes(5).toString('hex')}`;
  const admin = openDb({ ...server, database: '' }, { poolMax: 1 });
  const charset = options.charset ?? 'utf8';
  const collation = options.collation ?? 'utf8_unicode_ci';
  try {
    await admin.raw(`CREATE DATABASE \`${name}\` CHARACTER SET ${charset} COLLATE ${collation}`);
  } finally {
    await admin.destroy();
  }
  const target = { ...server, database: name };
  const db = openDb(target);
  return {
    name,
    target,
    url: formatDbUrl(target),
    db,
    async drop() {
      await db.destroy();
      const cleaner = openDb({ ...server, database: '' }, { poolMax: 1 });
      try {
        await cleaner.raw(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await cleaner.destroy();
      }
    },
  };
}
