import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import nodemailer from 'nodemailer';
import { FixedClock } from '../core/clock';
import { validateConfig } from '../core/config';
import { openDb } from '../core/db';
import { parseDbUrl } from '../core/dbUrl';
import { silentLogger } from '../core/logger';
import { PACKAGE_ROOT } from '../core/version';
import { instantToUtc } from '../core/time';
import { throwawayServer } from '../demo/privateServer';
import { FIXTURE, loadBitrixFixture } from '../fixtures/seed';
import { mailOnce } from '../mail/mailOnce';
import { createMailDeps } from '../mail/mailSetup';
import { toNodemailerMessage } from '../mail/transports/nodemailerMessage';
import { createSmtpTransport } from '../mail/transports/smtpTransport';
import { MailTransport, OutgoingMail } from '../mail/transports/transport';
import { runInstall } from '../schema/install';
import { executingRunner } from '../schema/sqlRunner';

/**
 * Mail throughput: outbox rows sent by mailOnce (claim, read the ticket, render, send, mark sent) to a
 * local smtp-server sink, against the same rendered messages sent with a bare nodemailer pool of the
 * same size in the same run. `ratio` = ours / bare; the target is ≥ 0.8: what the outbox, the database
 * reads and the rendering may cost next to SMTP itself. Both paths are warmed up first, then measured in
 * alternating rounds and the best round of each counts: on a shared machine, load spikes hit one round,
 * not a whole side.
 */
export async function benchMail(
  options: { messages?: number; rounds?: number } = {},
): Promise<Record<string, number | string>> {
  const messages = options.messages ?? Number(process.env.BXSUP_BENCH_MAILS ?? 1000);
  const rounds = options.rounds ?? 3;
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
    await runInstall(
      { db, target, runner: executingRunner(db), now, onStep: () => undefined },
      { dryRun: false, seedDictionaries: false },
    );
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
    const deps = await createMailDeps({ db, config, logger: silentLogger(), clock, transport: recording });
    // Every round's rows are written up front, each round's due an hour after the previous one's, so no
    // round is timed while the server is still flushing the inserts made for it.
    const hour = 3_600_000;
    const warmup = messages;
    await queueClosedEvents(db, warmup, now, 'warmup');
    for (let round = 0; round < rounds; round++)
      await queueClosedEvents(db, messages, new Date(now.getTime() + (round + 1) * hour), `r${round}-`);
    const ours = async (n: number, round: number): Promise<number> => {
      clock.set(new Date(now.getTime() + round * hour));
      sent = [];
      const started = performance.now();
      const counts = await mailOnce(deps);
      const ms = performance.now() - started;
      if (counts.sent !== n)
        throw new Error(`bench: expected ${n} mails sent, got ${JSON.stringify(counts)}`);
      return (n / ms) * 1000;
    };
    const bare = async (): Promise<number> =>
      (sent.length / (await sendBare(sink.url, concurrency, sent, now))) * 1000;

    await ours(warmup, 0);
    await bare();
    const oursRates: number[] = [];
    const bareRates: number[] = [];
    for (let round = 0; round < rounds; round++) {
      oursRates.push(await ours(messages, round + 1));
      bareRates.push(await bare());
    }
    const best = (rates: number[]): number => Math.max(...rates);
    return {
      messages,
      rounds,
      concurrency,
      mailerMessagesPerSecond: Math.round(best(oursRates)),
      bareNodemailerMessagesPerSecond: Math.round(best(bareRates)),
      ratio: Math.round((best(oursRates) / best(bareRates)) * 100) / 100,
      target: '>= 0.8',
      rounds_mailer: oursRates.map(Math.round).join(' '),
      rounds_bare: bareRates.map(Math.round).join(' '),
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

/** The baseline: the same messages through a bare nodemailer pool, all handed over at once. */
async function sendBare(url: string, connections: number, mails: OutgoingMail[], now: Date): Promise<number> {
  const pool = nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: connections,
    maxMessages: 500,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  try {
    const started = performance.now();
    await Promise.all(mails.map((mail) => pool.sendMail(toNodemailerMessage(mail, now))));
    return performance.now() - started;
  } finally {
    pool.close();
  }
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
