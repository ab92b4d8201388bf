import { request } from 'node:http';
import { AddressInfo } from 'node:net';
import { FixedClock } from '../../core/clock';
import { openDb } from '../../core/db';
import { silentLogger } from '../../core/logger';
import { createDaemonMetrics } from '../../daemon/metrics/daemonMetrics';
import { metricsWorker, MetricsWorker } from '../../daemon/metrics/metricsWorker';
import { REFERENCE_TIME } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite } from '../helpers/installedSite';
import { insertTickets } from '../helpers/mirroredTickets';

interface Reply {
  status: number;
  type: string;
  body: string;
}

function get(address: AddressInfo, path: string, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: address.address, port: address.port, path, method }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** The value of one sample line of the Prometheus text, e.g. metric('bxsup_outbox_rows{state="dead"}'). */
function metric(text: string, sample: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  if (!line) throw new Error(`no sample ${sample} in:\n${text}`);
  return Number(line.slice(sample.length + 1));
}

describe('metricsWorker: /healthz and /metrics over real HTTP', () => {
  let t: TestDatabase;
  let worker: MetricsWorker;
  let address: AddressInfo;
  const clock = new FixedClock(REFERENCE_TIME);
  const now = new Date(REFERENCE_TIME);
  const metrics = createDaemonMetrics();

  beforeAll(async () => {
    t = await installedSite({ emptyMirror: true });
    const stamp = '2024-03-12 07:00:00';
    await t.db('bl_support_cursor').insert([
      { name: 'ticket', value: 3, updated_at: stamp },
      { name: 'message', value: 5, updated_at: stamp },
    ]);
    const outbox = (id: number, state: string, availableAt: string) => ({
      event_key: `k${id}`,
      event_type: 'SUPPORT_TICKET_REPLY',
      ticket_id: 1,
      state,
      available_at: availableAt,
      created_at: stamp,
    });
    await t.db('bl_support_outbox').insert([
      outbox(1, 'pending', '2024-03-12 07:20:00'), // due 10 minutes ago
      outbox(2, 'pending', '2024-03-12 09:00:00'), // not due yet
      outbox(3, 'sending', stamp),
      outbox(4, 'sent', stamp),
      outbox(5, 'sent', stamp),
      outbox(6, 'dead', stamp),
    ]);
    await insertTickets(t.db, [
      { id: 1, created_at: '2024-03-12 06:00:00', first_reply_deadline: '2024-03-12 07:00:00' }, // overdue
      { id: 2, created_at: '2024-03-12 06:00:00', first_reply_deadline: '2024-03-12 09:00:00' },
      {
        id: 3,
        created_at: '2024-03-11 06:00:00',
        is_open: 0,
        status: 'closed',
        first_reply_deadline: '2024-03-11 07:00:00',
      },
    ]);
    worker = metricsWorker({
      config: { port: 0, host: '127.0.0.1', staleAfterSeconds: 300 },
      metrics,
      db: t.db,
      clock,
      logger: silentLogger(),
      passes: [{ name: 'sync' }, { name: 'mail' }, { name: 'escalation', staleAfterMs: 3_600_000 }],
    });
    worker.start();
    const bound = await worker.listening;
    if (!bound) throw new Error('the metrics worker did not listen');
    address = bound;
  });
  afterAll(async () => {
    await worker.stop();
    await t.drop();
  });

  it('listens on loopback only', () => {
    expect(address.address).toBe('127.0.0.1');
    expect(address.port).toBeGreaterThan(0);
  });

  it('/healthz is 200 while passes are recent, 503 with the stale one named when not', async () => {
    metrics.observePass('sync', now, 120);
    metrics.observePass('mail', now);
    let reply = await get(address, '/healthz');
    expect(reply.status).toBe(200);
    expect(reply.type).toBe('application/json');
    const ok = JSON.parse(reply.body);
    expect(ok).toMatchObject({
      status: 'ok',
      lastSyncAt: '2024-03-12T07:30:00.000Z',
      lastMailAt: '2024-03-12T07:30:00.000Z',
      // Not run yet: measured from the daemon's start, and the start was just now.
      lastEscalationAt: null,
    });
    expect(ok.passes.escalation).toEqual({
      lastAt: null,
      ageSeconds: null,
      staleAfterSeconds: 3600,
      ok: true,
    });

    clock.advance(10 * 60_000);
    metrics.observePass('mail', clock.now());
    reply = await get(address, '/healthz');
    expect(reply.status).toBe(503);
    const stale = JSON.parse(reply.body);
    expect(stale.status).toBe('stale');
    expect(stale.passes.sync).toMatchObject({ ok: false, ageSeconds: 600, staleAfterSeconds: 300 });
    expect(stale.passes.mail.ok).toBe(true);
    expect(stale.passes.escalation.ok).toBe(true);

    metrics.observePass('sync', clock.now());
    expect((await get(address, '/healthz')).status).toBe(200);
    clock.set(REFERENCE_TIME);
  });

  it('/metrics serves this daemon’s registry with the gauges read from the database', async () => {
    metrics.mailsSent.inc({ transport: 'smtp' }, 2);
    metrics.mailsFailed.inc({ kind: 'temporary' });
    metrics.escalationsFired.inc({ level: 'breach', target: 'first_reply' });
    const reply = await get(address, '/metrics');
    expect(reply.status).toBe(200);
    expect(reply.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = reply.body;
    const [{ maxTicket }] = await t.db('b_ticket').max({ maxTicket: 'ID' });
    const [{ maxMessage }] = await t.db('b_ticket_message').max({ maxMessage: 'ID' });
    expect(metric(text, 'bxsup_db_up')).toBe(1);
    expect(metric(text, 'bxsup_native_max_id{stream="ticket"}')).toBe(Number(maxTicket));
    expect(metric(text, 'bxsup_sync_lag_ids{stream="ticket"}')).toBe(Number(maxTicket) - 3);
    expect(metric(text, 'bxsup_sync_lag_ids{stream="message"}')).toBe(Number(maxMessage) - 5);
    expect(metric(text, 'bxsup_outbox_rows{state="pending"}')).toBe(2);
    expect(metric(text, 'bxsup_outbox_rows{state="sending"}')).toBe(1);
    expect(metric(text, 'bxsup_outbox_rows{state="sent"}')).toBe(2);
    expect(metric(text, 'bxsup_outbox_rows{state="dead"}')).toBe(1);
    expect(metric(text, 'bxsup_outbox_oldest_due_seconds')).toBe(600);
    expect(metric(text, 'bxsup_open_tickets')).toBe(2);
    expect(metric(text, 'bxsup_overdue_tickets')).toBe(1);
    expect(metric(text, 'bxsup_mails_sent_total{transport="smtp"}')).toBe(2);
    expect(metric(text, 'bxsup_mails_failed_total{kind="temporary"}')).toBe(1);
    expect(metric(text, 'bxsup_escalations_fired_total{level="breach",target="first_reply"}')).toBe(1);
    expect(metric(text, 'bxsup_last_pass_timestamp_seconds{pass="sync"}')).toBe(
      metrics.lastPass('sync')!.getTime() / 1000,
    );
    expect(metric(text, 'bxsup_pass_duration_seconds_count{pass="sync"}')).toBe(1);
    expect(text).toMatch(/^bxsup_info\{version="\d+\.\d+\.\d+"\} 1$/m);
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('answers 404 elsewhere and 405 to other methods; HEAD has no body', async () => {
    expect((await get(address, '/')).status).toBe(404);
    expect((await get(address, '/metrics/../etc/passwd')).status).toBe(404);
    expect((await get(address, '/metrics', 'POST')).status).toBe(405);
    const head = await get(address, '/healthz', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('each daemon has its own registry: a second one starts clean', async () => {
    const other = createDaemonMetrics({ processMetrics: false });
    expect(await other.registry.getSingleMetricAsString('bxsup_mails_sent_total')).not.toContain('smtp');
    other.mailsSent.inc({ transport: 'files' });
    expect(await metrics.registry.getSingleMetricAsString('bxsup_mails_sent_total')).not.toContain('files');
  });

  it('is off without a port, and a port already taken is logged, not fatal', async () => {
    const off = metricsWorker({
      config: { host: '127.0.0.1', staleAfterSeconds: 300 },
      metrics,
      db: t.db,
      clock,
      logger: silentLogger(),
    });
    off.start();
    expect(await off.listening).toBeNull();
    await off.stop();
    const clash = metricsWorker({
      config: { port: address.port, host: '127.0.0.1', staleAfterSeconds: 300 },
      metrics: createDaemonMetrics({ processMetrics: false }),
      db: t.db,
      clock,
      logger: silentLogger(),
    });
    clash.start();
    expect(await clash.listening).toBeNull();
    await clash.stop();
  });

  it('reports bxsup_db_up 0 when the database cannot be read', async () => {
    const unreachable = openDb({ ...t.target, port: 1 }, { poolMax: 1 });
    const down = createDaemonMetrics({ processMetrics: false });
    const broken = metricsWorker({
      config: { port: 0, host: '127.0.0.1', staleAfterSeconds: 300 },
      metrics: down,
      // Nothing listens on port 1: every query fails with ECONNREFUSED, like a database that went away.
      db: unreachable,
      clock,
      logger: silentLogger(),
    });
    broken.start();
    const at = await broken.listening;
    try {
      const reply = await get(at!, '/metrics');
      expect(reply.status).toBe(200);
      expect(metric(reply.body, 'bxsup_db_up')).toBe(0);
    } finally {
      await broken.stop();
      await unreachable.destroy();
    }
  });
});
