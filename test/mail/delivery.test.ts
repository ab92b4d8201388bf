import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFilesTransport, emlFileName } from '../../mail/transports/filesTransport';
import { FixedClock } from '../../core/clock';
import { openDb } from '../../core/db';
import { instantToUtc } from '../../core/time';
import { FIXTURE } from '../../fixtures/seed';
import { mailOnce } from '../../mail/mailOnce';
import { requeueDead } from '../../store/outbox/retryDead';
import { TestDatabase } from '../helpers/db';
import { installedSite, mailDeps, memoryLogger, msk, queueEvent, testConfig } from './helpers/mailEnv';
import { SmtpSink, startSink } from './helpers/smtpSink';

/**
 * At-least-once delivery without duplicates: a mail server that is down for a while, one that refuses
 * for good, two senders at once, and a sender killed between claim and send.
 */
const T = FIXTURE.tickets;
/** Tickets whose owner has an address: Maria (1, 5, 10), John (2, 7, 11), Alexey (3, 8, 9). */
const MAILABLE = [1, 2, 3, 5, 7, 8, 9, 10, 11];

describe('mail delivery', () => {
  let t: TestDatabase;
  let sink: SmtpSink;
  const clock = new FixedClock(msk('2024-03-12 11:00:00'));
  const config = () =>
    testConfig({
      mail: { smtpUrl: sink.url, retryBaseMs: 30_000, retryMaxMs: 600_000, maxAttempts: 4, batchSize: 3 },
    });

  beforeAll(async () => {
    t = await installedSite();
    sink = await startSink();
  });
  afterAll(async () => {
    await sink.stop();
    await t.drop();
  });

  async function state(key: string): Promise<Record<string, unknown>> {
    return t
      .db('bl_support_outbox')
      .where('event_key', key)
      .first('state', 'attempts', 'available_at', 'last_error');
  }

  it('SMTP down for a while: retried with backoff, then every mail delivered exactly once; logged once per change', async () => {
    const keys = MAILABLE.slice(0, 5).map((id) => `closed:${id}:down`);
    for (const [i, key] of keys.entries())
      await queueEvent(
        t,
        { eventKey: key, eventType: 'SUPPORT_TICKET_CLOSED', ticketId: MAILABLE[i] },
        clock.now(),
      );
    await sink.stop();
    const log = memoryLogger();
    const deps = await mailDeps(t, { config: config(), clock, logger: log.logger });
    try {
      // Down: each attempt fails; jitter is pinned at 0.5, so the delay is 3/4 of the cap.
      expect(await mailOnce(deps)).toMatchObject({ claimed: 5, sent: 0, retried: 5 });
      expect(await state(keys[0])).toMatchObject({
        state: 'pending',
        attempts: 1,
        available_at: instantToUtc(new Date(clock.now().getTime() + 22_500)),
      });
      expect(String((await state(keys[0])).last_error)).toMatch(/ECONNREFUSED/);
      expect((await mailOnce(deps)).claimed).toBe(0); // not due yet
      clock.advance(22_500);
      expect(await mailOnce(deps)).toMatchObject({ claimed: 5, retried: 5 });
      expect(await state(keys[0])).toMatchObject({ attempts: 2 });
      // Back up: the next due pass delivers everything.
      await sink.start();
      clock.advance(45_000);
      expect(await mailOnce(deps)).toMatchObject({ claimed: 5, sent: 5, retried: 0 });
      clock.advance(3_600_000);
      expect((await mailOnce(deps)).claimed).toBe(0);
    } finally {
      await deps.transport.close();
    }
    // Ten failed attempts over two passes: one line when the server went, one when it came back.
    const lines = log
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { message: string });
    expect(
      lines.filter((l) => /mail server|retrying|ECONNREFUSED/.test(l.message)).map((l) => l.message),
    ).toEqual([
      expect.stringMatching(/^mail server failing: .*ECONNREFUSED.*; mails are retried with backoff/),
      'mail server accepting mail again, after 10 failed attempt(s)',
    ]);
    for (const key of keys) expect(await state(key)).toMatchObject({ state: 'sent', last_error: null });
    const ids = sink.mails.map((m) => m.parsed.messageId).filter((id) => id?.startsWith('<closed.'));
    expect(ids.sort()).toEqual(
      MAILABLE.slice(0, 5)
        .map(
          (id) => `<closed.${id}.down.ticket-${id}@shop.example.${[2, 7, 11].includes(id) ? 'com' : 'ru'}>`,
        )
        .sort(),
    );
  });

  it('gives up after mail.maxAttempts temporary failures: dead, with the last error', async () => {
    await queueEvent(
      t,
      { eventKey: 'closed:9:maxattempts', eventType: 'SUPPORT_TICKET_CLOSED', ticketId: 9 },
      clock.now(),
    );
    await sink.stop();
    const deps = await mailDeps(t, { config: config(), clock });
    try {
      for (let i = 0; i < 4; i++) {
        await mailOnce(deps);
        clock.advance(600_000);
      }
    } finally {
      await deps.transport.close();
      await sink.start();
    }
    const row = await state('closed:9:maxattempts');
    expect(row).toMatchObject({ state: 'dead', attempts: 4 });
    expect(String(row.last_error)).toMatch(/^gave up after 4 attempts: .*ECONNREFUSED/);
  });

  it('SMTP 5xx: dead at once with the reason; --retry-dead requeues it and it goes out once', async () => {
    sink.rejectRecipients.set('alexey.yolkin@example.ru', { code: 550, message: 'mailbox unavailable' });
    await queueEvent(
      t,
      { eventKey: 'closed:3:rejected', eventType: 'SUPPORT_TICKET_CLOSED', ticketId: T.reopened.id },
      clock.now(),
    );
    const deps = await mailDeps(t, { config: config(), clock });
    try {
      expect(await mailOnce(deps)).toMatchObject({ claimed: 1, dead: 1, retried: 0 });
      const row = await state('closed:3:rejected');
      expect(row).toMatchObject({ state: 'dead', attempts: 1 });
      expect(String(row.last_error)).toMatch(/^550 mailbox unavailable/);
      sink.rejectRecipients.clear();
      expect(await requeueDead(t.db, clock.now(), [])).toBe(2); // this one and the one that gave up above
      expect(await mailOnce(deps)).toMatchObject({ sent: 2 });
    } finally {
      await deps.transport.close();
    }
    expect(sink.byMessageId('<closed.3.rejected.ticket-3@shop.example.ru>')).toHaveLength(1);
    expect(await state('closed:3:rejected')).toMatchObject({ state: 'sent' });
  });

  it.each([true, false])(
    'two senders at once (skipLocked %s): every mail exactly once',
    async (skipLocked) => {
      const tag = skipLocked ? 'skip' : 'update';
      const keys: string[] = [];
      for (let n = 0; n < 30; n++) {
        const ticketId = MAILABLE[n % MAILABLE.length];
        keys.push(`closed:${ticketId}:${tag}${n}`);
        await queueEvent(t, { eventKey: keys[n], eventType: 'SUPPORT_TICKET_CLOSED', ticketId }, clock.now());
      }
      const otherDb = openDb(t.target);
      const a = { ...(await mailDeps(t, { config: config(), clock, instanceId: 'host-a:1' })), skipLocked };
      const b = {
        ...(await mailDeps(t, { config: config(), clock, instanceId: 'host-b:2' })),
        db: otherDb,
        skipLocked,
      };
      try {
        const [ca, cb] = await Promise.all([mailOnce(a), mailOnce(b)]);
        expect(ca.sent + cb.sent).toBe(30);
        expect(ca.claimed + cb.claimed).toBe(30);
      } finally {
        await a.transport.close();
        await b.transport.close();
        await otherDb.destroy();
      }
      const counts = new Map<string, number>();
      for (const m of sink.mails)
        counts.set(m.parsed.messageId ?? '', (counts.get(m.parsed.messageId ?? '') ?? 0) + 1);
      for (const key of keys) {
        const [, ticket, rest] = key.split(':');
        const domain = [2, 7, 11].includes(Number(ticket)) ? 'com' : 'ru';
        expect(counts.get(`<closed.${ticket}.${rest}.ticket-${ticket}@shop.example.${domain}>`)).toBe(1);
      }
    },
  );

  it('a sender killed between claim and send: the claim is freed after mail.claimTimeoutMs and the mail sent once', async () => {
    const dead = await queueEvent(
      t,
      { eventKey: 'closed:10:killed', eventType: 'SUPPORT_TICKET_CLOSED', ticketId: 10 },
      clock.now(),
    );
    const live = await queueEvent(
      t,
      { eventKey: 'closed:10:busy', eventType: 'SUPPORT_TICKET_CLOSED', ticketId: 10 },
      clock.now(),
    );
    const minutesAgo = (m: number) => instantToUtc(new Date(clock.now().getTime() - m * 60_000));
    // claimTimeoutMs is 2 minutes by default: one claim 11 minutes old, one 1 minute old (still working).
    await t
      .db('bl_support_outbox')
      .where('id', dead)
      .update({ state: 'sending', claimed_by: 'gone:999', claimed_at: minutesAgo(11), attempts: 1 });
    await t
      .db('bl_support_outbox')
      .where('id', live)
      .update({ state: 'sending', claimed_by: 'busy:1', claimed_at: minutesAgo(1), attempts: 1 });
    const deps = await mailDeps(t, { config: config(), clock });
    try {
      expect(await mailOnce(deps)).toMatchObject({ reaped: 1, claimed: 1, sent: 1 });
      expect(await mailOnce(deps)).toMatchObject({ reaped: 0, claimed: 0 });
    } finally {
      await deps.transport.close();
    }
    expect(await state('closed:10:killed')).toMatchObject({ state: 'sent', attempts: 2 });
    expect(await state('closed:10:busy')).toMatchObject({ state: 'sending' });
    expect(sink.byMessageId('<closed.10.killed.ticket-10@shop.example.ru>')).toHaveLength(1);
    expect(sink.byMessageId('<closed.10.busy.ticket-10@shop.example.ru>')).toHaveLength(0);
  });

  it('an internal note or a log line queued as a reply is never mailed: skipped, with the reason', async () => {
    const [note] = await t
      .db('b_ticket_message')
      .where({ TICKET_ID: T.internalNote.id, IS_HIDDEN: 'Y' })
      .pluck('ID');
    const [log] = await t
      .db('b_ticket_message')
      .where({ TICKET_ID: T.awaitingCustomer.id, IS_LOG: 'Y' })
      .pluck('ID');
    await queueEvent(
      t,
      {
        eventKey: `reply:${note}`,
        eventType: 'SUPPORT_TICKET_REPLY',
        ticketId: T.internalNote.id,
        messageId: note,
      },
      clock.now(),
    );
    await queueEvent(
      t,
      {
        eventKey: `reply:${log}`,
        eventType: 'SUPPORT_TICKET_REPLY',
        ticketId: T.awaitingCustomer.id,
        messageId: log,
      },
      clock.now(),
    );
    const before = sink.mails.length;
    const deps = await mailDeps(t, { config: config(), clock });
    try {
      expect(await mailOnce(deps)).toMatchObject({ claimed: 2, skipped: 2, sent: 0 });
    } finally {
      await deps.transport.close();
    }
    expect(sink.mails.length).toBe(before);
    expect(await state(`reply:${note}`)).toMatchObject({
      state: 'skipped',
      last_error: 'internal note: never mailed to the customer',
    });
    expect(await state(`reply:${log}`)).toMatchObject({
      state: 'skipped',
      last_error: 'log line: not a reply',
    });
  });

  it('leaves outbox events that are not mail (webhooks) alone', async () => {
    await queueEvent(
      t,
      { eventKey: 'webhook:1', eventType: 'WEBHOOK_TICKET_CREATED', ticketId: 1 },
      clock.now(),
    );
    const deps = await mailDeps(t, { config: config(), clock });
    try {
      expect((await mailOnce(deps)).claimed).toBe(0);
    } finally {
      await deps.transport.close();
    }
    expect(await state('webhook:1')).toMatchObject({ state: 'pending', attempts: 0 });
  });
});

describe('files transport', () => {
  it('a failed write leaves no .tmp file behind', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bxsup-files-'));
    try {
      const transport = createFilesTransport(dir);
      const mail = {
        eventKey: 'closed:1:x',
        eventType: 'SUPPORT_TICKET_CLOSED',
        ticketId: 1,
        siteId: 's1',
        languageId: 'ru',
        from: { name: 'Shop', address: 'shop@example.ru' },
        to: [{ name: 'Мария', address: 'maria@example.ru' }],
        subject: 'Closed',
        text: 'Bye',
        html: '<p>Bye</p>',
        messageId: '<closed.1.x@example.ru>',
        fields: {},
      };
      // A folder where the mail's file should go: the rename fails.
      await mkdir(path.join(dir, emlFileName(mail)));
      await expect(transport.send(mail, { now: new Date() })).rejects.toThrow();
      expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
