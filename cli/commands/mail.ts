import { Command, Option } from 'commander';
import { BxsupError } from '../../core/errors';
import { addConnectionOptions, ConnectionOptions } from '../connectionOptions';
import { numberOption } from '../numberOption';
import { requeue, sendDue, sendUntilStopped, withMailSession } from './mailPasses';

type SendOptions = ConnectionOptions & { json?: boolean };
type RetryDeadOptions = SendOptions & { id?: number[] };
/** The flags `bxsup mail` took before it had subcommands; still accepted, as aliases. */
type AliasFlags = RetryDeadOptions & { once?: boolean; retryDead?: boolean; watch?: boolean };

/** `bxsup mail send | retry-dead | watch`; `--once`, `--retry-dead` and `--watch` still work as aliases. */
export function mailCommand(): Command {
  const mail = addConnectionOptions(
    new Command('mail').description('send the mails that are due, requeue dead mails, or keep sending'),
  )
    // The options before a subcommand's name are mail's, those after it the subcommand's: both
    // declare --db and friends, and each subcommand reads mail's too (optsWithGlobals).
    .enablePositionalOptions()
    .option('--once', 'alias of bxsup mail send')
    .option('--retry-dead', 'alias of bxsup mail retry-dead (with --once: requeue, then send)')
    .addOption(outboxIdsOption('with --retry-dead: only these outbox IDs'))
    .option('--watch', 'alias of bxsup mail watch')
    .option('--json', 'print the counts as JSON')
    .action(runAliasFlags);
  // Subcommands take their settings when created: each needs exitOverride itself (see service.ts).
  const sub = (name: string, description: string): Command =>
    addConnectionOptions(mail.command(name).description(description)).exitOverride();

  sub('send', 'send everything due now, then exit')
    .option('--json', 'print the counts as JSON')
    .action((_: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<SendOptions>();
      return withMailSession(opts, async (session) => {
        const counts = await sendDue(session);
        if (opts.json) session.out.json(counts);
      });
    });
  sub(
    'retry-dead',
    'put dead mails and those that had no address back in the queue (then bxsup mail send or the daemon sends them)',
  )
    .addOption(outboxIdsOption('only these outbox IDs'))
    .option('--json', 'print the count as JSON')
    .action((_: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<RetryDeadOptions>();
      return withMailSession(opts, async (session) => {
        const requeued = await requeue(session, opts.id ?? []);
        if (opts.json) session.out.json({ requeued });
      });
    });
  sub('watch', 'keep sending until Ctrl-C (what the daemon does)').action((_: unknown, cmd: Command) =>
    withMailSession(cmd.optsWithGlobals<ConnectionOptions>(), sendUntilStopped),
  );
  return mail;
}

function outboxIdsOption(description: string): Option {
  return numberOption('--id <id...>', description, {
    min: 1,
    whole: true,
    fix: 'give outbox IDs (whole numbers)',
  });
}

/** `bxsup mail --once | --retry-dead [--id …] | --watch`, as before the subcommands; they may be combined. */
async function runAliasFlags(opts: AliasFlags): Promise<void> {
  if (!opts.once && !opts.retryDead && !opts.watch)
    throw new BxsupError('USAGE', 'say what to do: bxsup mail send, retry-dead or watch');
  if (opts.watch && opts.json)
    throw new BxsupError('USAGE', '--watch and --json do not go together: pick one');
  const ids = opts.id ?? [];
  if (ids.length && !opts.retryDead)
    throw new BxsupError('USAGE', '--id goes with retry-dead: bxsup mail retry-dead --id ID…');
  await withMailSession(opts, async (session) => {
    const result: Record<string, unknown> = {};
    if (opts.retryDead) result.requeued = await requeue(session, ids);
    if (opts.watch) return sendUntilStopped(session);
    if (opts.once) Object.assign(result, await sendDue(session));
    if (opts.json) session.out.json(result);
  });
}
