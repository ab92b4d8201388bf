import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Db } from '../../core/db';
import { VERSION } from '../../core/version';
import { DbLoad } from '../dbLoad/sessionCounters';
import { DbGauges } from './dbGauges';
import { DbLoadCounters } from './dbLoadCounters';

/**
 * The daemon's metrics, one object per daemon (never prom-client's global registry: two daemons in
 * one test process, or a daemon restarted in place, must not share counters).
 *
 * The lead creates it once in `bxsup run` and passes it to the workers:
 * - the sync worker calls `observePass('sync', now, ms)` after every completed pass,
 * - the mail sender `mailsSent.inc({ transport })` per mail accepted, `mailsFailed.inc({ kind })`
 *   per failed attempt ('temporary' will be retried, 'permanent' / 'dead' will not), and
 *   `observePass('mail', …)`,
 * - the escalation agent `escalationsFired.inc({ level, target })` per applied escalation and
 *   `observePass('escalation', …)`, also after a pass another daemon won (the pass still ran).
 * - the workers' own database pools `countDbLoad(worker, load)` with what their connections cost the
 *   server (daemon/dbLoad/workerPools.ts), read at each heartbeat and before each scrape.
 * Gauges that describe the database (sync lag, outbox depth, open and overdue tickets) are read from it
 * on each scrape by the metrics worker (daemon/metrics/dbGauges.ts), so every daemon reports the same truth.
 */
export type PassName = 'sync' | 'mail' | 'escalation' | (string & Record<never, never>);

export interface DaemonMetrics {
  readonly registry: Registry;
  readonly mailsSent: Counter<'transport'>;
  readonly mailsFailed: Counter<'kind'>;
  readonly escalationsFired: Counter<'level' | 'target'>;
  /** Records that a pass finished at `at` (and how long it took, when known). */
  observePass(name: PassName, at: Date, durationMs?: number): void;
  /** When the pass last finished in this process; null if never. */
  lastPass(name: PassName): Date | null;
  /** Adds what a worker's database connections cost the server since the last reading. */
  countDbLoad(worker: string, load: DbLoad): void;
  /** Re-reads the database gauges (the metrics worker does this before each scrape). Never throws. */
  refreshDbGauges(db: Db, now: Date): Promise<void>;
}

export interface DaemonMetricsOptions {
  /** Node.js process metrics (CPU, memory, event loop lag); on by default. */
  processMetrics?: boolean;
}

export function createDaemonMetrics(options: DaemonMetricsOptions = {}): DaemonMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'bxsup_info',
    help: 'Always 1; the version label says which bxsup runs',
    labelNames: ['version'],
    registers: [registry],
  }).set({ version: VERSION }, 1);
  const lastPassGauge = new Gauge({
    name: 'bxsup_last_pass_timestamp_seconds',
    help: 'Unix time the pass last finished in this daemon',
    labelNames: ['pass'],
    registers: [registry],
  });
  const passDuration = new Histogram({
    name: 'bxsup_pass_duration_seconds',
    help: 'How long passes take',
    labelNames: ['pass'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [registry],
  });
  const last = new Map<string, Date>();
  const dbGauges = new DbGauges(registry);
  const dbLoad = new DbLoadCounters(registry);
  return {
    registry,
    mailsSent: new Counter({
      name: 'bxsup_mails_sent_total',
      help: 'Mails the transport accepted',
      labelNames: ['transport'],
      registers: [registry],
    }),
    mailsFailed: new Counter({
      name: 'bxsup_mails_failed_total',
      help: 'Failed send attempts: temporary (retried), permanent or dead (given up)',
      labelNames: ['kind'],
      registers: [registry],
    }),
    escalationsFired: new Counter({
      name: 'bxsup_escalations_fired_total',
      help: 'Escalation levels applied',
      labelNames: ['level', 'target'],
      registers: [registry],
    }),
    observePass(name, at, durationMs) {
      last.set(name, at);
      lastPassGauge.set({ pass: name }, at.getTime() / 1000);
      if (durationMs !== undefined) passDuration.observe({ pass: name }, durationMs / 1000);
    },
    lastPass(name) {
      return last.get(name) ?? null;
    },
    countDbLoad: (worker, load) => dbLoad.add(worker, load),
    refreshDbGauges: (db, now) => dbGauges.refresh(db, now),
  };
}
