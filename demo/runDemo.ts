import { spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Db } from '../core/db';
import { formatDbUrl, redactDbUrl } from '../core/dbUrl';
import { FIXTURE, loadBitrixFixture } from '../fixtures/seed';
import { runInstall } from '../install/install';
import { executingRunner } from '../core/sqlRunner';
import { scratchDatabase } from './scratchDatabase';
import { countOutboxRows, outboxRecord, outboxRecordsFrom } from '../store/outbox/records';
import { demoScenario } from './scenario';
import { describeTicket, describeMail } from './show';

const CLI = path.resolve(__dirname, '..', 'cli', 'main.js');

/**
 * `npm run demo`: a throwaway Bitrix-shaped database, the installer, the real daemon as a child process,
 * a few tickets and replies written the way Bitrix writes them while it runs, and what the bridge did.
 */
export async function runDemo(print: (line?: string) => void): Promise<void> {
  const site = await scratchDatabase('demo');
  const work = mkdtempSync(path.join(tmpdir(), 'bxsup-demo-'));
  let daemon: ChildProcess | null = null;
  try {
    print(`Bitrix-shaped shop database: ${redactDbUrl(site.target)}`);
    // Dated relative to now: the queue and the report read as a shop of this week, not of 2024.
    await loadBitrixFixture(site.db, { zone: FIXTURE.zone, datedRelativeTo: new Date() });
    print(
      '  two sites (s1 Russian, s2 English), staff and customers, orders with shipments, 11 tickets in every state',
    );
    print();
    print('$ bxsup install');
    await runInstall(
      {
        db: site.db,
        target: site.target,
        runner: executingRunner(site.db),
        now: new Date(),
        onStep: (i, n, title, result) => print(`  [${i}/${n}] ${title}: ${result}`),
      },
      { dryRun: false, seedDictionaries: true },
    );
    const configFile = path.join(work, 'bxsup.config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        db: { url: formatDbUrl(site.target) },
        site: {
          timeZone: FIXTURE.zone,
          baseUrls: { s1: 'https://shop.example.ru', s2: 'https://shop.example.com' },
        },
        sync: { pollIntervalMs: 300 },
        mail: { transport: 'files', dir: path.join(work, 'mail'), pollIntervalMs: 300 },
        escalation: { enabled: false },
        log: { level: 'warn' },
      }),
    );
    chmodSync(configFile, 0o600);
    print();
    print('$ bxsup run   (the daemon, as a child process)');
    const child = spawn(process.execPath, [CLI, 'run', '--config', configFile], {
      cwd: work,
      env: childEnv(),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    daemon = child;
    alive = () => {
      if (child.exitCode !== null)
        throw new Error(`the daemon exited (${child.exitCode}): see its message above`);
    };
    await waitFor(async () => (await count(site.db, 'bl_support_ticket')) === 11, 'the first sync');
    print(
      `  mirrored the 11 existing tickets silently (history is never mailed): outbox ${await countOutboxRows(site.db)} rows`,
    );

    const { steps, ids } = demoScenario();
    for (const step of steps) {
      print();
      print(`→ ${step.say}`);
      const before = await countOutboxRows(site.db);
      const { ticketId } = await step.act(site.db, FIXTURE.zone, new Date());
      await waitFor(async () => settled(site.db, ticketId), 'the bridge');
      await new Promise((resolve) => setTimeout(resolve, 800));
      for (const line of await describeTicket(site.db, ticketId)) print(`  bridge: ${line}`);
      const events = await outboxRecordsFrom(site.db, before);
      if (events.length === 0) print('  mail:   none (nothing the customer needs to hear about)');
      for (const event of events) {
        await waitFor(async () => (await outboxRecord(site.db, event.id))?.state !== 'pending', 'the mail');
        for (const line of await describeMail(site.db, event.id, path.join(work, 'mail')))
          print(`  mail:   ${line}`);
      }
    }

    print();
    print('$ bxsup escalate --once --now <in 9 hours>   (inside bxsup run the agent wakes every 15 minutes)');
    print(
      indent(
        await cli(
          [
            'escalate',
            '--once',
            '--config',
            configFile,
            '--now',
            new Date(Date.now() + 9 * 3600_000).toISOString(),
          ],
          work,
        ),
      ),
    );
    if (ids.guest) {
      const log = await site
        .db('b_ticket_message')
        .where({ TICKET_ID: ids.guest, IS_LOG: 'Y' })
        .orderBy('ID', 'desc')
        .first('MESSAGE');
      const native = await site
        .db('b_ticket as t')
        .join('b_ticket_dictionary as d', 'd.ID', 't.CRITICALITY_ID')
        .where('t.ID', ids.guest)
        .first('d.NAME');
      print(
        `  the guest's ticket in Bitrix: criticality now "${native?.NAME ?? '—'}"; log line: ${String(
          log?.MESSAGE ?? '—',
        )
          .replace(/<[^>]+>/g, ' ')
          .replace(/&quot;/g, '"')
          .replace(/&amp;/g, '&')
          .replace(/\s+/g, ' ')
          .trim()}`,
      );
      print();
    }
    print('$ bxsup queue');
    print(indent(await cli(['queue', '--config', configFile], work)));
    print('$ bxsup status');
    print(indent(await cli(['status', '--config', configFile], work)));
    const files = readdirSync(path.join(work, 'mail')).filter((f) => f.endsWith('.eml'));
    print(
      `The mails are .eml files in ${path.join(work, 'mail')} (${files.length} of them); open one in any mail client.`,
    );
  } finally {
    if (daemon && daemon.exitCode === null) {
      daemon.kill('SIGTERM');
      await new Promise((resolve) => daemon?.once('exit', resolve));
    }
    await site.close();
  }
}

async function count(db: Db, table: string): Promise<number> {
  return Number((await db(table).count<{ n: number }[]>({ n: '*' }))[0].n);
}

/** The bridge has caught up with a ticket when its mirror holds the native TIMESTAMP_X. */
async function settled(db: Db, ticketId: number): Promise<boolean> {
  const native = await db('b_ticket').where('ID', ticketId).first('TIMESTAMP_X');
  const mirror = await db('bl_support_ticket').where('id', ticketId).first('native_timestamp_x');
  return Boolean(native && mirror && mirror.native_timestamp_x === native.TIMESTAMP_X);
}

let alive: () => void = () => undefined;

async function waitFor(probe: () => Promise<boolean>, what: string, timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    alive();
    if (Date.now() > deadline) throw new Error(`the demo waited ${timeoutMs / 1000} s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The config file names the demo database: BXSUP_DB_URL (the server) must not override it. */
function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.BXSUP_DB_URL;
  return env;
}

function cli(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    child.on('exit', () => resolve(text.trimEnd()));
  });
}

function indent(text: string): string {
  return `${text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\n`;
}
