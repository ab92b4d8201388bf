import { insertNewOutboxEntries, insertOutboxEntries, outboxEventQueued } from '../../store/outbox/insert';
import { referenceClock } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite } from '../helpers/installedSite';

/**
 * The one INSERT into the outbox (store/outbox/insert.ts), used by the sync and the escalator: every
 * event is queued once, whoever writes it again, and what was new is told apart from what was not.
 */
const now = referenceClock().now();
const entry = (eventKey: string, messageId: number | null = null) => ({
  eventKey,
  eventType: 'SUPPORT_TICKET_REPLY',
  ticketId: 7,
  messageId,
  payload: { ticketId: 7, messageId },
});

describe('queuing outbox events', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await installedSite();
  });
  afterAll(async () => t.drop());

  const rows = () =>
    t.db('bl_support_outbox').orderBy('id').select('event_key', 'state', 'message_id', 'payload');

  it('queues each event_key once, pending and due now, and returns only the new ones', async () => {
    const first = await insertNewOutboxEntries(
      t.db,
      [entry('reply:1', 1), entry('reply:2', 2), entry('reply:1', 1)],
      now,
    );
    expect(first.map((e) => e.eventKey)).toEqual(['reply:1', 'reply:2']);
    const again = await insertNewOutboxEntries(t.db, [entry('reply:2', 2), entry('reply:3', 3)], now);
    expect(again.map((e) => e.eventKey)).toEqual(['reply:3']);
    expect(await rows()).toEqual([
      { event_key: 'reply:1', state: 'pending', message_id: 1, payload: '{"ticketId":7,"messageId":1}' },
      { event_key: 'reply:2', state: 'pending', message_id: 2, payload: '{"ticketId":7,"messageId":2}' },
      { event_key: 'reply:3', state: 'pending', message_id: 3, payload: '{"ticketId":7,"messageId":3}' },
    ]);
    const [{ available_at }] = await t
      .db('bl_support_outbox')
      .where('event_key', 'reply:1')
      .select('available_at');
    expect(available_at).toBe(now.toISOString().slice(0, 19).replace('T', ' '));
  });

  it('leaves a row queued before as it is when the same key is written again', async () => {
    await t.db('bl_support_outbox').where('event_key', 'reply:1').update({ state: 'sent' });
    await insertOutboxEntries(t.db, [{ ...entry('reply:1', 1), payload: { changed: true } }], now);
    expect((await rows())[0]).toEqual({
      event_key: 'reply:1',
      state: 'sent',
      message_id: 1,
      payload: '{"ticketId":7,"messageId":1}',
    });
    expect(await outboxEventQueued(t.db, 'reply:1')).toBe(true);
    expect(await outboxEventQueued(t.db, 'reply:9')).toBe(false);
  });
});
