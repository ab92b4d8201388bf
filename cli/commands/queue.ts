import { Command } from 'commander';
import { BxsupError } from '../../core/errors';
import { collectQueue } from '../../queue/collectQueue';
import { formatQueue, queueSummary } from '../../queue/formatQueue';
import { parseQueueFilter, QueueCliOptions } from '../../queue/queueOptions';
import { colourEnabled } from '../../queue/terminalText';
import { watch } from '../../queue/watch';
import { createCliContext, DbOptions, openSiteDb, READING } from '../context';
import { stdoutOutput } from '../output';

type QueueOptions = QueueCliOptions & DbOptions & { json?: boolean; watch?: boolean; interval?: string };

export function queueCommand(): Command {
  return new Command('queue')
    .description('open tickets by time left to their next SLA deadline, most urgent first')
    .option('--db <url>', 'the site database (else BXSUP_DB_URL, the config file, --bitrix-root)')
    .option('--bitrix-root <dir>', "the site's document root")
    .option('--config <file>', 'configuration file')
    .option('--status <status>', 'open, in_progress, awaiting_reply, resolved, closed (comma-separated)')
    .option('--category <code>', 'category code as mirrored (comma-separated)')
    .option('--assignee <who>', "a b_user ID, 'me' (see --me) or 'none' for unassigned")
    .option('--me <id>', 'your b_user ID for --assignee me (default: BXSUP_OPERATOR_ID)')
    .option('--priority <p>', '1-4 or low, normal, high, critical (comma-separated)')
    .option('--overdue', 'only tickets whose next deadline has passed')
    .option('--site <id>', 'Bitrix site ID (comma-separated)')
    .option('--limit <n>', 'at most this many tickets', '50')
    .option('--json', 'print the tickets as JSON')
    .option('--watch', 'refresh in place until Ctrl-C')
    .option('--interval <seconds>', 'refresh interval for --watch', '5')
    .action(async (opts: QueueOptions) => {
      const filter = parseQueueFilter(opts);
      if (opts.watch && opts.json)
        throw new BxsupError('USAGE', '--watch and --json do not go together: pick one');
      const intervalSeconds = Number(opts.interval);
      if (!(intervalSeconds >= 1 && intervalSeconds <= 3600)) {
        throw new BxsupError('USAGE', `--interval ${opts.interval}: give seconds from 1 to 3600`);
      }
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
              intervalMs: intervalSeconds * 1000,
              inPlace: Boolean(process.stdout.isTTY),
              signal: abort.signal,
              write: (text) => process.stdout.write(text),
              frame: async () => [
                `bxsup queue at ${ctx.clock.now().toISOString()} (every ${intervalSeconds}s, Ctrl-C to quit)`,
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
