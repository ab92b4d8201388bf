import { Command } from 'commander';
import { redactDbUrl } from '../../core/dbUrl';
import { collectStatus, StatusReport } from '../../status/collectStatus';
import { createCliContext, openSiteDb } from '../context';
import { addConnectionOptions, ConnectionOptions } from '../connectionOptions';
import { Output, stdoutOutput } from '../output';

export function statusCommand(): Command {
  return addConnectionOptions(
    new Command('status').description(
      'show the connection, Bitrix sites, schema, and the health of the bridge; exit 1 when unhealthy',
    ),
  )
    .option('--json', 'print the status as JSON')
    .action(async (opts: ConnectionOptions & { json?: boolean }) => {
      const ctx = createCliContext(opts);
      const out = stdoutOutput();
      const { db, target } = await openSiteDb(opts, ctx, 2);
      try {
        const report = await collectStatus({ db, config: ctx.config, now: ctx.clock.now() });
        if (opts.json) {
          out.json({
            healthy: report.healthy,
            connection: redactDbUrl(target),
            problems: report.problems,
            warnings: report.warnings,
            ...Object.fromEntries(report.sections.map((s) => [s.key, s.data])),
          });
        } else {
          printStatus(out, redactDbUrl(target), report);
        }
        process.exitCode = report.healthy ? 0 : 1;
      } finally {
        await db.destroy();
      }
    });
}

function printStatus(out: Output, connection: string, report: StatusReport): void {
  const rows: Array<[string, string]> = [
    ['connection', connection],
    ...report.sections.flatMap((s) => s.lines),
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) out.line(`${label.padEnd(width)}  ${value}`);
  out.line();
  for (const warning of report.warnings) out.line(`warning: ${warning}`);
  if (report.healthy) out.line('healthy');
  else for (const problem of report.problems) out.line(`problem: ${problem}`);
}
