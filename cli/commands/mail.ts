import { Command } from 'commander';
import { BxsupError } from '../../core/errors';
import { createMailRunner } from '../../mail/mailRunner';
import { mailOnce } from '../../mail/mailOnce';
import { createMailDeps } from '../../mail/mailSetup';
import { requeueDead } from '../../mail/outbox/retryDead';
import { createCliContext, DbOptions, openSiteDb, WORKING } from '../context';
import { stdoutOutput } from '../output';

type MailOptions = DbOptions & {
  once?: boolean;
  retryDead?: boolean;
  id?: string[];
  watch?: boolean;
  json?: boolean;
};

export function mailCommand(): Command {
  return new Command('mail')
    .description(
      'send the mails that are due (--once), requeue dead mails (--retry-dead), or keep sending (--watch)',
    )
    .option('--db <url>', 'the site database (else BXSUP_DB_URL, the config file, --bitrix-root)')
    .option('--bitrix-root <dir>', "the site's document root")
    .option('--config <file>', 'configuration file')
    .option('--once', 'send everything due now, then exit')
    .option(
      '--retry-dead',
      'put dead mails and those that had no address back in the queue (then send them with --once or the daemon)',
    )
    .option('--id <id...>', 'with --retry-dead: only these outbox IDs')
    .option('--watch', 'keep sending until Ctrl-C (what the daemon does)')
    .option('--json', 'print the counts as JSON')
    .action(async (opts: MailOptions) => {
      if (!opts.once && !opts.retryDead && !opts.watch)
        throw new BxsupError('USAGE', 'say what to do: bxsup mail --once, --retry-dead or --watch');
      if (opts.watch && opts.json)
        throw new BxsupError('USAGE', '--watch and --json do not go together: pick one');
      const ids = (opts.id ?? []).map((v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n <= 0)
          throw new BxsupError('USAGE', `--id ${v}: give outbox IDs (whole numbers)`);
        return n;
      });
      if (ids.length && !opts.retryDead) throw new BxsupError('USAGE', '--id goes with --retry-dead');
      const ctx = createCliContext(opts);
      const out = stdoutOutput();
      const { db } = await openSiteDb(opts, ctx, ctx.config.mail.concurrency + 2, WORKING);
      try {
        const result: Record<string, unknown> = {};
        if (opts.retryDead) {
          result.requeued = await requeueDead(db, ctx.clock.now(), ids);
          if (!opts.json) out.line(`requeued ${String(result.requeued)} dead or address-less mail(s)`);
        }
        if (opts.once || opts.watch) {
          const deps = await createMailDeps({ db, config: ctx.config, logger: ctx.logger, clock: ctx.clock });
          if (opts.watch) return await watch(deps, ctx.logger);
          try {
            const counts = await mailOnce(deps);
            Object.assign(result, counts);
            if (!opts.json)
              out.line(
                `sent ${counts.sent}, retrying ${counts.retried}, dead ${counts.dead}, not mailed ${counts.skipped}, no address ${counts.noAddress}` +
                  (counts.reaped ? ` (freed ${counts.reaped} stale claims)` : ''),
              );
            // A recipient without an address is the customer's data, not a failure of the pass.
            if (counts.dead) process.exitCode = 1;
          } finally {
            await deps.transport.close();
          }
        }
        if (opts.json) out.json(result);
      } finally {
        await db.destroy();
      }
    });
}

/** --watch: the runner until SIGINT/SIGTERM; a second signal exits at once. */
async function watch(
  deps: Awaited<ReturnType<typeof createMailDeps>>,
  logger: { info(m: string): void },
): Promise<void> {
  const runner = createMailRunner(deps);
  runner.start();
  logger.info('sending mail; Ctrl-C stops');
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.once('SIGINT', () => process.exit(130));
      void runner.stop().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
