import { PeriodicTask } from './periodicTask';
import { WorkerHealth } from './workerHealth';
import { MailDeps } from '../mail/mailDeps';
import { MailCounts, mailOnce } from '../mail/mailOnce';
import { MARK_RETRY_MAX_MS } from '../mail/outbox/sentMarker';

/**
 * The mail sender as the daemon hosts it (name/start/stop, like its other workers). A timer only wakes
 * it; which rows it sends is decided in the database by the claim, so several daemons can run it at
 * once. Passes never overlap; `wake()` asks for a pass now (the sync calls it after writing the outbox).
 * When a pass fails (the database went away) the next one waits with backoff instead of spinning.
 *
 * After a start or a lost connection the runner frees no other sender's claims for a while (see
 * reapGraceMs): a live daemon that was cut off as well must first get the chance to renew its claims
 * (every quarter of mail.claimTimeoutMs) and record the 'sent' marks it could not write (retried at
 * least every MARK_RETRY_MAX_MS), or its mails would be sent again. Marks are retried for as long as
 * the daemon runs; stopping ends the retries.
 */
export interface MailRunner {
  readonly name: 'mail';
  start(onFatal?: (err: unknown) => void): void;
  wake(): void;
  /** Stop claiming, let the pass in flight finish, close the transport. */
  stop(): Promise<void>;
}

/** A renewal tick and a mark retry of every live sender, with a margin, fit into it. */
export function reapGraceMs(claimTimeoutMs: number): number {
  return Math.max(MARK_RETRY_MAX_MS, Math.floor(claimTimeoutMs / 4)) + 3000;
}

export function createMailRunner(
  deps: MailDeps,
  options: {
    intervalMs?: number;
    onPass?: (counts: MailCounts) => void;
    reapGraceMs?: number;
    health?: WorkerHealth;
  } = {},
): MailRunner {
  const abort = new AbortController();
  const grace = options.reapGraceMs ?? reapGraceMs(deps.config.mail.claimTimeoutMs);
  let upSince = Date.now();
  let lastFailed = false;
  let onFatal: ((err: unknown) => void) | undefined;
  const task = new PeriodicTask({
    name: 'mail',
    intervalMs: options.intervalMs ?? deps.config.mail.pollIntervalMs,
    logger: deps.logger,
    health: options.health,
    onFatal: (err) => onFatal?.(err),
    run: async () => {
      if (lastFailed) upSince = Date.now();
      lastFailed = true;
      const counts = await mailOnce(deps, {
        reap: Date.now() - upSince >= grace,
        settleForMs: Number.POSITIVE_INFINITY,
        signal: abort.signal,
      });
      lastFailed = false;
      options.onPass?.(counts);
      if (counts.givenBack > 0) task.wake();
    },
  });
  return {
    name: 'mail',
    start(fatal) {
      onFatal = fatal;
      upSince = Date.now();
      task.start();
    },
    wake: () => task.wake(),
    async stop() {
      abort.abort();
      await task.stop();
      await deps.transport.close();
    },
  };
}
