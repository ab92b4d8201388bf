import { Command } from 'commander';
import { redactDbUrl } from '../../core/dbUrl';
import { assertBitrixSupportDatabase } from '../../bridge/bitrixTables';
import { assertPrivileges } from '../../bridge/privileges';
import { bitrixCacheOf } from '../../bridge/bitrixCache';
import { runUninstall } from '../../install/uninstall';
import { executingRunner, recordingRunner } from '../../core/sqlRunner';
import { BxsupError } from '../../core/errors';
import { DAEMON_TABLE, liveDaemons } from '../../store/daemons';
import { tableExists } from '../../schema/migrator';
import { confirm } from '../confirm';
import { createCliContext, openSiteDb } from '../context';
import { addConnectionOptions, ConnectionOptions } from '../connectionOptions';
import { stdoutOutput } from '../output';
import { siteRoot } from '../../sitefiles/siteRoot';

export function uninstallCommand(): Command {
  return addConnectionOptions(
    new Command('uninstall').description(
      'reverse the native changes that hold no customer data; keep our tables and UF_ORDER_ID unless --purge',
    ),
    'also its Bitrix field cache, cleared before columns are dropped',
  )
    .option('--purge', 'also remove our tables and UF_ORDER_ID with its values')
    .option('--dry-run', 'print every statement it would run, change nothing')
    .option('--yes', 'do not ask for confirmation')
    .option('--force', 'go ahead although a daemon (bxsup run) still works on this database')
    .action(
      async (
        opts: ConnectionOptions & {
          purge?: boolean;
          dryRun?: boolean;
          yes?: boolean;
          force?: boolean;
        },
      ) => {
        const ctx = createCliContext(opts);
        const out = stdoutOutput();
        const { db, target } = await openSiteDb(opts, ctx, 2);
        try {
          await assertBitrixSupportDatabase(db);
          await assertPrivileges(db);
          const running = (await tableExists(db, DAEMON_TABLE)) ? await liveDaemons(db, ctx.clock.now()) : [];
          if (running.length) {
            const who = running
              .map((d) => `${d.host} pid ${d.pid}, heartbeat ${Math.round(d.ageMs / 1000)} s ago`)
              .join('; ');
            if (!opts.force && !opts.dryRun)
              throw new BxsupError(
                'USAGE',
                `a bxsup daemon still works on this database (${who}): stop it first (systemctl stop bxsup), or pass --force`,
              );
            ctx.logger.warn(`a bxsup daemon still works on this database (${who})`);
          }
          if (opts.purge && !opts.dryRun && !opts.yes) {
            const ok = await confirm(
              `remove bxsup's tables and the UF_ORDER_ID values of every ticket from ${redactDbUrl(target)}?`,
            );
            if (!ok) {
              out.line('nothing was changed');
              return;
            }
          }
          const runner = opts.dryRun ? recordingRunner(db, (s) => out.line(`  ${s}`)) : executingRunner(db);
          const report = await runUninstall(
            {
              db,
              target,
              runner,
              cache: bitrixCacheOf(opts.bitrixRoot ?? ctx.config.db.bitrixRoot),
              now: ctx.clock.now(),
              siteRoot: siteRoot(opts.bitrixRoot ?? ctx.config.db.bitrixRoot),
            },
            { purge: Boolean(opts.purge) },
          );
          const verb = opts.dryRun ? 'would remove' : 'removed';
          for (const item of report.removed) out.line(`${verb}: ${item}`);
          for (const item of report.kept) out.line(`kept: ${item}`);
          if (report.removed.length === 0 && report.kept.length === 0) out.line('nothing to uninstall');
        } finally {
          await db.destroy();
        }
      },
    );
}
