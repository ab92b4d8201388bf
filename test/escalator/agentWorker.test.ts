import { FixedClock } from '../../core/clock';
import { openDb } from '../../core/db';
import { validateConfig } from '../../config/config';
import { createEscalationEvents } from '../../escalator/agent/escalationEvents';
import { PassResult } from '../../escalator/agent/passResult';
import { escalationWorker } from '../../daemon/escalationWorker';
import { FIXTURE_ZONE } from '../helpers/clock';
import { memoryLogger } from '../sync/harness';
import { msk, Site, siteWithNewTicket, slaNotices } from './agentHarness';

/**
 * The daemon's escalation worker: node-schedule wakes it on escalation.cron (every second here) and
 * once at start; two workers on one database (two daemons) never escalate at once, and each action
 * still happens once.
 */
describe('escalation worker', () => {
  let site: Site;
  let ticketId: number;
  beforeAll(async () => {
    ({ site, ticketId } = await siteWithNewTicket('Worker'));
  });
  afterAll(async () => {
    await site.t.drop();
  });

  it('runs a pass at start and on every cron tick; two daemons take turns through the lock', async () => {
    const config = validateConfig({ site: { timeZone: FIXTURE_ZONE }, escalation: { cron: '* * * * * *' } });
    const clock = new FixedClock(msk('2024-03-12 19:30:00'));
    const passes: PassResult[] = [];
    // Both workers report to one emitter: the sixth pass of either resolves the wait.
    const events = createEscalationEvents();
    const fired: Array<{ ticketId: number }> = [];
    events.on('escalation:fired', (f) => fired.push(f));
    const sixPasses = new Promise<void>((resolve) =>
      events.on('pass:finished', (r) => {
        if (passes.push(r) === 6) resolve();
      }),
    );
    const pools = [openDb(site.t.target, { poolMax: 3 }), openDb(site.t.target, { poolMax: 3 })];
    const workers = pools.map((db) =>
      escalationWorker({
        db,
        target: site.t.target,
        config,
        logger: memoryLogger().logger,
        clock,
        events,
      }),
    );
    try {
      workers.forEach((w) => w.start());
      await sixPasses;
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await Promise.all(pools.map((db) => db.destroy()));
    }
    expect(passes.length).toBeGreaterThanOrEqual(6);
    // What the passes applied is what is recorded: nothing twice.
    const applied = await site.t.db('bl_support_escalation').where('outcome', 'applied').count({ n: '*' });
    expect(passes.reduce((n, p) => n + p.applied, 0)).toBe(Number(applied[0].n));
    expect(fired).toHaveLength(Number(applied[0].n));
    expect(passes.every((p) => p.failed === 0)).toBe(true);
    expect((await slaNotices(site.t, ticketId)).map((n) => n.event_type)).toEqual(['SUPPORT_SLA_BREACH']);
  });

  it('does not start when escalation is off', async () => {
    // The catch-up pass at start would run once `catchUpAfter` settles and every tick it wakes has
    // finished by the time stop() resolves: so after that, a worker that started has reported a pass.
    const runOnce = async (enabled: boolean) => {
      const log = memoryLogger();
      const passes: PassResult[] = [];
      const worker = escalationWorker({
        db: site.t.db,
        target: site.t.target,
        config: validateConfig({ site: { timeZone: FIXTURE_ZONE }, escalation: { enabled } }),
        logger: log.logger,
        // The first test's time: the pass it runs with escalation on finds nothing left to do.
        clock: new FixedClock(msk('2024-03-12 19:30:00')),
        catchUpAfter: Promise.resolve(),
        onPass: (r) => passes.push(r),
      });
      worker.start(() => undefined);
      await new Promise((resolve) => setImmediate(resolve));
      await worker.stop();
      return { passes, log: log.lines().join('') };
    };
    const off = await runOnce(false);
    expect(off.passes).toEqual([]);
    expect(off.log).toMatch(/escalation is off \(escalation\.enabled is false\)/);
    // The same steps with escalation on do see the catch-up pass: the check above can fail.
    const on = await runOnce(true);
    expect(on.passes).toHaveLength(1);
    expect(on.log).not.toMatch(/escalation is off/);
  });
});
