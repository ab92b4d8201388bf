import { createServer, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { FixedClock } from '../../core/clock';
import { validateConfig } from '../../config/config';
import { createEscalationEvents } from '../../escalator/agent/escalationEvents';
import { PassResult } from '../../escalator/agent/passResult';
import { escalationWorker } from '../../daemon/escalationWorker';
import { DeliveryResult } from '../../escalator/webhooks/deliver';
import { FIXTURE } from '../../fixtures/seed';
import { createTicket } from '../../fixtures/nativeWriter';
import { FIXTURE_ZONE, REFERENCE_TIME } from '../helpers/clock';
import { memoryLogger } from '../sync/harness';
import { escalationSite, msk, Site } from './agentHarness';

/**
 * A slow webhook endpoint (a real HTTP server on 127.0.0.1 that holds its answer until the test lets
 * it go) does not delay the next escalation pass: the webhooks go out after the 'escalate' lock is
 * released, in the daemon's worker in a lane of their own. Shown by order, not by timing: the next
 * pass finishes while the first pass's request is still unanswered.
 */
interface SlowEndpoint {
  url: string;
  /** Resolves when a request has arrived and is being held. */
  arrived(): Promise<void>;
  /** Answers the held requests, and the ones to come, at once. */
  release(): void;
  hold(): void;
  close(): Promise<void>;
}

function slowEndpoint(): Promise<SlowEndpoint> {
  let holding = false;
  let held: ServerResponse[] = [];
  let waiters: Array<() => void> = [];
  const answer = (res: ServerResponse) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  const s = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (!holding) return answer(res);
      held.push(res);
      waiters.forEach((w) => w());
      waiters = [];
    });
  });
  return new Promise((resolve) =>
    s.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/slow`,
        arrived: () => (held.length > 0 ? Promise.resolve() : new Promise((r) => waiters.push(r))),
        hold: () => (holding = true),
        release() {
          holding = false;
          held.forEach(answer);
          held = [];
        },
        close: () =>
          new Promise((r) => {
            s.closeAllConnections();
            s.close(() => r());
          }),
      }),
    ),
  );
}

describe('webhooks after the escalate lock', () => {
  let site: Site;
  let endpoint: SlowEndpoint;

  beforeAll(async () => {
    endpoint = await slowEndpoint();
    site = await escalationSite({
      escalation: {
        webhooks: [{ name: 'slow', type: 'json', url: endpoint.url, levels: ['breach'] }],
        // Far longer than the test holds a request: the hold, not the timeout, decides.
        webhookRetry: { attemptsPerPass: 1, maxAttempts: 5, baseMs: 20, maxMs: 100, timeoutMs: 60_000 },
      },
    });
    await site.sync(new Date(REFERENCE_TIME));
    await site.pass(new Date(REFERENCE_TIME));
    // The fixture's own tickets have their breaches (and webhooks) by 19:00 Moscow: out of the way.
    await site.pass(msk('2024-03-12 18:59:00'));
  });
  afterAll(async () => {
    endpoint.release();
    await endpoint.close();
    await site.t.drop();
  });

  const breachAt = async (created: string, syncedAt: string): Promise<number> => {
    const id = await createTicket(site.t.db, FIXTURE_ZONE, {
      siteId: 's2',
      ownerUserId: FIXTURE.users.customerJohn,
      title: 'Slow hook',
      message: 'Hello',
      criticalityId: FIXTURE.dictionary.criticality.s2.middle,
      at: msk(created),
    });
    await site.sync(msk(syncedAt));
    return id;
  };

  it('another process runs its pass while the first still waits for a slow endpoint', async () => {
    // Normal: first reply 480 min → 19:00 Moscow.
    await breachAt('2024-03-12 11:00:00', '2024-03-12 18:59:00');
    endpoint.hold();
    const order: string[] = [];
    const first = site.pass(msk('2024-03-12 19:10:00')).then((r) => {
      order.push('first');
      return r;
    });
    await endpoint.arrived();
    // Before the change this pass found the lock taken and returned ran: false.
    const second = await site.pass(msk('2024-03-12 19:11:00'));
    order.push('second');
    // It ran, and left the deliveries to the process already sending them (their own lock).
    expect(second).toMatchObject({ ran: true, failed: 0, webhooks: { sent: 0, retrying: 0, failed: 0 } });
    endpoint.release();
    expect(await first).toMatchObject({
      ran: true,
      applied: 1,
      webhooks: { sent: 1, retrying: 0, failed: 0 },
    });
    expect(order).toEqual(['second', 'first']);
  });

  it("the daemon's worker: the next tick runs while the webhooks of the last one are still out", async () => {
    const id = await breachAt('2024-03-12 12:00:00', '2024-03-12 19:59:00');
    endpoint.hold();
    const events = createEscalationEvents();
    const order: string[] = [];
    const passes: PassResult[] = [];
    let delivered: (d: DeliveryResult) => void = () => undefined;
    const deliveredOnce = new Promise<DeliveryResult>((r) => (delivered = r));
    let secondPass: () => void = () => undefined;
    const twoPasses = new Promise<void>((r) => (secondPass = r));
    events.on('pass:finished', (r) => {
      order.push('pass');
      if (passes.push(r) === 2) secondPass();
    });
    events.on('webhooks:delivered', (d) => {
      order.push('delivered');
      delivered(d);
    });
    const worker = escalationWorker({
      db: site.t.db,
      target: site.t.target,
      config: validateConfig({
        ...site.config,
        escalation: { ...site.config.escalation, cron: '* * * * * *' },
      }),
      logger: memoryLogger().logger,
      clock: new FixedClock(msk('2024-03-12 20:10:00')),
      events,
    });
    try {
      worker.start(() => undefined);
      await endpoint.arrived();
      // The request of the first pass is held: a second pass finishing now shows the tick was not skipped.
      await twoPasses;
      endpoint.release();
      expect(await deliveredOnce).toMatchObject({ sent: 1, retrying: 0, failed: 0 });
    } finally {
      await worker.stop();
    }
    expect(order.slice(0, 3)).toEqual(['pass', 'pass', 'delivered']);
    expect(passes.slice(0, 2).map((p) => p.ran)).toEqual([true, true]);
    expect(passes[0].applied).toBe(1);
    expect(
      await site.t
        .db('bl_support_webhook_delivery as d')
        .join('bl_support_escalation as e', 'e.id', 'd.escalation_id')
        .where('e.ticket_id', id)
        .select('d.state'),
    ).toEqual([{ state: 'sent' }]);
  });
});
