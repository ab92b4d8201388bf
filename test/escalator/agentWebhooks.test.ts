import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { systemClock } from '../../core/clock';
import { instantToUtc } from '../../core/time';
import { escalationConfigSchema } from '../../escalator/escalationConfig';
import { deliverWebhooks } from '../../escalator/webhooks/deliver';
import { axiosPost } from '../../escalator/webhooks/http';
import { FIXTURE } from '../../fixtures/seed';
import { createTicket } from '../../fixtures/nativeWriter';
import { FIXTURE_ZONE, REFERENCE_TIME } from '../helpers/clock';
import { memoryLogger } from '../sync/harness';
import { escalationSite, msk, Site } from './agentHarness';

/**
 * Webhooks against a local HTTP server on 127.0.0.1: a Bitrix24 incoming webhook (im.notify.system.add,
 * one call per recipient) and a Slack-style JSON endpoint ({text}). A failing endpoint is retried with
 * backoff, a bounded number of times, and a hanging one never holds the pass up: escalations are
 * committed first, and each request has a timeout.
 */
interface Received {
  path: string;
  body: Record<string, unknown>;
}

function server(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): Promise<{ url: string; close: () => Promise<void> }> {
  return new Promise((resolve) => {
    const s: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => handler(req, res, body));
    });
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise((r) => {
            s.closeAllConnections();
            s.close(() => r());
          }),
      });
    });
  });
}

const U = FIXTURE.users;
const fast = { attemptsPerPass: 3, maxAttempts: 5, baseMs: 20, maxMs: 100, timeoutMs: 300 };

