import { FixedClock } from '../../core/clock';
import { instantToUtc } from '../../core/time';
import { mailOnce } from '../../mail/mailOnce';
import { reapStaleClaims } from '../../mail/outbox/reap';
import { MailTransport } from '../../mail/transports/transport';
import { eventually } from '../helpers/daemonProcess';
import { TestDatabase } from '../helpers/db';
import { installedSite, mailDeps, msk, queueEvent, testConfig } from './helpers/mailEnv';
import { SmtpSink, startSink } from './helpers/smtpSink';

/**
 * The claim mechanism on its own, in one process: a claim taken over while its mail waited is not
 * sent (the re-check right before the send), a 'sent' mark that comes after the claim lapsed is still
 * recorded, a held claim is renewed, the reaper leaves live holders alone, and marks that fail stop
 * the sender taking rows until they land.
 */
const CLAIM_TIMEOUT_MS = 5000;

/** A transport in front of the sink whose sends wait until let through, to hold a mail "in flight". */
function gatedTransport(inner: MailTransport): MailTransport & { open(): void; sending: Promise<string> } {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let started!: (eventKey: string) => void;
  // The event key of the first mail that reached the transport.
  const sending = new Promise<string>((resolve) => (started = resolve));
  return {
    ...inner,
    open,
    sending,
    async send(mail, ctx) {
      started(mail.eventKey);
      await gate;
      return inner.send(mail, ctx);
    },
  };
}

