import { Clock } from '../core/clock';
import { Config } from '../config/config';
import { Db } from '../core/db';
import { DbTarget, redactDbUrl } from '../core/dbUrl';
import { Logger } from '../core/logger';
import { resolveSiteZone } from '../bridge/siteZone';
import { escalationWorker } from './escalationWorker';
import { createMailEvents } from '../mail/mailEvents';
import { createMailRunner } from './mailWorker';
import { createMailDeps } from '../mail/mailSetup';
import { assertPrivileges, currentAccount } from '../bridge/privileges';
import { describeDbError, RUNTIME_PRIVILEGES } from '../core/dbErrorText';
import { assertInstalled } from '../schema/migrator';
import { createDaemonMetrics } from './metrics/daemonMetrics';
import { metricsWorker } from './metrics/metricsWorker';
import { expectedPasses } from './metrics/expectedPasses';
import { DaemonHandle, runDaemon } from './daemon';
import { openDaemonPools } from './dbLoad/daemonPools';
import { heartbeatWorker, newInstanceId } from './heartbeat';
import { syncWorker } from './syncWorker';
import { createRowBudget } from '../core/rowBudget';
import { keptNamedLock } from '../core/dbLock';
import { createWorkerHealth } from './workerHealth';

export interface BridgeDaemonDeps {
  db: Db;
  target: DbTarget;
  config: Config;
  logger: Logger;
  clock: Clock;
}

/**
 * The daemon's composition root: one metrics object, one instance ID, and the workers that share
 * them — heartbeat, sync, mail sender, escalation agent, metrics endpoint. Several daemons may run
 * against one database: the claim decides who sends a mail, the 'escalate' lock who escalates.
 * Each worker has a database pool of its own, so what its connections cost the server is its load
 * (dbLoad/workerPools.ts): /metrics counts it, the heartbeat row keeps the last minute's figures.
 * `db` is for the start-up checks; the daemon closes it and the pools when it stops.
 */
export async function startBridgeDaemon(deps: BridgeDaemonDeps): Promise<DaemonHandle> {
  const { db, config, clock } = deps;
  const logger = deps.logger;
  await assertPrivileges(db, RUNTIME_PRIVILEGES);
  const installed = await assertInstalled(db, deps.target);
  // For a privilege lost while running: the GRANT must name the account, which only the server knows.
  const { account, database } = await currentAccount(db);
  const zone = await resolveSiteZone(db, config.site.timeZone);
  if (zone.warning) logger.warn(zone.warning);
  const instanceId = newInstanceId();
  const metrics = createDaemonMetrics();
  const health = createWorkerHealth();
  const pools = await openDaemonPools({
    db,
    target: deps.target,
    config,
    startedAt: clock.now(),
    onLoad: (worker, load) => metrics.countDbLoad(worker, load),
  });
  let firstSyncPass!: () => void;
  const firstSync = new Promise<void>((resolve) => (firstSyncPass = resolve));

  const mailEvents = createMailEvents();
  mailEvents.on('mail:sent', () => metrics.mailsSent.inc({ transport: config.mail.transport }));
  mailEvents.on('mail:retry', () => metrics.mailsFailed.inc({ kind: 'temporary' }));
  mailEvents.on('mail:dead', () => metrics.mailsFailed.inc({ kind: 'dead' }));
  const mailDeps = await createMailDeps({
    db: pools.mail,
    config,
    logger,
    clock,
    events: mailEvents,
    instanceId,
  }).catch(async (err: unknown) => {
    await pools.destroy();
    throw err;
  });
  const mail = createMailRunner(mailDeps, {
    onPass: () => metrics.observePass('mail', clock.now()),
    health,
  });

  // One db.maxRowsPerSecond for the daemon: the sync's reconciliation and the escalation pass's list
  // check (escalator/state/slaStateList.ts) spend from the same bucket.
  const rowBudget = createRowBudget(config.db.maxRowsPerSecond);
  const workers = [
    heartbeatWorker({
      db: pools.heartbeat,
      clock,
      logger,
      instanceId,
      health,
      recentLoad: (now) => pools.recentLoad(now),
    }),
    syncWorker({
      db: pools.sync,
      config,
      logger,
      clock,
      zone: zone.zone,
      health,
      onPass: (result) => {
        firstSyncPass();
        metrics.observePass('sync', clock.now(), result.durationMs);
      },
      onEventsQueued: () => mail.wake(),
      rowBudget,
      reconcileTurn: keptNamedLock(deps.target, 'reconcile'),
    }),
    mail,
    escalationWorker({
      db: pools.escalation,
      target: deps.target,
      config,
      logger,
      clock,
      health,
      catchUpAfter: firstSync,
      rowBudget,
      onPass: (result) => {
        metrics.observePass('escalation', clock.now(), result.durationMs);
        for (const fired of result.fired) metrics.escalationsFired.inc(fired);
        if (result.applied > 0) mail.wake();
      },
    }),
    metricsWorker({
      config: config.metrics,
      metrics,
      db: pools.metrics,
      clock,
      logger,
      passes: expectedPasses(config, clock.now()),
      beforeScrape: () => pools.settle(),
    }),
  ];
  logger.info(
    `bxsup daemon ${instanceId} on ${redactDbUrl(deps.target)} (schema ${installed}, site zone ${zone.zone})`,
  );
  return runDaemon(workers, {
    logger,
    onStopped: async () => {
      await pools.destroy();
      await db.destroy();
    },
    explain: (err) => describeDbError(err, { account, database }) ?? err,
  });
}