describe('escalation webhooks', () => {
  let site: Site;
  const received: Received[] = [];
  let failures = 0;
  let hooks: Awaited<ReturnType<typeof server>>;

  beforeAll(async () => {
    hooks = await server((req, res, body) => {
      if (req.url?.startsWith('/hang')) return; // never answers
      if (req.url?.startsWith('/flaky') && failures > 0) {
        failures--;
        res.writeHead(503).end('busy');
        return;
      }
      if (req.url?.startsWith('/down')) {
        res.writeHead(500).end();
        return;
      }
      received.push({ path: req.url ?? '', body: JSON.parse(body) as Record<string, unknown> });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result: 1 }));
    });
    site = await escalationSite({
      escalation: {
        supervisors: [U.supervisor],
        webhooks: [
          {
            name: 'b24',
            type: 'bitrix24',
            url: `${hooks.url}/rest/1/secrettoken/`,
            userIds: { [U.supervisor]: 105 },
          },
          { name: 'slack', type: 'json', url: `${hooks.url}/flaky/slack`, levels: ['breach'] },
        ],
        webhookRetry: fast,
      },
    });
    await site.sync(new Date(REFERENCE_TIME));
    await site.pass(new Date(REFERENCE_TIME));
    // The fixture's own tickets have their breaches (and webhooks) by 19:00 Moscow: out of the way.
    await site.pass(msk('2024-03-12 18:59:00'));
    received.length = 0;
    await site.t.db('bl_support_webhook_delivery').delete();
  });
  afterAll(async () => {
    await hooks.close();
    await site.t.drop();
  });

  it('sends a breach to Bitrix24 (per recipient) and to the JSON hook, retrying a flaky one', async () => {
    const id = await createTicket(site.t.db, FIXTURE_ZONE, {
      siteId: 's2',
      ownerUserId: U.customerJohn,
      title: 'Webhook test',
      message: 'Hello',
      criticalityId: FIXTURE.dictionary.criticality.s2.middle,
      at: msk('2024-03-12 11:00:00'),
    });
    await site.sync(msk('2024-03-12 18:59:00'));
    failures = 2; // the JSON hook answers 503 twice, then 200: within one pass's three attempts
    // Normal: first reply 480 min → 19:00 Moscow; its warning (superseded) and breach are both due.
    const result = await site.pass(msk('2024-03-12 19:10:00'));
    expect(result.webhooks).toEqual({ sent: 2, retrying: 0, failed: 0 });
    const b24 = received.filter((r) => r.path.includes('/rest/'));
    expect(b24).toEqual([
      {
        path: '/rest/1/secrettoken/im.notify.system.add',
        body: {
          USER_ID: 105,
          MESSAGE: expect.stringMatching(
            new RegExp(
              `^Missed first reply deadline \\(2024-03-12 19:00\\): #SUP-20240312-\\d{4} \\(ID ${id}\\) «Webhook test»\\. priority: High$`,
            ),
          ),
        },
      },
    ]);
    expect(received.filter((r) => r.path === '/flaky/slack')).toEqual([
      { path: '/flaky/slack', body: { text: b24[0].body.MESSAGE } },
    ]);
    const rows = await site.t
      .db('bl_support_webhook_delivery')
      .orderBy('id')
      .select('channel', 'state', 'attempts');
    expect(rows).toEqual([
      { channel: `b24:${U.supervisor}`, state: 'sent', attempts: 1 },
      { channel: 'slack', state: 'sent', attempts: 3 },
    ]);
  });

  it('gives up on an endpoint that keeps failing after maxAttempts, over several passes, with backoff', async () => {
    const { logger } = memoryLogger();
    const config = escalationConfigSchema.parse({
      webhooks: [{ name: 'down', type: 'json', url: `${hooks.url}/down` }],
      webhookRetry: fast,
    });
    const [escalation] = await site.t
      .db('bl_support_escalation')
      .where('outcome', 'applied')
      .limit(1)
      .pluck('id');
    const now = msk('2024-03-12 16:00:00');
    await site.t.db('bl_support_webhook_delivery').insert({
      escalation_id: escalation,
      channel: 'down',
      body: JSON.stringify({ text: 'x' }),
      state: 'pending',
      attempts: 0,
      next_attempt_at: instantToUtc(now),
      created_at: instantToUtc(now),
    });
    const deps = { db: site.t.db, logger, config, http: axiosPost(300), clock: systemClock };
    expect(await deliverWebhooks(deps, now)).toEqual({ sent: 0, retrying: 1, failed: 0 });
    const after = await site.t
      .db('bl_support_webhook_delivery')
      .where('channel', 'down')
      .first('attempts', 'next_attempt_at');
    expect(after.attempts).toBe(3);
    // Not retried before its backoff has passed; then the last two attempts, then it is given up.
    expect(await deliverWebhooks(deps, now)).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(after.next_attempt_at > instantToUtc(now)).toBe(true);
    expect(await deliverWebhooks(deps, new Date(now.getTime() + 60_000))).toEqual({
      sent: 0,
      retrying: 0,
      failed: 1,
    });
    expect(
      await site.t
        .db('bl_support_webhook_delivery')
        .where('channel', 'down')
        .first('state', 'attempts', 'last_error'),
    ).toEqual({
      state: 'failed',
      attempts: 5,
      last_error: 'HTTP 500',
    });
  });

  it('a hanging endpoint never holds the pass: escalations commit, the request times out', async () => {
    const id = await createTicket(site.t.db, FIXTURE_ZONE, {
      siteId: 's1',
      ownerUserId: U.customerMaria,
      title: 'Hang',
      message: 'Hello',
      criticalityId: FIXTURE.dictionary.criticality.s1.high,
      at: msk('2024-03-12 20:00:00'),
    });
    await site.sync(msk('2024-03-12 20:00:00'));
    const started = Date.now();
    // High: first reply 240 min → midnight; the hook never answers, each request gives up after 300 ms.
    const result = await site.pass(msk('2024-03-13 00:10:00'), {
      config: {
        escalation: {
          webhooks: [{ name: 'hang', type: 'json', url: `${hooks.url}/hang` }],
          webhookRetry: { ...fast, attemptsPerPass: 1 },
        },
      },
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result).toMatchObject({ applied: 1, webhooks: { sent: 0, retrying: 1, failed: 0 } });
    expect(
      await site.t.db('bl_support_escalation').where({ ticket_id: id, outcome: 'applied' }).count({ n: '*' }),
    ).toEqual([{ n: 1 }]);
  });
});
