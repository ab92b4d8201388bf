import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import nodemailer from 'nodemailer';
import { FixedClock } from '../core/clock';
import { validateConfig } from '../config/config';
import { openDb } from '../core/db';
import { parseDbUrl } from '../core/dbUrl';
import { createLogger } from '../core/logger';
import { PACKAGE_ROOT } from '../core/version';
import { instantToUtc } from '../core/time';
import { throwawayServer } from '../demo/privateServer';
import { FIXTURE, loadBitrixFixture } from '../fixtures/seed';
import { mailOnce } from '../mail/mailOnce';
import { createMailDeps } from '../mail/mailSetup';
import { toNodemailerMessage } from '../mail/transports/nodemailerMessage';
import { createSmtpTransport } from '../mail/transports/smtpTransport';
import { MailTransport, OutgoingMail } from '../mail/transports/transport';
import { cpuSnapshot, cpuSpent } from './processCpu';
import { measureServerLoad, ServerLoad } from './serverLoad';
import { installForBench } from './installForBench';

/**
 * Mail throughput: outbox rows sent by mailOnce (claim, read the ticket, render, send, mark sent, log a
 * line per mail as the daemon does) to a local smtp-server sink, against the same rendered messages sent
 * with a bare nodemailer pool of the same size to the same sink in the same run. The floor is given the
 * sender's concurrency: `mail.concurrency` mails in flight, one per connection, which is what the sender
 * keeps (a mail's claim is re-checked right before its send, so it never waits in the pool's queue). The
 * same pool handed every mail at once is measured too (`bareAllAtOnce…`), for reference. `ratio` = ours /
 * bare, per round (rounds alternate, so a load spike on the shared machine hits one pair, not a side); the
 * median round counts, min–max beside it; the target is ≥ 0.9.
 */
export async function benchMail(
  options: { messages?: number; rounds?: number } = {},
): Promise<Record<string, number | string>> {
  const messages = options.messages ?? Number(process.env.BXSUP_BENCH_MAILS ?? 1000);
  const rounds = options.rounds ?? Number(process.env.BXSUP_BENCH_MAIL_ROUNDS ?? 5);
  const server = await throwawayServer();
  const target = {
    ...parseDbUrl(server.url),
    database: `bxsup_bench_mail_${randomBytes(4).toString('hex')}`,
  };
  const admin = openDb({ ...target, database: '' }, { poolMax: 1 });
  await admin.raw(`CREATE DATABASE \`${target.database}\` CHARACTER SET utf8 COLLATE utf8_unicode_ci`);
  const concurrency = 5;
  const db = openDb(target, { poolMax: concurrency + 2 });
  const sink = await startSink();
  const smtp = createSmtpTransport({ url: sink.url, maxConnections: concurrency });
  try {
    const now = new Date(FIXTURE.referenceTime);
    await loadBitrixFixture(db, { zone: FIXTURE.zone });
    await installForBench(db, target, now);
    const config = validateConfig({
      site: { timeZone: FIXTURE.zone },
      mail: { smtpUrl: sink.url, concurrency, batchSize: 200 },
    });
    let sent: OutgoingMail[] = [];
    // The same transport, remembering each mail so the bare run sends exactly these.
    const recording: MailTransport = {
      ...smtp,
      send: (mail, ctx) => smtp.send(mail, ctx).then(() => void sent.push(mail)),
    };
    const clock = new FixedClock(now);
    // The daemon's logger, writing its line per mail to nowhere: what logging costs is counted.
    const logger = createLogger({ level: 'info', format: 'pretty', stream: discard() });
    const deps = await createMailDeps({ db, config, logger, clock, transport: recording });
    // Every round's rows are written up front, each round's due an hour after the previous one's, so no
    // round is timed while the server is still flushing the inserts made for it.
    const hour = 3_600_000;
    const warmup = messages;
    await queueClosedEvents(db, warmup, now, 'warmup');
    for (let round = 0; round < rounds; round++)
      await queueClosedEvents(db, messages, new Date(now.getTime() + (round + 1) * hour), `r${round}-`);
    // Each side's rounds: throughput, and the CPU it cost per mail in this process, the sink and the
    // database server (µs), which a loaded machine moves much less than the throughput.
    const ourRounds: Round[] = [];
    const bareRounds: Round[] = [];
    const bareAllRounds: Round[] = [];
    const loads: ServerLoad[] = [];
    const ours = async (n: number, round: number): Promise<Round> => {
      clock.set(new Date(now.getTime() + round * hour));
      sent = [];
      let measured!: Round;
      loads.push(
        await measureServerLoad(db, async () => {
          measured = await timed(n, async () => {
            const counts = await mailOnce(deps);
            if (counts.sent !== n)
              throw new Error(`bench: expected ${n} mails sent, got ${JSON.stringify(counts)}`);
          });
        }),
      );
      return measured;
    };
    const bare = (inFlight: number): Promise<Round> =>
      timed(sent.length, () => sendBare(sink.url, concurrency, sent, now, inFlight));

    await ours(warmup, 0);
    await bare(concurrency);
    await bare(sent.length);
    loads.length = 0;
    for (let round = 0; round < rounds; round++) {
      ourRounds.push(await ours(messages, round + 1));
      bareRounds.push(await bare(concurrency));
      bareAllRounds.push(await bare(sent.length));
    }
    const rates = (side: Round[]): number[] => side.map((r) => r.perSecond);
    const ratios = (floor: Round[]): number[] => ourRounds.map((r, i) => r.perSecond / floor[i].perSecond);
    const perMail = (values: number[]): string => spread(values, 2);
    return {
      messages,
      rounds,
      concurrency,
      mailerMessagesPerSecond: spread(rates(ourRounds), 0),
      bareNodemailerMessagesPerSecond: spread(rates(bareRounds), 0),
      ratio: round2(median(ratios(bareRounds))),
      ratioMinMedianMax: spread(ratios(bareRounds), 2),
      target: '>= 0.9',
      bareAllAtOnceMessagesPerSecond: spread(rates(bareAllRounds), 0),
      ratioToAllAtOnce: spread(ratios(bareAllRounds), 2),
      cpuUsPerMail_mailer: cpuLine(ourRounds),
      cpuUsPerMail_bare: cpuLine(bareRounds),
      statementsPerMail: perMail(loads.map((l) => l.statements / messages)),
      rowsExaminedPerMail: perMail(loads.map((l) => l.rowsExamined / messages)),
      database: server.origin,
    };
  } finally {
    await smtp.close();
    await sink.close();
    await db.destroy();
    await admin.raw(`DROP DATABASE IF EXISTS \`${target.database}\``).catch(() => undefined);
    await admin.destroy();
    await server.stop();
  }
}

