import { parseExpression } from 'cron-parser';
import { Job } from 'node-schedule';

/**
 * Why a cron rule cannot drive the escalation timer, or null when it can. The daemon schedules with
 * node-schedule, so its verdict decides; cron-parser (the parser under it) supplies the reason a person
 * can act on ("got value 61 expected range 0-59"). Checked when the configuration loads, so a bad rule
 * stops the command with exit 2 instead of a daemon that starts half of its workers.
 */
export function cronProblem(rule: string): string | null {
  const fields = rule.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) return `needs 5 fields (6 with seconds first), got ${fields}`;
  const job = new Job(() => undefined);
  try {
    if (job.schedule(rule)) return null;
  } finally {
    job.cancel();
  }
  try {
    parseExpression(rule);
    return 'it never fires';
  } catch (err) {
    return (err as Error).message.replace(/^Constraint error, /, '').replace(/\.$/, '');
  }
}
