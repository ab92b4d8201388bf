import { PeriodicTask } from '../daemon/periodicTask';
import { MailCounts, MailDeps, mailOnce } from './mailOnce';

/**
 * The mail sender as the daemon hosts it (name/start/stop, like its other workers). A timer only wakes
 * it; which rows it sends is decided in the database by the claim, so several daemons can run it at
 * once. Passes never overlap; `wake()` asks for a pass now (the sync calls it after writing the outbox).
 * When a pass fails (the database went away) the next one waits with backoff instead of spinning.
 */
export interface MailRunner {
  readonly name: 'mail';
  start(): void;
  wake(): void;
  /** Stop claiming, let the pass in flight finish, close the transport. */
  stop(): Promise<void>;
}

export function createMailRunner(
  deps: MailDeps,
  options: { intervalMs?: number; onPass?: (counts: MailCounts) => void } = {},
): MailRunner {
  const task = new PeriodicTask({
    name: 'mail',
    intervalMs: options.intervalMs ?? deps.config.mail.pollIntervalMs,
    logger: deps.logger,
    run: async () => {
      const counts = await mailOnce(deps);
      options.onPass?.(counts);
    },
  });
  return {
    name: 'mail',
    start: () => task.start(),
    wake: () => task.wake(),
    async stop() {
      await task.stop();
      await deps.transport.close();
    },
  };
}
