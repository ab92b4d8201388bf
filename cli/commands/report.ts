import { Command } from 'commander';
import { BxsupError } from '../../core/errors';
import { buildReport } from '../../report/buildReport';
import { reportCsv } from '../../report/csvReport';
import { htmlReport } from '../../report/html/htmlReport';
import { formatReport } from '../../report/printReport';
import { REPORT_DIMENSIONS, ReportDimension } from '../../report/reportTypes';
import { writeFileAtomic } from '../../core/writeFileAtomic';
import { createCliContext, openSiteDb, READING } from '../context';
import { addConnectionOptions, ConnectionOptions } from '../connectionOptions';
import { stdoutOutput } from '../output';

interface ReportCliOptions extends ConnectionOptions {
  from?: string;
  to?: string;
  by?: string;
  site?: string;
  json?: boolean;
  csv?: string;
  html?: string;
}

export function reportCommand(): Command {
  return addConnectionOptions(
    new Command('report').description(
      'first-reply and resolution times, SLA compliance, breaches, escalations, backlog, operators',
    ),
  )
    .option(
      '--from <date>',
      'first day (YYYY-MM-DD, site-local) or ISO date-time; default 30 days before --to',
    )
    .option('--to <date>', 'last day, included (YYYY-MM-DD) or ISO date-time; default now')
    .option('--by <dimension>', `break down by ${REPORT_DIMENSIONS.join(', ')}`)
    .option('--site <id>', 'only these Bitrix sites (comma-separated)')
    .option('--json', 'print the whole report as JSON')
    .option('--csv <file>', 'write the totals and --by rows as CSV')
    .option('--html <file>', 'write a self-contained HTML report with charts')
    .action(async (opts: ReportCliOptions) => {
      const by = parseDimension(opts.by);
      const ctx = createCliContext(opts);
      const out = stdoutOutput();
      const { db } = await openSiteDb(opts, ctx, 2, READING);
      try {
        const report = await buildReport(
          { db, config: ctx.config, now: ctx.clock.now() },
          {
            from: opts.from,
            to: opts.to,
            by,
            siteIds: opts.site
              ?.split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          },
        );
        const written: string[] = [];
        if (opts.csv) written.push(writeFileAtomic(opts.csv, reportCsv(report)));
        if (opts.html) written.push(writeFileAtomic(opts.html, htmlReport(report)));
        if (opts.json) {
          out.json(report);
        } else {
          for (const line of formatReport(report)) out.line(line);
          for (const file of written) out.line(`wrote ${file}`);
        }
      } finally {
        await db.destroy();
      }
    });
}

function parseDimension(value: string | undefined): ReportDimension | undefined {
  if (value === undefined) return undefined;
  if ((REPORT_DIMENSIONS as readonly string[]).includes(value)) return value as ReportDimension;
  throw new BxsupError('USAGE', `--by ${value}: use one of ${REPORT_DIMENSIONS.join(', ')}`);
}
