import { describeError } from '../core/dbErrorText';
import { Logger } from '../core/logger';
import { DaemonWorker } from './worker';

export interface DaemonHandle {
  /** Resolves when every worker has finished its work in flight. */
  stop(reason: string): Promise<void>;
  /** Resolves once stopped: with the error that stopped it when a worker failed for good, else null. */
  readonly stopped: Promise<unknown>;
}

/**
 * Starts the workers and wires graceful shutdown: the first SIGTERM/SIGINT stops taking work and lets
 * the batch in flight finish (workers stop in reverse order of start); a second signal, or
 * `shutdownTimeoutMs` without finishing, forces the exit. A worker that cannot start, or that reports
 * it can never work again, stops them all the same way and `stopped` resolves with its error: the
 * process exits non-zero (systemd restarts it) instead of lingering half-dead.
 */
export async function runDaemon(
  workers: DaemonWorker[],
  deps: {
    logger: Logger;
    shutdownTimeoutMs?: number;
    onStopped?: () => Promise<void>;
    /** Turns a worker's fatal error into the one the person reads (e.g. a GRANT naming our account). */
    explain?: (err: unknown) => unknown;
  },
): Promise<DaemonHandle> {
  const { logger } = deps;
  let failure: unknown = null;
  let stopping: Promise<void> | null = null;
  let resolveStopped!: (err: unknown) => void;
  const stopped = new Promise<unknown>((resolve) => (resolveStopped = resolve));
  const started: DaemonWorker[] = [];

  const stop = (reason: string): Promise<void> => {
    if (stopping) return stopping;
    logger.info(`stopping (${reason}): finishing the work in flight`);
    const timer = setTimeout(() => {
      logger.error('shutdown took too long: exiting now');
      process.exit(1);
    }, deps.shutdownTimeoutMs ?? 30_000);
    timer.unref();
    stopping = (async () => {
      for (const worker of [...started].reverse()) {
        await worker
          .stop()
          .catch((err: unknown) =>
            logger.error(`${worker.name} did not stop cleanly: ${describeError(err)}`),
          );
      }
      await deps.onStopped?.();
      clearTimeout(timer);
      logger.info('stopped');
      resolveStopped(failure);
    })();
    return stopping;
  };

  const fatal =
    (name: string) =>
    (err: unknown): void => {
      if (failure !== null || stopping) return;
      failure = deps.explain?.(err) ?? err;
      logger.error(`the daemon stops: ${name} cannot go on: ${describeError(failure)}`);
      void stop(`${name} failed`);
    };

  try {
    for (const worker of workers) {
      worker.start(fatal(worker.name));
      started.push(worker);
    }
  } catch (err) {
    failure = err;
    logger.error(`${workers[started.length]?.name ?? 'a worker'} did not start: ${describeError(err)}`);
    await stop('a worker did not start');
    throw err;
  }
  logger.info(`daemon started: ${workers.map((w) => w.name).join(', ')}`);

  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn(`${signal} again: exiting without waiting`);
      process.exit(130);
    }
    void stop(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  void stopped.then(() => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  });

  return { stop, stopped };
}
