import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { Db } from '../../core/db';
import { BxsupError } from '../../core/errors';
import { executingRunner, recordingRunner } from '../../core/sqlRunner';
import { publishTemplates, unpublishTemplates } from '../../templates/reply/publish';
import { renderTemplateForTicket } from '../../templates/reply/renderForTicket';
import { addTemplate, editTemplate, listTemplates, removeTemplate } from '../../templates/reply/templateRepo';
import { CliContext, createCliContext, openSiteDb, WORKING } from '../context';
import { addConnectionOptions, ConnectionOptions } from '../connectionOptions';
import { numberOption } from '../numberOption';
import { Output, stdoutOutput } from '../output';

/** `bxsup templates …`: reply templates with #PLACEHOLDERS#, and their publication as Bitrix answers. */
export function templatesCommand(): Command {
  const cmd = new Command('templates').description(
    'reply templates with placeholders: list, add, edit, remove, render for a ticket, publish to Bitrix',
  );
  const sub = (name: string, description: string): Command =>
    addConnectionOptions(cmd.command(name).description(description)).exitOverride();

  sub('list', 'list the templates')
    .option('--language <xx>', 'only this language')
    .option('--json', 'print as JSON')
    .action((opts: ConnectionOptions & { language?: string; json?: boolean }) =>
      withDb(opts, async ({ db, out }) => {
        const templates = await listTemplates(db, opts.language);
        if (opts.json) return out.json(templates);
        if (templates.length === 0) return out.line('no templates (bxsup templates add …)');
        for (const t of templates)
          out.line(`${t.code.padEnd(20)} ${t.language}  ${t.active ? 'active  ' : 'inactive'}  ${t.title}`);
      }),
    );

  sub('add <code>', 'add a template (refused when it uses an unknown placeholder)')
    .requiredOption('--language <xx>', 'two-letter language, e.g. ru or en')
    .requiredOption('--title <text>', 'the label operators see')
    .option('--body <text>', 'the text, with #PLACEHOLDERS# (\\n starts a new line)')
    .option('--body-file <file>', 'read the text from a file')
    .option('--inactive', 'add it switched off')
    .action((code: string, opts: BodyOptions & { language: string; title: string; inactive?: boolean }) =>
      withDb(opts, async ({ db, out, ctx }) => {
        const body = readBody(opts, true) as string;
        await addTemplate(
          db,
          { code, language: opts.language, title: opts.title, body, active: !opts.inactive },
          ctx.clock.now(),
        );
        out.line(`added ${code} (${opts.language}); bxsup templates publish shows it to operators`);
      }),
    );

  sub('edit <code>', 'change a template')
    .requiredOption('--language <xx>', 'which language version')
    .option('--title <text>', 'new label')
    .option('--body <text>', 'new text (\\n starts a new line)')
    .option('--body-file <file>', 'read the new text from a file')
    .option('--active', 'switch it on')
    .option('--inactive', 'switch it off')
    .action(
      (
        code: string,
        opts: BodyOptions & { language: string; title?: string; active?: boolean; inactive?: boolean },
      ) =>
        withDb(opts, async ({ db, out, ctx }) => {
          if (opts.active && opts.inactive)
            throw new BxsupError('USAGE', '--active and --inactive: pick one');
          const active = opts.active ? true : opts.inactive ? false : undefined;
          await editTemplate(
            db,
            code,
            opts.language,
            { title: opts.title, body: readBody(opts, false), active },
            ctx.clock.now(),
          );
          out.line(`changed ${code} (${opts.language}); bxsup templates publish updates the operators' list`);
        }),
    );

  sub('remove <code>', 'remove a template (every language unless --language)')
    .option('--language <xx>', 'only this language version')
    .action((code: string, opts: ConnectionOptions & { language?: string }) =>
      withDb(opts, async ({ db, out }) => {
        const n = await removeTemplate(db, code, opts.language);
        out.line(`removed ${n} version(s) of ${code}; bxsup templates publish removes it from Bitrix too`);
      }),
    );

  sub('render <code>', "show a template filled with a ticket's values")
    .addOption(idOption('--ticket <id>', 'b_ticket.ID').makeOptionMandatory())
    .option('--language <xx>', "default: the ticket's site language")
    .addOption(idOption('--operator <userId>', "who signs; default the ticket's responsible"))
    .option('--json', 'print as JSON')
    .action(
      (
        code: string,
        opts: ConnectionOptions & { ticket: number; language?: string; operator?: number; json?: boolean },
      ) =>
        withDb(opts, async ({ db, out, ctx }) => {
          const rendered = await renderTemplateForTicket(db, ctx.config, {
            code,
            ticketId: opts.ticket,
            language: opts.language,
            operatorUserId: opts.operator,
          });
          if (opts.json) return out.json(rendered);
          out.line(rendered.text);
        }),
    );

  for (const [name, description] of [
    [
      'publish',
      "write the active templates into each site's frequently used answers (b_ticket_dictionary 'F')",
    ],
    ['unpublish', 'remove every answer bxsup published'],
  ] as const) {
    sub(name, description)
      .option('--dry-run', 'print the statements, change nothing')
      .action((opts: ConnectionOptions & { dryRun?: boolean }) =>
        withDb(opts, async ({ db, out, ctx }) => {
          const runner = opts.dryRun ? recordingRunner(db, (s) => out.line(`  ${s}`)) : executingRunner(db);
          const verb = opts.dryRun ? 'would ' : '';
          if (name === 'unpublish') {
            const removed = await unpublishTemplates(db, runner);
            for (const r of removed) out.line(`${verb}remove: ${r}`);
            if (!removed.length) out.line('nothing published');
            return;
          }
          const report = await publishTemplates(db, runner, ctx.clock.now());
          for (const r of report.added) out.line(`${verb}add: ${r}`);
          for (const r of report.updated) out.line(`${verb}update: ${r}`);
          for (const r of report.removed) out.line(`${verb}remove: ${r}`);
          for (const r of report.skipped) out.line(`skipped: ${r}`);
          if (!report.added.length && !report.updated.length && !report.removed.length)
            out.line('up to date');
        }),
      );
  }
  return cmd;
}

type BodyOptions = ConnectionOptions & { body?: string; bodyFile?: string };

async function withDb(
  opts: ConnectionOptions,
  fn: (deps: { db: Db; out: Output; ctx: CliContext }) => Promise<void>,
): Promise<void> {
  const ctx = createCliContext(opts);
  const { db } = await openSiteDb(opts, ctx, 2, WORKING);
  try {
    await fn({ db, out: stdoutOutput(), ctx });
  } finally {
    await db.destroy();
  }
}

function readBody(opts: BodyOptions, required: boolean): string | undefined {
  if (opts.body !== undefined && opts.bodyFile)
    throw new BxsupError('USAGE', '--body and --body-file: pick one');
  if (opts.bodyFile) {
    try {
      return readFileSync(opts.bodyFile, 'utf8');
    } catch (cause) {
      throw new BxsupError('USAGE', `cannot read ${opts.bodyFile}: check the path given to --body-file`, {
        cause,
      });
    }
  }
  if (opts.body === undefined && required)
    throw new BxsupError('USAGE', 'give the text with --body or --body-file');
  return opts.body?.replace(/\\n/g, '\n');
}

/** A b_ticket.ID or b_user.ID given on the command line. */
function idOption(flags: string, description: string): Option {
  return numberOption(flags, description, { min: 1, whole: true, fix: 'give a whole number' });
}
