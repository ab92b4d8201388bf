import { Job } from 'node-schedule';
import { Config } from '../../config/config';
import { ExpectedPass } from './health';

/**
 * The passes /healthz should expect from a daemon running with `config`, each with a staleness limit
 * that fits how often it runs: sync and mail poll every few seconds, so metrics.staleAfterSeconds (or
 * ten polls, if longer); the escalation agent runs on a cron (every 15 minutes by default, maybe once
 * a day), so twice the longest gap between two of its runs plus that margin. Without this a daily
 * escalation cron would make /healthz fail most of the day.
 */
export function expectedPasses(config: Config, now: Date = new Date()): ExpectedPass[] {
  const margin = config.metrics.staleAfterSeconds * 1000;
  const passes: ExpectedPass[] = [
    { name: 'sync', staleAfterMs: Math.max(margin, 10 * config.sync.pollIntervalMs) },
    { name: 'mail', staleAfterMs: Math.max(margin, 10 * config.mail.pollIntervalMs) },
  ];
  if (config.escalation.enabled) {
    const gap = cronMaxGapMs(config.escalation.cron, now) ?? 24 * 3_600_000;
    passes.push({ name: 'escalation', staleAfterMs: 2 * gap + margin });
  }
  return passes;
}

/**
 * The longest time between two consecutive firings of `cron` over its next `samples` firings, asked of
 * node-schedule itself (the parser the escalation worker uses); null for a rule it rejects.
 */
export function cronMaxGapMs(cron: string, now: Date, samples = 60): number | null {
  let previous: number | null = null;
  let gap = 0;
  // node-schedule ignores a start in the past: begin a second from now.
  let from = Math.max(now.getTime(), Date.now()) + 1000;
  for (let i = 0; i < samples; i++) {
    const next = firstRunAfter(cron, new Date(from));
    if (next === null) return previous === null ? null : gap || null;
    if (previous !== null) gap = Math.max(gap, next - previous);
    previous = next;
    from = next + 1000;
  }
  return gap || null;
}

function firstRunAfter(cron: string, start: Date): number | null {
  const job = new Job(() => undefined);
  try {
    if (!job.schedule({ start, rule: cron })) return null;
    const next = job.nextInvocation() as unknown as { getTime(): number } | null;
    return next ? next.getTime() : null;
  } catch {
    return null;
  } finally {
    job.cancel();
  }
}