describe('mail claims', () => {
  let t: TestDatabase;
  let sink: SmtpSink;
  const clock = new FixedClock(msk('2024-03-12 11:00:00'));
  const config = () =>
    testConfig({ mail: { smtpUrl: sink.url, concurrency: 1, claimTimeoutMs: CLAIM_TIMEOUT_MS } });

  beforeAll(async () => {
    t = await installedSite();
    sink = await startSink();
  });
  afterAll(async () => {
    await sink.stop();
    await t.drop();
  });

  const row = (key: string) =>
    t.db('bl_support_outbox').where('event_key', key).first('state', 'claimed_by', 'claimed_at', 'attempts');

  it('a claim taken over while its mail waited for a connection is not sent: re-checked right before', async () => {
    const keys = ['closed:1:first', 'closed:2:taken'];
    await queueEvent(t, { eventKey: keys[0], eventType: 'SUPPORT_TICKET_CLOSED', ticketId: 1 }, clock.now());
    await queueEvent(t, { eventKey: keys[1], eventType: 'SUPPORT_TICKET_CLOSED', ticketId: 2 }, clock.now());
    const deps = await mailDeps(t, { config: config(), clock });
    const gated = gatedTransport(deps.transport);
    const pass = mailOnce({ ...deps, transport: gated });
    // One mail holds the only connection; the other waits for it.
    const first = await gated.sending;
    const waiting = keys.find((k) => k !== first)!;
    // Meanwhile the waiting one's claim lapsed and another sender took the row over (as a reaper and a
    // second daemon would); then more time passed than a re-check allows without asking.
    await t.db('bl_support_outbox').where('event_key', waiting).update({ claimed_by: 'other:9:ff#0123' });
    clock.advance(2 * CLAIM_TIMEOUT_MS);
    gated.open();
    expect(await pass).toMatchObject({ claimed: 2, sent: 1, lost: 1 });
    await deps.transport.close();
    const messageId = (key: string) => {
      const [, ticket, tag] = key.split(':');
      return `<closed.${ticket}.${tag}.ticket-${ticket}@shop.example.${ticket === '2' ? 'com' : 'ru'}>`;
    };
    expect(sink.byMessageId(messageId(first))).toHaveLength(1);
    expect(sink.byMessageId(messageId(waiting))).toHaveLength(0);
    // The new holder's row is left as it is.
    expect(await row(waiting)).toMatchObject({ state: 'sending', claimed_by: 'other:9:ff#0123' });
    await t.db('bl_support_outbox').where('event_key', waiting).delete();
  });

  it("a 'sent' mark that comes after the claim lapsed is still recorded, so the mail is not sent again", async () => {
    await queueEvent(
      t,
      { eventKey: 'closed:3:late', eventType: 'SUPPORT_TICKET_CLOSED', ticketId: 3 },
      clock.now(),
    );
    const deps = await mailDeps(t, { config: config(), clock });
    const gated = gatedTransport(deps.transport);
    const pass = mailOnce({ ...deps, transport: gated });
    await gated.sending;
    // The row was reaped while the server took its time: back in the queue, nobody holds it.
    await t
      .db('bl_support_outbox')
      .where('event_key', 'closed:3:late')
      .update({ state: 'pending', claimed_by: null, claimed_at: null });
    gated.open();
    expect(await pass).toMatchObject({ sent: 1, lateMarks: 1 });
    expect(await row('closed:3:late')).toMatchObject({ state: 'sent' });
    expect((await mailOnce(deps)).claimed).toBe(0);
    await deps.transport.close();
    expect(sink.byMessageId('<closed.3.late.ticket-3@shop.example.ru>')).toHaveLength(1);
  });

  it('a held claim is renewed while its mail is in flight, and the reaper leaves it alone', async () => {
    await queueEvent(
      t,
      { eventKey: 'closed:5:slow', eventType: 'SUPPORT_TICKET_CLOSED', ticketId: 5 },
      clock.now(),
    );
    const deps = await mailDeps(t, { config: config(), clock });
    const gated = gatedTransport(deps.transport);
    const pass = mailOnce({ ...deps, transport: gated });
    await gated.sending;
    const claimedAt = (await row('closed:5:slow')).claimed_at;
    clock.advance(CLAIM_TIMEOUT_MS - 1000);
    // A renewal tick (every quarter of the timeout) moves claimed_at to the sender's "now".
    await eventually(
      async () => (await row('closed:5:slow')).claimed_at === instantToUtc(clock.now()),
      3 * CLAIM_TIMEOUT_MS,
      "a renewal tick moving the held claim's claimed_at to the sender's now",
    );
    const renewed = (await row('closed:5:slow')).claimed_at;
    expect(renewed).not.toBe(claimedAt);
    expect(renewed).toBe(instantToUtc(clock.now()));
    // Seen from another sender a little later, the lease has not lapsed: nothing to reap.
    const later = new Date(clock.now().getTime() + CLAIM_TIMEOUT_MS - 1000);
    expect(await reapStaleClaims(t.db, { now: later, timeoutMs: CLAIM_TIMEOUT_MS, self: 'other:1:aa' })).toBe(
      0,
    );
    gated.open();
    expect(await pass).toMatchObject({ sent: 1, lateMarks: 0 });
    await deps.transport.close();
  });

  it('the reaper frees lapsed claims of dead holders only: not of a daemon that heartbeats, not its own', async () => {
    const now = clock.now();
    const ago = (ms: number) => instantToUtc(new Date(now.getTime() - ms));
    await t.db('bl_support_daemon').insert([
      {
        instance_id: 'alive:1:aa',
        host: 'h1',
        pid: 1,
        version: 'x',
        started_at: ago(3600_000),
        heartbeat_at: ago(3000),
      },
      {
        instance_id: 'dead:2:bb',
        host: 'h2',
        pid: 2,
        version: 'x',
        started_at: ago(3600_000),
        heartbeat_at: ago(600_000),
      },
    ]);
    const claims: Array<[string, string]> = [
      ['closed:7:alive', 'alive:1:aa#00000000000000a1'],
      ['closed:8:dead', 'dead:2:bb#00000000000000b2'],
      ['closed:9:cli', 'cli-host:77#00000000000000c3'], // a `bxsup mail --once`: no heartbeat row
      ['closed:10:self', 'me:3:cc#00000000000000d4'],
    ];
    for (const [key, holder] of claims) {
      const id = await queueEvent(
        t,
        { eventKey: key, eventType: 'SUPPORT_TICKET_CLOSED', ticketId: Number(key.split(':')[1]) },
        now,
      );
      await t
        .db('bl_support_outbox')
        .where('id', id)
        .update({ state: 'sending', claimed_by: holder, claimed_at: ago(60_000), attempts: 1 });
    }
    expect(await reapStaleClaims(t.db, { now, timeoutMs: CLAIM_TIMEOUT_MS, self: 'me:3:cc' })).toBe(2);
    const states = Object.fromEntries(
      await Promise.all(claims.map(async ([key]) => [key, (await row(key)).state])),
    );
    expect(states).toEqual({
      'closed:7:alive': 'sending',
      'closed:8:dead': 'pending',
      'closed:9:cli': 'pending',
      'closed:10:self': 'sending',
    });
    await t
      .db('bl_support_outbox')
      .whereIn('event_key', ['closed:7:alive', 'closed:10:self', 'closed:8:dead', 'closed:9:cli'])
      .delete();
    await t.db('bl_support_daemon').delete();
  });

  /**
   * Twelve mails due, and the database refuses the first two 'sent' marks (a budget in a MEMORY table,
   * which a failed statement does not roll back), then accepts them again. The first pass sends through
   * `wrap` around the transport: it must stop taking rows once a mark failed and give back what it had
   * claimed and not sent; a second pass sends the rest, and every mail goes out once.
   */
  async function twoPassesWithRefusedMarks(
    tag: string,
    wrap: (inner: MailTransport) => MailTransport,
  ): Promise<void> {
    const keys: string[] = [];
    for (let i = 0; i < 12; i++) {
      keys.push(`closed:11:${tag}-${i}`);
      await queueEvent(
        t,
        { eventKey: keys[i], eventType: 'SUPPORT_TICKET_CLOSED', ticketId: 11 },
        clock.now(),
      );
    }
    await t.db.raw('CREATE TABLE refuse_budget (n INT NOT NULL) ENGINE=MEMORY');
    await t.db.raw('INSERT INTO refuse_budget VALUES (2)');
    await t.db.raw(
      `CREATE TRIGGER refuse_sent BEFORE UPDATE ON bl_support_outbox FOR EACH ROW
       BEGIN
         IF NEW.state = 'sent' AND (SELECT n FROM refuse_budget) > 0 THEN
           UPDATE refuse_budget SET n = n - 1;
           SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'outbox write refused';
         END IF;
       END`,
    );
    const deps = await mailDeps(t, { config: config(), clock });
    try {
      const first = await mailOnce({ ...deps, transport: wrap(deps.transport) });
      // The marks landed on the third try; meanwhile the sender stopped taking rows and gave back
      // what it had claimed and not sent.
      expect(first.sent).toBeGreaterThan(0);
      expect(first.sent).toBeLessThan(12);
      expect(first.givenBack).toBe(first.claimed - first.sent);
      const second = await mailOnce(deps);
      expect(first.sent + second.sent).toBe(12);
    } finally {
      await t.db.raw('DROP TRIGGER IF EXISTS refuse_sent');
      await t.db.raw('DROP TABLE IF EXISTS refuse_budget');
      await deps.transport.close();
    }
    const states = await t.db('bl_support_outbox').whereIn('event_key', keys).pluck('state');
    expect(new Set(states)).toEqual(new Set(['sent']));
    for (const key of keys) {
      const tag = key.split(':')[2];
      expect(sink.byMessageId(`<closed.11.${tag}.ticket-11@shop.example.com>`)).toHaveLength(1);
    }
  }

  it('marks that fail stop the sender taking rows; they are retried until they land, and every mail goes out once', async () => {
    // The mails in hand go out while the marks fail; theirs join the retries.
    await twoPassesWithRefusedMarks('refused', (inner) => inner);
  });

  it('a pass whose marks failed takes no new rows even when the marks land before the mails in hand are out', async () => {
    // The mails after the first go out only once its mark has landed on the third try, as when the
    // mail server is slower than the database's blip (the flake of a loaded machine): a sender that
    // took rows again once its marks landed sent all twelve in this pass.
    await twoPassesWithRefusedMarks('landed', (inner) => {
      let firstKey: string | null = null;
      return {
        ...inner,
        async send(mail, ctx) {
          firstKey ??= mail.eventKey;
          if (mail.eventKey !== firstKey) {
            const marked = firstKey;
            await eventually(
              async () => (await row(marked)).state === 'sent',
              30000,
              `the 'sent' mark of ${marked} landing`,
            );
          }
          return inner.send(mail, ctx);
        },
      };
    });
  });
});
