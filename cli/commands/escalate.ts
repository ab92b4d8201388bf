import { Command } from 'commander';
import { BxsupError } from '../../core/errors';
import { createAgentContext } from '../../escalator/agent/context';
import { runEscalationPass } from '../../escalator/agent/pass';
import { PassResult } from '../../escalator/agent/passResult';
import { createCliContext, openSiteDb, WORKING } from '../context';
import { addConnectionOptions, ConnectionOptions } from '../connectionOptions';
import { Output, stdoutOutput } from '../output';

type EscalateOptions = ConnectionOptions & { once?: boolean; now?: string; json?: boolean };

export function escalateCommand(): Command {
  return addConnectionOptions(
    new Command('escalate').description(
      'run one escalation pass: SLA warnings and breaches, reassignment, priority raise, notices',
    ),
  )
    .option('--once', 'run one pass and exit (the daemon, bxsup run, runs passes on escalation.cron)')
    .option('--now <iso>', 'the instant to run the pass at, ISO-8601 (tests, replaying a missed pass)')
    .option('--json', 'print the pass result as JSON')
    .action(async (opts: EscalateOptions) => {
      if (!opts.once) {
        throw new BxsupError(
          'USAGE',
          'bxsup escalate runs a single pass: add --once (the daemon, bxsup run, runs it on escalation.cron)',
        );
      }
      const ctx = createCliContext(opts);
      const now = opts.now === undefined ? ctx.clock.now() : parseInstant(opts.now);
      const out = stdoutOutput();
      const { db, target } = await openSiteDb(opts, ctx, 4, WORKING);
      try {
        const agent = await createAgentContext({
          db,
          target,
          logger: ctx.logger,
          config: ctx.config,
          clock: ctx.clock,
        });
        const result = await runEscalationPass(agent, now);
        if (opts.json) out.json({ now: now.toISOString(), ...result });
        else printResult(out, result);
      } finally {
        await db.destroy();
      }
    });
}

function parseInstant(text: string): Date {
  const at = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(at.getTime())) {
    throw new BxsupError('USAGE', `--now ${text}: give an ISO-8601 instant such as 2024-03-12T07:30:00Z`);
  }
  return at;
}

function printResult(out: Output, r: PassResult): void {
  if (!r.ran) {
    out.line('another escalation pass is running: skipped');
    return;
  }
  out.line(
    `escalation pass: ${r.examined} due ticket(s), ${r.applied} action(s) applied, ${r.recorded} recorded without action, ${r.failed} failed`,
  );
  if (r.refreshed) out.line(`SLA recomputed for ${r.refreshed} ticket(s)`);
  if (r.distributed) out.line(`${r.distributed} new ticket(s) assigned`);
  if (r.digest) out.line('install digest queued for the supervisors');
  const w = r.webhooks;
  if (w.sent || w.retrying || w.failed)
    out.line(`webhooks: ${w.sent} sent, ${w.retrying} to retry, ${w.failed} failed`);
}
