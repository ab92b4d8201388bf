import { Logger } from '../core/logger';
import { DaemonWorker } from './worker';

export interface DaemonHandle {
  /** Resolves when every worker has finished its work in flight. */
  stop(reason: string): Promise<void>;
  readonly stopped: Promise<void>;
}

/**
 * Starts the workers and wires graceful shutdown: the first SIGTERM/SIGINT stops taking work and lets
 * the batch in flight finish (workers stop in reverse order of start); a second signal, or
 * `shutdownTimeoutMs` without finishing, forces the exit.
 */
export function runDaemon(
  workers: DaemonWorker[],
  deps: { logger: Logger; shutdownTimeoutMs?: number; onStopped?: () => Promise<void> },
): DaemonHandle {
  const { logger } = deps;
  for (const worker of workers) worker.start();
  logger.info(`daemon started: ${workers.map((w) => w.name).join(', ')}`);

  let stopping: Promise<void> | null = null;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));

  const stop = (reason: string): Promise<void> => {
    if (stopping) return stopping;
    logger.info(`stopping (${reason}): finishing the work in flight`);
    const timer = setTimeout(() => {
      logger.error('shutdown took too long: exiting now');
      process.exit(1);
    }, deps.shutdownTimeoutMs ?? 30_000);
    timer.unref();
    stopping = (async () => {
      for (const worker of [...workers].reverse()) {
        await worker
          .stop()
          .catch((err: Error) => logger.error(`${worker.name} did not stop cleanly: ${err.message}`));
      }
      await deps.onStopped?.();
      clearTimeout(timer);
      logger.info('stopped');
      resolveStopped();
    })();
    return stopping;
  };

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
