import { MailCounts, MailDeps, mailOnce } from './mailOnce';
import { retryDelayMs } from './retryPolicy';

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
  const intervalMs = options.intervalMs ?? deps.config.mail.pollIntervalMs;
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let failures = 0;

  const schedule = (delayMs: number): void => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, delayMs);
  };

  function run(): void {
    timer = null;
    if (stopped) return;
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = mailOnce(deps)
      .then((counts) => {
        failures = 0;
        options.onPass?.(counts);
        return intervalMs;
      })
      .catch((err: unknown) => {
        failures++;
        deps.logger.error(`mail pass failed: ${(err as Error).message}`);
        return Math.max(intervalMs, retryDelayMs(failures, { baseMs: 1000, maxMs: 60000 }, deps.random));
      })
      .then((delay) => {
        inFlight = null;
        const now = again;
        again = false;
        schedule(now ? 0 : delay);
      });
  }

  return {
    name: 'mail',
    start() {
      stopped = false;
      schedule(0);
    },
    wake() {
      schedule(0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await inFlight;
      await deps.transport.close();
    },
  };
}
