import { Job, scheduleJob } from 'node-schedule';
import { Clock } from '../core/clock';
import { Config } from '../config/config';
import { Db } from '../core/db';
import { DbTarget } from '../core/dbUrl';
import { BxsupError } from '../core/errors';
import { Logger } from '../core/logger';
import { describeError } from '../core/dbErrorText';
import { isConnectionError, isFatalError } from '../core/dbErrors';
import { WorkerHealth } from './workerHealth';
import { DaemonWorker } from './worker';
import { HttpPost } from '../escalator/webhooks/http';
import { AgentContext, createAgentContext } from '../escalator/agent/context';
import { EscalationEvents } from '../escalator/agent/escalationEvents';
import { deliverPassWebhooks, escalateUnderLock } from '../escalator/agent/pass';
import { PassResult } from '../escalator/agent/passResult';
import { listCheckWaitMs } from '../escalator/state/slaStateList';
import { RowBudget } from '../core/rowBudget';

/**
 * The escalation agent inside `bxsup run`. node-schedule only wakes it (escalation.cron, every 15
 * minutes by default, plus once at start so a restarted daemon catches up — after the first sync pass,
 * so that the catch-up sees what Bitrix holds rather than an empty or stale mirror); the database
 * decides who runs: the pass takes the 'escalate' lock without waiting, so with several daemons one
 * escalates and the others skip. A tick while the previous pass still runs is skipped too. The webhooks
 * of a pass go out after it, in a lane of their own: a slow endpoint does not make the next tick skip
 * (a pass while deliveries still run leaves its new ones to the next pass). The agent's context
 * (policy with the native SLA schedules, calendars, zone, criticalities, the UF_SLA_STATE list) is read
 * afresh for every pass, as the sync's SLA refresh reads it for every pass that changed something: a
 * daemon runs for months, and what an admin edits in Bitrix meanwhile must reach the next pass, not wait
 * for a restart. It is a handful of small reads every escalation.cron tick.
 * A pass whose check of the tickets against a changed UF_SLA_STATE list stopped at the row budget
 * (slaStateList.ts) is followed by another once the budget has refilled, until the check is done, rather
 * than at the next tick: the states should not wait hours for the cron.
 */
export interface EscalationWorkerDeps {
  db: Db;
  target: DbTarget;
  config: Config;
  logger: Logger;
  clock: Clock;
  http?: HttpPost;
  /** After each pass (the daemon's metrics). */
  onPass?: (result: PassResult) => void;
  /** Lifecycle events (escalationEvents.ts), which tests await instead of sleeping. */
  events?: EscalationEvents;
  /** The catch-up pass at start waits for this (the daemon: the first sync pass). */
  catchUpAfter?: Promise<unknown>;
  health?: WorkerHealth;
  /** db.maxRowsPerSecond, shared with the sync in the daemon; none unless given. */
  rowBudget?: RowBudget;
}

export function escalationWorker(deps: EscalationWorkerDeps): DaemonWorker {
  const logger = deps.logger.child({ module: 'escalator' });
  const cron = deps.config.escalation.cron;
  let job: Job | null = null;
  let inFlight: Promise<void> | null = null;
  let delivering: Promise<void> | null = null;
  let followUp: NodeJS.Timeout | null = null;
  let stopped = false;
  let fatal: ((err: unknown) => void) | undefined;

  const failed = (err: unknown, what = 'escalation pass'): void => {
    const message = describeError(err);
    if (fatal && isFatalError(err)) {
      stopped = true;
      job?.cancel();
      fatal(err);
    } else if (isConnectionError(err)) {
      logger.warn(`${what} skipped: database unreachable (${message})`);
    } else {
      deps.health?.failed('escalator', err, deps.clock.now());
      logger.error(`${what} failed: ${message}`);
    }
  };

  const deliver = (ctx: AgentContext, now: Date): void => {
    if (delivering) return;
    delivering = deliverPassWebhooks(ctx, now)
      .then(
        () => undefined,
        (err: unknown) => failed(err, 'webhook delivery'),
      )
      .finally(() => (delivering = null));
  };

  const tick = (): void => {
    if (stopped) return;
    if (inFlight) {
      logger.warn('the previous escalation pass is still running: this tick is skipped');
      return;
    }
    inFlight = (async () => {
      try {
        const ctx = await createAgentContext({ ...deps, logger });
        const now = deps.clock.now();
        const result = await escalateUnderLock(ctx, now);
        deps.health?.recovered('escalator');
        deps.onPass?.(result);
        if (result.ran) deliver(ctx, now);
        if (result.listCheckPending && deps.rowBudget && !stopped) {
          followUp = setTimeout(() => {
            followUp = null;
            // A cron tick's pass that started meanwhile goes on with the check itself.
            if (!inFlight) tick();
          }, listCheckWaitMs(deps.rowBudget));
        }
      } catch (err) {
        failed(err);
      }
    })().finally(() => (inFlight = null));
  };

  return {
    name: 'escalator',
    start(onFatal) {
      fatal = onFatal;
      if (!deps.config.escalation.enabled) {
        logger.info('escalation is off (escalation.enabled is false)');
        return;
      }
      job = scheduleJob(cron, tick);
      if (!job) {
        throw new BxsupError('CONFIG_INVALID', `escalation.cron "${cron}" is not a valid cron expression`);
      }
      void (deps.catchUpAfter ?? Promise.resolve()).then(tick, tick);
    },
    async stop() {
      stopped = true;
      job?.cancel();
      if (followUp) clearTimeout(followUp);
      await inFlight;
      await delivering;
    },
  };
}
