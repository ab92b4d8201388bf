import { Command } from 'commander';
import { BxsupError } from '../../core/errors';
import { collectQueue } from '../../queue/collectQueue';
import { formatQueue, queueSummary } from '../../queue/formatQueue';
import { DEFAULT_QUEUE_LIMIT, parseQueueFilter, QueueCliOptions } from '../../queue/queueOptions';
import { colourEnabled } from '../../queue/terminalText';
import { watch } from '../../queue/watch';
import { createCliContext, openSiteDb, READING } from '../context';
import { addConnectionOptions, ConnectionOptions } from '../connectionOptions';
import { numberOption } from '../numberOption';
import { stdoutOutput } from '../output';

type QueueOptions = QueueCliOptions &
  ConnectionOptions & { json?: boolean; watch?: boolean; interval: number };

export function queueCommand(): Command {
  return addConnectionOptions(
    new Command('queue').description(
      'open tickets by time left to their next SLA deadline, most urgent first',
    ),
  )
    .option('--status <status>', 'open, in_progress, awaiting_reply, resolved, closed (comma-separated)')
    .option('--category <code>', 'category code as mirrored (comma-separated)')
    .option('--assignee <who>', "a b_user ID, 'me' (see --me) or 'none' for unassigned")
    .addOption(
      numberOption('--me <id>', 'your b_user ID for --assignee me (default: BXSUP_OPERATOR_ID)', {
        min: 1,
        whole: true,
        fix: 'give a b_user ID (a positive number)',
      }),
    )
    .option('--priority <p>', '1-4 or low, normal, high, critical (comma-separated)')
    .option('--overdue', 'only tickets whose next deadline has passed')
    .option('--site <id>', 'Bitrix site ID (comma-separated)')
    .addOption(
      numberOption('--limit <n>', 'at most this many tickets', {
        min: 1,
        max: 100_000,
        whole: true,
        fix: 'give a number of tickets from 1 to 100000',
      }).default(DEFAULT_QUEUE_LIMIT),
    )
    .option('--json', 'print the tickets as JSON')
    .option('--watch', 'refresh in place until Ctrl-C')
    .addOption(
      numberOption('--interval <seconds>', 'refresh interval for --watch', {
        min: 1,
        max: 3600,
        whole: false,
        fix: 'give seconds from 1 to 3600',
      }).default(5),
    )
    .action(async (opts: QueueOptions) => {
      const filter = parseQueueFilter(opts);
      if (opts.watch && opts.json)
        throw new BxsupError('USAGE', '--watch and --json do not go together: pick one');
      const ctx = createCliContext(opts);
      const out = stdoutOutput();
      const { db } = await openSiteDb(opts, ctx, 2, READING);
      try {
        const frame = async (): Promise<string[]> => {
          const now = ctx.clock.now();
          const rows = await collectQueue(db, filter, now);
          const width = process.stdout.columns || Number(process.env.COLUMNS) || 160;
          const lines = formatQueue(rows, { width, colour: colourEnabled(process.stdout) });
          return [...lines, '', queueSummary(rows, filter.limit)];
        };
        if (opts.json) {
          const now = ctx.clock.now();
          out.json({ now, filter, tickets: await collectQueue(db, filter, now) });
        } else if (opts.watch) {
          const abort = new AbortController();
          const stop = (): void => abort.abort();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
          try {
            await watch({
              intervalMs: opts.interval * 1000,
              inPlace: Boolean(process.stdout.isTTY),
              signal: abort.signal,
              write: (text) => process.stdout.write(text),
              frame: async () => [
                `bxsup queue at ${ctx.clock.now().toISOString()} (every ${opts.interval}s, Ctrl-C to quit)`,
                '',
                ...(await frame()),
              ],
            });
          } finally {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
          }
        } else {
          for (const line of await frame()) out.line(line);
        }
      } finally {
        await db.destroy();
      }
    });
}
