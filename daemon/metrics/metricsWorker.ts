import { BxsupError } from '../../core/errors';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Clock } from '../../core/clock';
import { Db } from '../../core/db';
import { Logger } from '../../core/logger';
import { DaemonWorker } from '../worker';
import { DaemonMetrics } from './daemonMetrics';
import { evaluateHealth, ExpectedPass } from './health';
import { MetricsConfig } from '../../service/metricsConfig';

export interface MetricsWorkerDeps {
  /** The `metrics` config section; no port = the worker does nothing. */
  config: Pick<MetricsConfig, 'port' | 'host' | 'staleAfterSeconds'>;
  metrics: DaemonMetrics;
  db: Db;
  clock: Clock;
  logger: Logger;
  /**
   * The passes this daemon runs and how stale each may get, for /healthz: pass expectedPasses(config)
   * (daemon/metrics/expectedPasses.ts). Default: sync and mail within metrics.staleAfterSeconds, escalation
   * within two runs of the default 15-minute cron plus that.
   */
  passes?: ExpectedPass[];
  /** Brings counters kept outside the registry up to date before a scrape (the workers' database load). */
  beforeScrape?: () => Promise<void>;
}

export interface MetricsWorker extends DaemonWorker {
  /** Resolves once listening (null when off or the port could not be bound). */
  readonly listening: Promise<AddressInfo | null>;
}

function defaultPasses(staleAfterMs: number): ExpectedPass[] {
  return [
    { name: 'sync' },
    { name: 'mail' },
    { name: 'escalation', staleAfterMs: 30 * 60_000 + staleAfterMs },
  ];
}

/**
 * The daemon's HTTP endpoint on metrics.host:metrics.port (127.0.0.1 by default):
 * `GET /healthz` → 200 {status:'ok', lastSyncAt, …} or 503 {status:'stale', …};
 * `GET /metrics` → Prometheus text from this daemon's own registry, DB gauges refreshed first.
 * Anything else is 404/405. A port already taken is logged, not fatal: the daemon's real work goes on
 * and the health probe that fails to connect makes the problem visible.
 */
export function metricsWorker(deps: MetricsWorkerDeps): MetricsWorker {
  const { config, metrics, db, clock } = deps;
  const logger = deps.logger.child({ module: 'metrics' });
  const passes = deps.passes ?? defaultPasses(config.staleAfterSeconds * 1000);
  let server: Server | null = null;
  let startedAt = clock.now();
  let resolveListening!: (a: AddressInfo | null) => void;
  const listening = new Promise<AddressInfo | null>((resolve) => (resolveListening = resolve));

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = (req.url ?? '/').split('?')[0];
    if (url !== '/healthz' && url !== '/metrics') return send(res, 404, 'text/plain', 'not found\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(res, 405, 'text/plain', 'method not allowed\n');
    }
    if (url === '/healthz') {
      const health = evaluateHealth({
        now: clock.now(),
        startedAt,
        passes,
        defaultStaleAfterMs: config.staleAfterSeconds * 1000,
        lastPass: (name) => metrics.lastPass(name),
      });
      return send(
        res,
        health.status === 'ok' ? 200 : 503,
        'application/json',
        `${JSON.stringify(health)}\n`,
        req.method,
      );
    }
    await Promise.all([metrics.refreshDbGauges(db, clock.now()), deps.beforeScrape?.()]);
    return send(res, 200, metrics.registry.contentType, await metrics.registry.metrics(), req.method);
  };

  return {
    name: 'metrics',
    listening,
    start(fatal) {
      startedAt = clock.now();
      if (config.port === undefined) {
        logger.debug('metrics endpoint off (no metrics.port)');
        resolveListening(null);
        return;
      }
      const s = createServer((req, res) => {
        handle(req, res).catch((err: Error) => {
          logger.error(`metrics request failed: ${err.message}`);
          if (!res.headersSent) send(res, 500, 'text/plain', 'internal error\n');
          else res.end();
        });
      });
      // A scraper gets seconds, not minutes: a stuck client must not hold sockets open.
      s.requestTimeout = 10_000;
      s.headersTimeout = 5_000;
      s.keepAliveTimeout = 5_000;
      s.once('error', (err: NodeJS.ErrnoException) => {
        logger.error(`metrics endpoint not started on ${config.host}:${config.port}: ${err.message}`);
        resolveListening(null);
        // The admin asked for metrics: a daemon without them would look healthy to nobody.
        fatal?.(
          new BxsupError(
            'CONFIG_INVALID',
            err.code === 'EADDRINUSE'
              ? `metrics.port ${config.port} on ${config.host} is taken: choose another metrics.port, or stop what listens there`
              : `metrics.port ${config.port} on ${config.host} cannot be used (${err.code ?? err.message}): check metrics.host and metrics.port`,
          ),
        );
      });
      s.listen(config.port, config.host, () => {
        const address = s.address() as AddressInfo;
        logger.info(`metrics on http://${address.address}:${address.port}/metrics, health on /healthz`);
        resolveListening(address);
      });
      server = s;
    },
    async stop() {
      const s = server;
      server = null;
      if (!s || !s.listening) return;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },
  };
}

function send(res: ServerResponse, status: number, type: string, body: string, method = 'GET'): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(method === 'HEAD' ? undefined : body);
}
