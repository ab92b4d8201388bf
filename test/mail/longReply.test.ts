import { FixedClock } from '../../core/clock';
import { openDb } from '../../core/db';
import { parseDbUrl } from '../../core/dbUrl';
import { PrivateServer, startPrivateServer } from '../../demo/privateServer';
import { addMessage } from '../../fixtures/nativeWriter';
import { FIXTURE } from '../../fixtures/seed';
import { mailOnce } from '../../mail/mailOnce';
import { FIXTURE_ZONE } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite, mailDeps, msk, runSync, testConfig } from './helpers/mailEnv';
import { SmtpSink, startSink } from './helpers/smtpSink';

/**
 * A staff reply larger than 16 MB with a placeholder: b_ticket_message.MESSAGE is LONGTEXT, so bxsup
 * holds what Bitrix holds (its mirror's body was MEDIUMTEXT, and the reply was never mailed). Run on a
 * private mariadbd whose max_allowed_packet fits such a message, as it must on a site that stored one
 * (the shared test server keeps its 16 MB).
 */
describe('a reply over 16 MB', () => {
  let server: PrivateServer;
  let t: TestDatabase;
  let sink: SmtpSink;
  const clock = new FixedClock(msk('2024-03-12 11:00:00'));
  // 17 MiB of text between two placeholders.
  const filler = 'Подробности заказа. '.repeat(Math.ceil((17 * 1024 * 1024) / 38));

  beforeAll(async () => {
    server = await startPrivateServer();
    const admin = openDb(parseDbUrl(server.url), { poolMax: 1 });
    await admin.raw('SET GLOBAL max_allowed_packet = 134217728');
    await admin.destroy();
    t = await installedSite({ server: parseDbUrl(server.url) });
    sink = await startSink(200 * 1024 * 1024);
  }, 120000);
  afterAll(async () => {
    await sink?.stop();
    await t?.drop();
    await server?.stop();
  });

  it('is mirrored whole, filled in place and mailed', async () => {
    const messageId = await addMessage(t.db, FIXTURE_ZONE, {
      ticketId: FIXTURE.tickets.orderInTitle.id,
      authorUserId: FIXTURE.users.operatorOlga,
      bySupport: true,
      text: `#CUSTOMER_NAME#, ${filler}\n#OPERATOR_NAME#`,
      at: msk('2024-03-12 10:50:00'),
    });
    await runSync(t, clock);
    const [mirrored] = (await t
      .db('bl_support_message')
      .where('id', messageId)
      .select(t.db.raw('LENGTH(body) AS n'))) as Array<{ n: number }>;
    expect(Number(mirrored.n)).toBeGreaterThan(16 * 1024 * 1024);
    const deps = await mailDeps(t, { config: testConfig({ mail: { smtpUrl: sink.url } }), clock });
    try {
      expect(await mailOnce(deps)).toMatchObject({ claimed: 1, sent: 1, retried: 0, dead: 0 });
    } finally {
      await deps.transport.close();
    }
    const native = (await t
      .db('b_ticket_message')
      .where('ID', messageId)
      .first(t.db.raw('LEFT(MESSAGE, 40) AS head'), t.db.raw('RIGHT(MESSAGE, 40) AS tail'))) as {
      head: string;
      tail: string;
    };
    expect(native.head).toMatch(/^Мария, Подробности заказа/);
    expect(native.tail).toMatch(/Ольга Смирнова$/);
    expect(sink.mails).toHaveLength(1);
    const text = sink.mails[0].parsed.text ?? '';
    expect(Buffer.byteLength(text)).toBeGreaterThan(16 * 1024 * 1024);
    expect(text).toContain('Мария, Подробности заказа');
    expect(text).not.toContain('#CUSTOMER_NAME#');
  }, 180000);
});
