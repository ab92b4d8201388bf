import { backoffDelay } from '../core/backoff';
import { Logger } from '../core/logger';
import { describeError } from '../core/dbErrorText';
import { isConnectionError, isFatalError } from '../core/dbErrors';
import { WorkerHealth } from './workerHealth';

export interface PeriodicTaskOptions {
  name: string;
  intervalMs: number;
  run: () => Promise<void>;
  logger: Logger;
  /** Called with each state change so the daemon can log one line per change, not one per poll. */
  onStateChange?: (state: 'ok' | 'db_down' | 'failing', err?: unknown) => void;
  /** A failure no retry cures (dbErrors.ts isFatalError): the task stops and reports it here. */
  onFatal?: (err: unknown) => void;
  /** Where failing passes are recorded for `bxsup status` (the daemon's heartbeat row). */
  health?: WorkerHealth;
}

/**
 * Runs `run` every interval, never overlapping itself. When the database goes away it backs off
 * (capped exponential, jitter) and logs one line when it goes down and one when it comes back.
 * `stop()` lets the pass in flight finish, then resolves.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private stopped = false;
  private state: 'ok' | 'db_down' | 'failing' = 'ok';
  private failures = 0;
  private wakeRequested = false;

  constructor(private readonly options: PeriodicTaskOptions) {}

  start(): void {
    this.schedule(0);
  }

  /** Asks for a pass now (e.g. new outbox rows); one running already is followed by another at once. */
  wake(): void {
    if (this.stopped) return;
    if (this.inFlight) {
      this.wakeRequested = true;
      return;
    }
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.inFlight;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.inFlight = this.tick().finally(() => (this.inFlight = null));
    }, delayMs);
  }

  private async tick(): Promise<void> {
    const { run, intervalMs, logger, name } = this.options;
    try {
      await run();
      this.options.health?.recovered(name);
      this.failures = 0;
      this.setState('ok');
      this.schedule(this.takeWake() ? 0 : intervalMs);
    } catch (err) {
      this.failures++;
      if (this.options.onFatal && isFatalError(err)) {
        this.stopped = true;
        this.options.onFatal(err);
        return;
      }
      const down = isConnectionError(err);
      if (!down) this.options.health?.failed(name, err, new Date());
      this.setState(down ? 'db_down' : 'failing', err);
      if (!down) logger.error(`${name} pass failed: ${describeError(err)}`, { task: name });
      this.takeWake();
      this.schedule(Math.max(intervalMs, backoffDelay(this.failures, { baseMs: 1000, maxMs: 30000 })));
    }
  }

  private takeWake(): boolean {
    const requested = this.wakeRequested;
    this.wakeRequested = false;
    return requested;
  }

  private setState(next: 'ok' | 'db_down' | 'failing', err?: unknown): void {
    if (next === this.state) return;
    const { logger, name } = this.options;
    if (next === 'db_down')
      logger.warn(`${name}: database unreachable (${describeError(err)}); retrying with backoff`);
    else if (next === 'ok') logger.info(`${name}: working again`);
    this.state = next;
    this.options.onStateChange?.(next, err);
  }
}