interface Round {
  perSecond: number;
  /**
   * µs of CPU per mail: this process (the sender, all its threads), its main thread alone, the sink's
   * process, the database server's.
   */
  cpu: { sender: number; senderMain: number; sink: number; db: number };
}

async function timed(n: number, work: () => Promise<unknown>): Promise<Round> {
  const before = cpuSnapshot();
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  const spent = cpuSpent(before, cpuSnapshot());
  const us = (value: number | undefined): number => ((value ?? 0) * 1000) / n;
  return {
    perSecond: (n / ms) * 1000,
    cpu: {
      sender: us(spent.self),
      senderMain: us(spent.mainThread),
      sink: us(spent.node),
      db: us((spent.mariadbd ?? 0) + (spent.mysqld ?? 0)),
    },
  };
}

/** "sender a–b–c, senderMain …, sink …, db …": each a min–median–max over the rounds. */
function cpuLine(side: Round[]): string {
  const part = (key: keyof Round['cpu']): string => {
    const values = side.map((r) => r.cpu[key]);
    return `${key} ${spread(values, 0)}`;
  };
  return [part('sender'), part('senderMain'), part('sink'), part('db')].join(', ');
}

/** Closing notices spread over the fixture tickets whose owners have an address (distinct event keys). */
async function queueClosedEvents(
  db: ReturnType<typeof openDb>,
  n: number,
  now: Date,
  tag: string,
): Promise<void> {
  const tickets = [1, 2, 3, 5, 7, 8, 9, 10, 11];
  const stamp = instantToUtc(now);
  const rows = Array.from({ length: n }, (_, i) => ({
    event_key: `closed:${tickets[i % tickets.length]}:bench-${tag}${i}`,
    event_type: 'SUPPORT_TICKET_CLOSED',
    ticket_id: tickets[i % tickets.length],
    payload: '{}',
    state: 'pending',
    attempts: 0,
    available_at: stamp,
    created_at: stamp,
  }));
  for (let i = 0; i < rows.length; i += 500) await db('bl_support_outbox').insert(rows.slice(i, i + 500));
}

/**
 * The floor: the same messages through a bare nodemailer pool of `connections`, at most `inFlight` handed
 * to it at a time (each next one as soon as one is accepted).
 */
async function sendBare(
  url: string,
  connections: number,
  mails: OutgoingMail[],
  now: Date,
  inFlight: number,
): Promise<number> {
  const pool = nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: connections,
    maxMessages: 500,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  try {
    const started = performance.now();
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < mails.length) await pool.sendMail(toNodemailerMessage(mails[next++], now));
    };
    await Promise.all(Array.from({ length: Math.min(inFlight, mails.length) }, lane));
    return performance.now() - started;
  } finally {
    pool.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** "min–median–max" of a few figures. */
function spread(values: number[], digits: number): string {
  const f = (v: number): string => v.toFixed(digits);
  return `${f(Math.min(...values))}–${f(median(values))}–${f(Math.max(...values))}`;
}

/** A stream that takes log lines and drops them. */
function discard(): Writable {
  return new Writable({ write: (_chunk, _encoding, done) => done() });
}

/**
 * The sink: smtp-server in a child process that only counts, as a real mail server would be another
 * process. In this process it would share the CPU with the sender and measure itself as much as us.
 */
async function startSink(): Promise<{ url: string; close(): Promise<void> }> {
  const script = `
    const { SMTPServer } = require('smtp-server');
    const server = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
      onData(stream, _s, cb) { stream.on('data', () => {}); stream.on('end', () => cb()); } });
    server.listen(0, '127.0.0.1', () => process.stdout.write('port ' + server.server.address().port + '\\n'));`;
  const child = spawn(process.execPath, ['-e', script], {
    cwd: PACKAGE_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench: the SMTP sink exited (${code})`)));
    child.stdout.on('data', (chunk: Buffer) => {
      const m = /port (\d+)/.exec(chunk.toString());
      if (m) resolve(Number(m[1]));
    });
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: async () => {
      child.removeAllListeners('exit');
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    },
  };
}
