import { Job } from 'node-schedule';

/**
 * When node-schedule would next fire `cron` (after the real current time), for `bxsup status`: the
 * same parser the worker uses, so the answer cannot disagree with the daemon. Null for a bad rule.
 */
export function nextRun(cron: string): Date | null {
  const job = new Job(() => undefined);
  try {
    if (!job.schedule(cron)) return null;
    const next = job.nextInvocation() as unknown as { toDate?: () => Date } | Date | null;
    if (next === null) return null;
    return next instanceof Date ? next : (next.toDate?.() ?? null);
  } finally {
    job.cancel();
  }
}
