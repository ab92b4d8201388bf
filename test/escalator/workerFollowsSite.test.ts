import { FixedClock } from '../../core/clock';
import { openDb } from '../../core/db';
import { validateConfig } from '../../config/config';
import { createEscalationEvents } from '../../escalator/agent/escalationEvents';
import { escalationWorker } from '../../daemon/escalationWorker';
import { FIXTURE_ZONE } from '../helpers/clock';
import { memoryLogger } from '../sync/harness';
import { msk, Site, siteWithNewTicket } from './agentHarness';

/**
 * A daemon runs for months; what an admin changes in Bitrix meanwhile (a native SLA level's schedule,
 * the criticalities, the UF_SLA_STATE list) must reach its escalation passes, as it reaches the sync's
 * SLA refresh, which reads it afresh on every pass that changed something. Here the admin recreates the
 * list's values (new b_user_field_enum IDs, as the admin form does when values are deleted and added
 * again): the next pass must write the new IDs, or the operators' list shows an empty state.
 */
describe('the escalation worker follows the site between passes', () => {
  let site: Site;
  let ticketId: number;
  beforeAll(async () => {
    ({ site, ticketId } = await siteWithNewTicket('Worker follows the site'));
  });
  afterAll(async () => {
    await site.t.drop();
  });

  it('writes UF_SLA_STATE with the list as it is at the pass, not as it was when the daemon started', async () => {
    const config = validateConfig({ site: { timeZone: FIXTURE_ZONE }, escalation: { cron: '* * * * * *' } });
    const clock = new FixedClock(msk('2024-03-12 12:00:00'));
    const events = createEscalationEvents();
    let passes = 0;
    const waiting: Array<{ count: number; resolve: () => void }> = [];
    events.on('pass:finished', () => {
      passes++;
      for (const w of waiting.filter((x) => passes >= x.count)) w.resolve();
    });
    const passesAtLeast = (count: number) =>
      new Promise<void>((resolve) => (passes >= count ? resolve() : waiting.push({ count, resolve })));
    const db = openDb(site.t.target, { poolMax: 3 });
    const worker = escalationWorker({
      db,
      target: site.t.target,
      config,
      logger: memoryLogger().logger,
      clock,
      events,
    });
    let newIds: Map<string, number>;
    try {
      worker.start();
      await passesAtLeast(1);
      const field = (await site.t
        .db('b_user_field')
        .where({ ENTITY_ID: 'SUPPORT', FIELD_NAME: 'UF_SLA_STATE' })
        .first('ID')) as { ID: number };
      await site.t.db.raw('UPDATE b_user_field_enum SET ID = ID + 1000 WHERE USER_FIELD_ID = ?', [field.ID]);
      newIds = new Map(
        (
          (await site.t
            .db('b_user_field_enum')
            .where('USER_FIELD_ID', field.ID)
            .select('ID', 'XML_ID')) as Array<{
            ID: number;
            XML_ID: string;
          }>
        ).map((r) => [r.XML_ID, Number(r.ID)]),
      );
      // Past the warning point; the pass in flight may have started before the change, the next one not.
      clock.set(msk('2024-03-12 17:30:00'));
      await passesAtLeast(passes + 2);
    } finally {
      await worker.stop();
      await db.destroy();
    }
    expect(newIds.get('warning')).toBeGreaterThan(1000);
    const uf = (await site.t.db('b_uts_support').where('VALUE_ID', ticketId).first('UF_SLA_STATE')) as {
      UF_SLA_STATE: string | number;
    };
    expect(Number(uf.UF_SLA_STATE)).toBe(newIds.get('warning'));
  });
});
