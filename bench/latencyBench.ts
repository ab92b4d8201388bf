import { writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { throwawayServer } from '../demo/privateServer';
import { createTicket } from '../fixtures/nativeWriter';
import { FIXTURE } from '../fixtures/seed';
import { startDaemonChild } from './daemonChild';
import { benchConfigDir, idleSite } from './idleSite';

/**
 * New ticket → mail: a real `bxsup run` child (default 2 s poll, smtp transport) on a site with 50,000
 * open tickets of 60,000 (BXSUP_BENCH_LATENCY_SITE: what a poll costs depends on the open set, not on
 * the closed tickets), and BXSUP_BENCH_LATENCY_TICKETS (100) new tickets
 * written the way the module writes them (fixtures' native writer), 0–2 s apart at random. Measured
 * from the moment the native transaction committed to the moment the in-process SMTP sink accepted the
 * creation mail (recognised by its Message-ID, <ticket-ID@…>). Target: p99 ≤ poll interval + 0.5 s.
 * The slow reconciliation is held off and the escalation's first pass awaited (their own benchmarks
 * measure them): this is the site between changes.
 */
const POLL_MS = 2000;

export async function benchLatency(): Promise<Record<string, number | string>> {
  const tickets = Number(process.env.BXSUP_BENCH_LATENCY_SITE ?? 60_000);
  const count = Number(process.env.BXSUP_BENCH_LATENCY_TICKETS ?? 100);
  const open = Math.min(50_000, Math.floor((tickets * 5) / 6));
  const server = await throwawayServer();
  const sink = await startTimingSink();
  try {
    const site = await idleSite(server, { tickets, open, label: 'bench_latency' });
    try {
      const cwd = benchConfigDir({
        site: { timeZone: FIXTURE.zone, baseUrl: 'https://shop.example.ru' },
        sync: { pollIntervalMs: POLL_MS, reconcileIntervalMs: 24 * 3600_000 },
        mail: { transport: 'smtp', smtpUrl: sink.url },
        log: { level: 'info' },
      });
      const daemon = await startDaemonChild(site.url, cwd);
      const committed = new Map<number, number>();
      try {
        // Settled first: the open set counted, the capabilities cached, and the escalation's first pass
        // after the start (its catch-up of the backfilled tickets, the escalation benchmark's subject) done.
        await daemon.settled(/escalation pass:/, 60_000);
        await sleep(2000);
        for (let i = 0; i < count; i++) {
          await sleep(Math.random() * POLL_MS);
          const ticketId = await createTicket(site.db, FIXTURE.zone, {
            siteId: 's1',
            ownerUserId: i % 2 ? FIXTURE.users.customerJohn : FIXTURE.users.customerMaria,
            title: `Latency probe ${i}`,
            message: 'Where is my order?',
            at: new Date(),
          });
          committed.set(ticketId, Date.now());
        }
        const deadline = Date.now() + 60_000;
        while ([...committed.keys()].some((id) => !sink.accepted.has(id)) && Date.now() < deadline)
          await sleep(100);
      } finally {
        await daemon.stop();
        writeFileSync(path.join(cwd, 'daemon.log'), daemon.output());
      }
      const latencies = [...committed].map(([id, at]) => {
        const accepted = sink.accepted.get(id);
        if (accepted === undefined)
          throw new Error(`bench: no creation mail for ticket ${id} within a minute`);
        return (accepted - at) / 1000;
      });
      latencies.sort((a, b) => a - b);
      const target = POLL_MS / 1000 + 0.5;
      const p99 = percentile(latencies, 99);
      return {
        tickets: site.tickets,
        open: site.open,
        'new tickets': latencies.length,
        'poll interval (s)': POLL_MS / 1000,
        'p50 (s)': round(percentile(latencies, 50)),
        'p99 (s)': round(p99),
        'max (s)': round(latencies[latencies.length - 1]),
        'target p99 (s)': `<= ${target}`,
        met: p99 <= target ? 'yes' : 'no',
        database: server.origin,
        'daemon log': path.join(cwd, 'daemon.log'),
      };
    } finally {
      await site.close();
    }
  } finally {
    await sink.close();
    await server.stop();
  }
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** An SMTP server in this process that notes when it accepted each ticket's creation mail. */
async function startTimingSink(): Promise<{
  url: string;
  accepted: Map<number, number>;
  close(): Promise<void>;
}> {
  const accepted = new Map<number, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 8192) head += chunk.toString('latin1');
      });
      stream.on('end', () => {
        const id = /^Message-ID:\s*<ticket-(\d+)@/im.exec(head);
        if (id && !accepted.has(Number(id[1]))) accepted.set(Number(id[1]), Date.now());
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
