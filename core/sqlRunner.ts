import { Knex } from 'knex';
import { Db } from './db';

/**
 * Every write the installer makes goes through a runner, so that `--dry-run` prints exactly the
 * statements a real run would execute, and a real run executes exactly those. Reads (state checks)
 * go to the database directly in both modes.
 */
export interface SqlRunner {
  readonly dryRun: boolean;
  run(sql: string, bindings?: readonly Knex.RawBinding[]): Promise<void>;
}

export function executingRunner(db: Db): SqlRunner {
  return {
    dryRun: false,
    async run(sql, bindings = []) {
      await db.raw(sql, bindings);
    },
  };
}

/** Collects the statements, with their values inlined the way knex would send them, and runs none. */
export function recordingRunner(db: Db, print: (statement: string) => void): SqlRunner {
  return {
    dryRun: true,
    async run(sql, bindings = []) {
      const text = bindings.length ? db.raw(sql, bindings).toString() : sql;
      print(`${text.replace(/\s+/g, ' ').trim()};`);
    },
  };
}

/**
 * Runs `fn` in one transaction (one connection, so LAST_INSERT_ID() and intent records stay together);
 * a dry run just records.
 */
export async function inTransaction(
  db: Db,
  runner: SqlRunner,
  fn: (runner: SqlRunner) => Promise<void>,
): Promise<void> {
  if (runner.dryRun) return fn(runner);
  await db.transaction(async (trx) => fn(executingRunner(trx)));
}
