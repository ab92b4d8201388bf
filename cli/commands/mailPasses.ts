import { Db } from '../../core/db';
import { createMailRunner } from '../../daemon/mailWorker';
import { MailCounts, mailOnce } from '../../mail/mailOnce';
import { createMailDeps } from '../../mail/mailSetup';
import { requeueDead } from '../../store/outbox/retryDead';
import { ConnectionOptions } from '../connectionOptions';
import { CliContext, createCliContext, openSiteDb, WORKING } from '../context';
import { Output, stdoutOutput } from '../output';

/**
 * What `bxsup mail` does, step by step, on an open site database: the subcommands (send, retry-dead,
 * watch) and the older flags (--once, --retry-dead, --watch) run these same steps.
 */
export interface MailSession {
  db: Db;
  ctx: CliContext;
  out: Output;
  /** Counts go out as JSON (by the caller, once), not as lines. */
  json: boolean;
}

export async function withMailSession(
  opts: ConnectionOptions & { json?: boolean },
  work: (session: MailSession) => Promise<void>,
): Promise<void> {
  const ctx = createCliContext(opts);
  const { db } = await openSiteDb(opts, ctx, ctx.config.mail.concurrency + 2, WORKING);
  try {
    await work({ db, ctx, out: stdoutOutput(), json: Boolean(opts.json) });
  } finally {
    await db.destroy();
  }
}

/** Dead and address-less mails (all, or these outbox IDs) back in the queue. */
export async function requeue(session: MailSession, ids: number[]): Promise<number> {
  const requeued = await requeueDead(session.db, session.ctx.clock.now(), ids);
  if (!session.json) session.out.line(`requeued ${requeued} dead or address-less mail(s)`);
  return requeued;
}

/** One pass: everything due now. Exit 1 when a mail went dead. */
export async function sendDue(session: MailSession): Promise<MailCounts> {
  const deps = await mailDeps(session);
  try {
    const counts = await mailOnce(deps);
    if (!session.json)
      session.out.line(
        `sent ${counts.sent}, retrying ${counts.retried}, dead ${counts.dead}, not mailed ${counts.skipped}, no address ${counts.noAddress}` +
          (counts.reaped ? ` (freed ${counts.reaped} stale claims)` : ''),
      );
    // A recipient without an address is the customer's data, not a failure of the pass.
    if (counts.dead) process.exitCode = 1;
    return counts;
  } finally {
    await deps.transport.close();
  }
}

/** The daemon's mail runner until SIGINT/SIGTERM; a second Ctrl-C exits at once. */
export async function sendUntilStopped(session: MailSession): Promise<void> {
  const runner = createMailRunner(await mailDeps(session));
  runner.start();
  session.ctx.logger.info('sending mail; Ctrl-C stops');
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.once('SIGINT', () => process.exit(130));
      void runner.stop().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

function mailDeps(session: MailSession): ReturnType<typeof createMailDeps> {
  const { db, ctx } = session;
  return createMailDeps({ db, config: ctx.config, logger: ctx.logger, clock: ctx.clock });
}
