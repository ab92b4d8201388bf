import { EventEmitter } from 'node:events';
import { FixedClock } from '../../core/clock';
import { Config, validateConfig } from '../../config/config';
import { DbTarget } from '../../core/dbUrl';
import { silentLogger } from '../../core/logger';
import { FIXTURE_SHAPES, FixtureShape, loadBitrixFixture } from '../../fixtures/seed';
import { runInstall } from '../../install/install';
import { executingRunner } from '../../core/sqlRunner';
import { syncOnce } from '../../sync/syncOnce';
import { runCli } from './cli';
import { FIXTURE_ZONE, referenceClock } from './clock';
import { createTestDatabase, TestDatabase } from './db';
import { refreshAfterSync } from '../../escalator/state/refreshAfterSync';

export interface InstalledSiteOptions {
  /** Another server than BXSUP_TEST_DB_URL's (a private one the test restarts). */
  server?: DbTarget;
  /** One of the Bitrix table shapes (fixtures/seed.ts FIXTURE_SHAPES); its charset unless given. */
  shape?: FixtureShape;
  charset?: string;
  collation?: string;
  /** Changes to the Bitrix tables before bxsup is installed (more history, odd data). */
  beforeInstall?: (t: TestDatabase) => Promise<void>;
  /**
   * 'library' (default): runInstall in-process at `installedAt`. 'cli': the built `bxsup install --yes`
   * as an operator runs it, at the real time, for tests whose daemons then run on the real clock.
   */
  installer?: 'library' | 'cli';
  /** The install time of the library installer; the suite's reference time unless given. */
  installedAt?: Date;
  takeOverCustomerMail?: boolean;
  /** After the install, one sync pass at the reference time mirrors the fixture's history. */
  sync?: boolean;
  /** After the install, an empty mirror: the test inserts the bl_support_ticket rows it reasons about. */
  emptyMirror?: boolean;
}

/**
 * The one way the tests build a site: a database of its own with the Bitrix fixture (Moscow time),
 * bxsup installed by the real installer (every migration that has landed), dictionaries not seeded.
 */
export async function installedSite(options: InstalledSiteOptions = {}): Promise<TestDatabase> {
  const shape = options.shape ? FIXTURE_SHAPES[options.shape] : undefined;
  const t = await createTestDatabase({
    server: options.server,
    charset: options.charset ?? shape?.charset,
    collation: options.collation ?? shape?.collation,
  });
  await loadBitrixFixture(t.db, { zone: FIXTURE_ZONE, shape: options.shape });
  await options.beforeInstall?.(t);
  if (options.installer === 'cli') {
    const args = ['install', '--db', t.url, '--yes'];
    if (options.takeOverCustomerMail) args.push('--take-over-customer-mail');
    const installed = await runCli(args);
    if (installed.code !== 0) throw new Error(`bxsup install failed: ${installed.stderr}`);
  } else {
    await runInstall(
      {
        db: t.db,
        target: t.target,
        runner: executingRunner(t.db),
        now: options.installedAt ?? referenceClock().now(),
        onStep: () => undefined,
      },
      { dryRun: false, seedDictionaries: false, takeOverCustomerMail: options.takeOverCustomerMail },
    );
  }
  if (options.sync) await runSync(t, referenceClock());
  if (options.emptyMirror) await t.db('bl_support_ticket').delete();
  return t;
}

/** A sync pass as the daemon would run it; new native rows become outbox events. */
export async function runSync(
  t: TestDatabase,
  clock: FixedClock,
  config: Config = validateConfig({ site: { timeZone: FIXTURE_ZONE } }),
): Promise<void> {
  await syncOnce({
    db: t.db,
    config,
    logger: silentLogger(),
    clock,
    zone: FIXTURE_ZONE,
    events: new EventEmitter(),
    afterPass: refreshAfterSync,
  });
}
