/**
 * What /healthz answers, as a pure function of the passes' last times and "now".
 *
 * Healthy when every expected pass finished within its staleness limit. A pass that has not run yet
 * is measured from the daemon's start, so a fresh daemon is healthy while its first passes run and
 * turns unhealthy only if they never finish. Passes are what the daemon actually runs: a site without
 * the escalation agent does not expect an escalation pass.
 */
export interface ExpectedPass {
  name: string;
  /** How old the last finished pass may be; default: metrics.staleAfterSeconds. */
  staleAfterMs?: number;
}

export interface PassHealth {
  lastAt: string | null;
  ageSeconds: number | null;
  staleAfterSeconds: number;
  ok: boolean;
}

export interface HealthReport {
  status: 'ok' | 'stale';
  startedAt: string;
  /** lastSyncAt, lastMailAt, lastEscalationAt…: ISO time or null. */
  [lastKey: `last${string}At`]: string | null;
  passes: Record<string, PassHealth>;
}

export function evaluateHealth(input: {
  now: Date;
  startedAt: Date;
  passes: ExpectedPass[];
  defaultStaleAfterMs: number;
  lastPass: (name: string) => Date | null;
}): HealthReport {
  const { now, startedAt } = input;
  const report: HealthReport = { status: 'ok', startedAt: startedAt.toISOString(), passes: {} };
  for (const pass of input.passes) {
    const limit = pass.staleAfterMs ?? input.defaultStaleAfterMs;
    const last = input.lastPass(pass.name);
    const since = (last ?? startedAt).getTime();
    const ok = now.getTime() - since <= limit;
    report.passes[pass.name] = {
      lastAt: last ? last.toISOString() : null,
      ageSeconds: last ? Math.round((now.getTime() - last.getTime()) / 1000) : null,
      staleAfterSeconds: Math.round(limit / 1000),
      ok,
    };
    report[`last${pass.name.charAt(0).toUpperCase()}${pass.name.slice(1)}At`] = last
      ? last.toISOString()
      : null;
    if (!ok) report.status = 'stale';
  }
  return report;
}
