import { z } from 'zod';

/**
 * The `metrics` section of bxsup.config.json: the daemon's /healthz and /metrics HTTP endpoint.
 * Off unless a port is given. It binds to loopback by default because /metrics shows queue sizes and
 * /healthz is meant for a local probe (systemd, a reverse proxy, node_exporter's textfile neighbour):
 * exposing it further is a deliberate `host` change.
 */
export const metricsConfigSchema = z
  .object({
    /** TCP port; absent = the endpoint is off. */
    port: z.number().int().min(1).max(65535).optional(),
    host: z.string().min(1).default('127.0.0.1'),
    /** /healthz answers 503 when a daemon pass (sync, mail, escalation) has not finished for this long. */
    staleAfterSeconds: z.number().int().min(10).default(300),
  })
  .strict();

export type MetricsConfig = z.infer<typeof metricsConfigSchema>;
