import { isHidden } from '../../sync/mapping/messageRow';
import { NativeMessage } from '../../bridge/nativeMessages';
import { installedSite } from '../helpers/installedSite';
import { TestDatabase } from '../helpers/db';

/**
 * Whether a message is an internal note is one rule, wherever it is applied: the history copy done by
 * the server (sync/store/messages.ts) and Node's mapping (messageRow.ts isHidden), which also decides the
 * ticket's first reply. The module writes 'Y' or 'N'; a flag written otherwise ('y' by a hand-made
 * import) is compared as bytes on both sides, as the other flags are, so the mirror's is_internal and
 * the facts never disagree.
 */
describe('the internal-note flag, copied by the server and mapped in Node', () => {
  let t: TestDatabase;
  let noteId = 0;

  beforeAll(async () => {
    t = await installedSite({
      beforeInstall: async (s) => {
        const note = (await s.db('b_ticket_message').where('IS_HIDDEN', 'Y').orderBy('ID').first('ID')) as {
          ID: number;
        };
        noteId = note.ID;
        await s.db('b_ticket_message').where('ID', noteId).update({ IS_HIDDEN: 'y' });
        // And a second note written as the module writes it.
        const other = (await s
          .db('b_ticket_message')
          .where({ IS_HIDDEN: 'N', IS_LOG: 'N' })
          .orderBy('ID', 'desc')
          .first('ID')) as { ID: number };
        await s.db('b_ticket_message').where('ID', other.ID).update({ IS_HIDDEN: 'Y' });
      },
      sync: true,
    });
  });
  afterAll(async () => {
    await t.drop();
  });

  it("agrees with Node's rule on a lowercase flag, and still flags the module's own notes", async () => {
    const native = (await t.db('b_ticket_message').where('ID', noteId).first()) as NativeMessage;
    expect(native.IS_HIDDEN).toBe('y');
    const mirrored = (await t.db('bl_support_message').where('id', noteId).first('is_internal')) as {
      is_internal: number;
    };
    expect(mirrored.is_internal).toBe(isHidden(native) ? 1 : 0);
    expect(mirrored.is_internal).toBe(0);
    const others = (await t
      .db('b_ticket_message as m')
      .join('bl_support_message as b', 'b.id', 'm.ID')
      .where('m.IS_HIDDEN', 'Y')
      .whereNot('m.ID', noteId)
      .select(t.db.raw('CAST(m.IS_HIDDEN AS BINARY) AS flag'), 'b.is_internal')) as Array<{
      flag: Buffer;
      is_internal: number;
    }>;
    expect(others.length).toBeGreaterThan(0);
    for (const row of others) expect(row.is_internal).toBe(row.flag.toString() === 'Y' ? 1 : 0);
  });
});
