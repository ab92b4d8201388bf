import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { boundHeapGrowth } from '../../core/heapGrowth';
import { redactDbUrl } from '../../core/dbUrl';
import { BxsupError } from '../../core/errors';
import { Logger } from '../../core/logger';
import { resolveSiteZone } from '../../bridge/siteZone';
import { syncOnce } from '../../sync/syncOnce';
import { SyncProgress } from '../../sync/types';
import { createCliContext, openSiteDb, WORKING } from '../context';
import { addConnectionOptions, ConnectionOptions } from '../connectionOptions';
import { stdoutOutput } from '../output';
import { refreshAfterSync } from '../../escalator/state/refreshAfterSync';

interface SyncOpts extends ConnectionOptions {
  once?: boolean;
  reconcile?: boolean;
  json?: boolean;
}

export function syncCommand(): Command {
  return addConnectionOptions(
    new Command('sync').description(
      'mirror new and changed tickets and queue their mail events, in one pass (a first pass backfills)',
    ),
  )
    .option('--once', 'make one pass and exit (the continuous sync is bxsup run)')
    .option('--reconcile', 'also run a whole reconciliation cycle now (reopened, deleted, out-of-order rows)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: SyncOpts) => {
      boundHeapGrowth();
      if (!opts.once) {
        throw new BxsupError(
          'USAGE',
          'bxsup sync makes a single pass: pass --once (the continuous sync is bxsup run)',
        );
      }
      const ctx = createCliContext(opts);
      const out = stdoutOutput();
      const { db, target } = await openSiteDb(opts, ctx, 2, WORKING);
      const progress = progressReporter(ctx.logger);
      try {
        const zone = await resolveSiteZone(db, ctx.config.site.timeZone);
        if (zone.warning) ctx.logger.warn(zone.warning);
        ctx.logger.debug(`syncing ${redactDbUrl(target)} (site zone ${zone.zone})`);
        const result = await syncOnce(
          {
            db,
            config: ctx.config,
            logger: ctx.logger.child({ module: 'sync' }),
            clock: ctx.clock,
            zone: zone.zone,
            afterPass: refreshAfterSync,
          },
          { reconcile: opts.reconcile ? 'full' : 'auto', onProgress: progress.update },
        );
        progress.stop();
        if (opts.json) out.json(result);
        else
          out.line(
            `synced: ${result.tickets} new ticket(s), ${result.messages} message(s), ${result.changedTickets} changed, ` +
              `${result.deletedTickets} deleted, ${result.events} event(s) queued (${(result.durationMs / 1000).toFixed(1)} s)`,
          );
      } finally {
        progress.stop();
        await db.destroy();
      }
    });
}

/**
 * A progress bar on a terminal (stderr, so stdout stays the result); elsewhere (a pipe, the journal) a
 * plain log line per phase every 10 %. The engine only reports positions through onProgress.
 */
function progressReporter(logger: Logger): { update: (p: SyncProgress) => void; stop: () => void } {
  const tty = Boolean(process.stderr.isTTY);
  let bar: SingleBar | null = null;
  let phase: string | null = null;
  let lastTenth = -1;
  return {
    update(p) {
      if (p.total <= 0) return;
      if (phase !== p.phase) {
        bar?.stop();
        bar = null;
        phase = p.phase;
        lastTenth = -1;
        if (tty) {
          bar = new SingleBar({
            format: `${p.phase.padEnd(9)} [{bar}] {percentage}% | {value}/{total} IDs | ETA {eta_formatted}`,
            stream: process.stderr,
            hideCursor: true,
          });
          bar.start(p.total, 0);
        }
      }
      if (bar) {
        bar.setTotal(p.total);
        bar.update(p.done);
        return;
      }
      const tenth = Math.floor((p.done / p.total) * 10);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        logger.info(`${p.phase}: ${Math.round((p.done / p.total) * 100)}% (${p.done}/${p.total} IDs)`);
      }
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}
