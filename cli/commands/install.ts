import { Command } from 'commander';
import { redactDbUrl } from '../../core/dbUrl';
import { runInstall } from '../../install/install';
import { executingRunner, recordingRunner } from '../../core/sqlRunner';
import { confirm } from '../confirm';
import { createCliContext, openSiteDb } from '../context';
import { addConnectionOptions, ConnectionOptions } from '../connectionOptions';
import { stdoutOutput } from '../output';
import { checkTicketFormUrl, DEFAULT_TICKET_FORM_URL } from '../../sitefiles/orderPickerPlan';

export function installCommand(): Command {
  return addConnectionOptions(
    new Command('install').description(
      'check that the database is a Bitrix site with the support module, then add our tables and the UF_ORDER_ID field',
    ),
  )
    .option('--dry-run', 'print every statement it would run, change nothing')
    .option('--yes', 'do not ask before changing the database (it asks only on a terminal)')
    .option(
      '--seed-dictionaries',
      'add missing categories, a Critical criticality and statuses to every site',
    )
    .option(
      '--take-over-customer-mail',
      "switch off Bitrix's own mails to customers about new tickets and support's answers (bxsup mails them); uninstall switches them back",
    )
    .option(
      '--no-order-picker',
      "do not place the customer form's order picker under the site's /local (with --bitrix-root)",
    )
    .option(
      '--order-page-link [url]',
      `also add an "Ask about this order" link to the order page, to the new-ticket form at url (#ORDER_ID# is the order; default ${DEFAULT_TICKET_FORM_URL})`,
    )
    .action(
      async (
        opts: ConnectionOptions & {
          dryRun?: boolean;
          yes?: boolean;
          seedDictionaries?: boolean;
          takeOverCustomerMail?: boolean;
          orderPicker: boolean;
          orderPageLink?: string | true;
        },
      ) => {
        const ctx = createCliContext(opts);
        const orderPageLink =
          opts.orderPageLink === undefined
            ? null
            : checkTicketFormUrl(opts.orderPageLink === true ? DEFAULT_TICKET_FORM_URL : opts.orderPageLink);
        const out = stdoutOutput();
        const { db, target } = await openSiteDb(opts, ctx, 2);
        try {
          // On a terminal the admin confirms first (--dry-run shows what would change); scripts and
          // provisioning tools without a terminal run unattended, as with --yes.
          if (!opts.dryRun && !opts.yes && process.stdin.isTTY) {
            const ok = await confirm(
              `install bxsup into ${redactDbUrl(target)} (see --dry-run for every statement)?`,
            );
            if (!ok) {
              out.line('nothing was changed');
              return;
            }
          }
          out.line(`${opts.dryRun ? 'dry run against' : 'installing into'} ${redactDbUrl(target)}`);
          const runner = opts.dryRun ? recordingRunner(db, (s) => out.line(`  ${s}`)) : executingRunner(db);
          const report = await runInstall(
            {
              db,
              target,
              runner,
              now: ctx.clock.now(),
              bitrixRoot: opts.bitrixRoot ?? ctx.config.db.bitrixRoot,
              note: (line) => out.line(`  ${line}`),
              onStep: (i, n, title, result) => out.step(i, n, title, result),
            },
            {
              dryRun: Boolean(opts.dryRun),
              seedDictionaries: Boolean(opts.seedDictionaries),
              takeOverCustomerMail: Boolean(opts.takeOverCustomerMail),
              orderPicker: opts.orderPicker,
              orderPageLink,
            },
          );
          for (const warning of report.warnings) ctx.logger.warn(warning);
          if (opts.dryRun)
            out.line(
              report.changed ? 'dry run: nothing was changed' : 'dry run: already installed, nothing to do',
            );
          else out.line(report.changed ? 'installed' : 'already installed: nothing changed');
        } finally {
          await db.destroy();
        }
      },
    );
}
