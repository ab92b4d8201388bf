import { Db } from '../core/db';
import { DbTarget } from '../core/dbUrl';
import { runInstall } from '../install/install';
import { executingRunner } from '../core/sqlRunner';

/**
 * `bxsup install` on a benchmark's database, installed at `now`, quietly. Dictionaries are not seeded:
 * the fixture has its own. (The escalation benches install in the past, so that due points are news.)
 */
export async function installForBench(db: Db, target: DbTarget, now: Date = new Date()): Promise<void> {
  await runInstall(
    { db, target, runner: executingRunner(db), now, onStep: () => undefined },
    { dryRun: false, seedDictionaries: false },
  );
}
