import { parseExpression } from 'cron-parser';
import { Config } from '../../config/config';
import { ExpectedPass } from './health';

/**
 * The passes /healthz should expect from a daemon running with `config`, each with a staleness limit
 * that fits how often it runs: sync and mail poll every few seconds, so metrics.staleAfterSeconds (or
 * ten polls, if longer); the escalation agent runs on a cron (every 15 minutes by default, maybe once
 * a day), so twice the longest gap between two of its runs plus that margin. Without this a daily
 * escalation cron would make /healthz fail most of the day.
 */
export function expectedPasses(config: Config, now: Date): ExpectedPass[] {
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
 * The longest time between two consecutive firings of `cron` over its next `samples` firings after
 * `now`; null for a rule that does not parse or never fires. Asked of cron-parser, the parser
 * node-schedule (the escalation worker's timer) runs a string rule through, so the firings are the
 * worker's; node-schedule itself would not do, as it ignores a start in the past (a test's `now`).
 */
export function cronMaxGapMs(cron: string, now: Date, samples = 60): number | null {
  let firings: number[];
  try {
    const rule = parseExpression(cron, { currentDate: now });
    firings = Array.from({ length: samples }, () => rule.next().getTime());
  } catch {
    // Unparseable, or fewer than `samples` firings left (cron-parser throws past its last one).
    return null;
  }
  let gap = 0;
  for (let i = 1; i < firings.length; i++) gap = Math.max(gap, firings[i] - firings[i - 1]);
  return gap || null;
}
