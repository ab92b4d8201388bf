import { readMessagesByIds } from '../../bridge/nativeMessages';
import { FIXTURE } from '../../fixtures/seed';
import { mapMessage } from '../../sync/mapping/messageRow';
import { createNativeTimeReader } from '../../sync/nativeTime';
import { copyMessages } from '../../sync/store/messages';
import { FIXTURE_ZONE, referenceClock } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite } from './harness';

/**
 * The message copy by ID range (a backfill's batches): it must write exactly the messages the batch
 * read, whatever else the span holds by the time it runs, and class staff as Node did.
 */
const U = FIXTURE.users;
const TICKET = 900;

describe('copying a batch of messages by range', () => {
  let t: TestDatabase;
  let m: number;
  beforeAll(async () => {
    t = await installedSite();
    m = Number((await t.db('b_ticket_message').max({ m: 'ID' }))[0].m);
    const row = (id: number, bySupport: string | null, author: number, log = 'N') => ({
      ID: id,
      TICKET_ID: TICKET,
      DATE_CREATE: '2024-03-12 12:00:00',
      TIMESTAMP_X: '2024-03-12 12:00:00',
      C_NUMBER: id - m,
      MESSAGE: `Сообщение ${id}`,
      OWNER_USER_ID: author,
      MESSAGE_BY_SUPPORT_TEAM: bySupport,
      IS_LOG: log,
      CREATED_MODULE_NAME: 'support',
    });
    await t.db('b_ticket_message').insert([
      row(m + 1, 'Y', U.operatorOlga),
      row(m + 2, 'N', U.customerAlexey),
      // Committed after the batch read its span (out of ID order): not the batch's to write.
      row(m + 3, 'N', U.customerAlexey),
      row(m + 4, null, U.operatorOlga),
      row(m + 5, null, U.customerAlexey),
      row(m + 6, 'N', U.customerAlexey, 'Y'),
    ]);
  });
  afterAll(async () => {
    await t.drop();
  });

  async function copy(ids: number[], lookedUpStaff: Set<number>, span: { after: number; upTo: number }) {
    const rows = await readMessagesByIds(t.db, ids);
    const toInstant = createNativeTimeReader(FIXTURE_ZONE);
    const now = referenceClock().now();
    const messages = rows.map((r) =>
      mapMessage(r, r.MESSAGE_BY_SUPPORT_TEAM === 'Y' || lookedUpStaff.has(Number(r.ID)), toInstant, now),
    );
    await t.db.transaction((trx) => copyMessages(trx, messages, span));
  }

  const mirrored = () =>
    t
      .db('bl_support_message')
      .where('ticket_id', TICKET)
      .orderBy('id')
      .select<Array<{ id: number; is_staff: number; body: string }>>('id', 'is_staff', 'body');

  it('writes the messages the batch read and no other one of the span', async () => {
    await copy([m + 1, m + 2, m + 4, m + 5], new Set([m + 4]), { after: m, upTo: m + 6 });
    expect(await mirrored()).toEqual([
      { id: m + 1, is_staff: 1, body: `Сообщение ${m + 1}` },
      { id: m + 2, is_staff: 0, body: `Сообщение ${m + 2}` },
      // No side recorded: staff because Node looked the author up, a client's otherwise.
      { id: m + 4, is_staff: 1, body: `Сообщение ${m + 4}` },
      { id: m + 5, is_staff: 0, body: `Сообщение ${m + 5}` },
    ]);
  });

  it('writes every non-log message of the span when the batch read them all', async () => {
    await t.db('bl_support_message').where('ticket_id', TICKET).delete();
    await copy([m + 1, m + 2, m + 3, m + 4, m + 5], new Set([m + 4]), { after: m, upTo: m + 6 });
    expect((await mirrored()).map((r) => [r.id, r.is_staff])).toEqual([
      [m + 1, 1],
      [m + 2, 0],
      [m + 3, 0],
      [m + 4, 1],
      [m + 5, 0],
    ]);
  });
});
