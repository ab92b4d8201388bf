import { FixedClock } from '../../core/clock';
import { shortText } from '../../core/dbErrorText';
import { mailOnce } from '../../mail/mailOnce';
import { describeSendError } from '../../mail/mailErrors';
import { TestDatabase } from '../helpers/db';
import { installedSite, mailDeps, msk, queueEvent, testConfig } from './helpers/mailEnv';

/**
 * `last_error` is short and whole: what failed, never the SQL statement, cut only between characters.
 */
describe('last_error', () => {
  it('a database error is described by what failed, without the statement, within 300 characters', () => {
    const driverError = Object.assign(new Error('select … - ' + 'x'.repeat(2000)), {
      code: 'ER_NO_SUCH_TABLE',
      errno: 1146,
      sqlMessage: "Table 'shop.b_user' doesn't exist",
      sql: 'select `ID`, `EMAIL` from `b_user` where `ID` in (' + '1, '.repeat(500) + '1)',
    });
    const text = describeSendError(driverError);
    expect(text).toBe(
      "table b_user is missing: is this the site's database, with the support module installed?",
    );
    expect(text).not.toMatch(/select|from `/i);
  });

  it('a long reply is cut between characters, never inside one', () => {
    const smtpError = { responseCode: 451, response: `451 4.3.0 ${'Ошибка 😀 '.repeat(200)}` };
    const text = describeSendError(smtpError);
    expect(Array.from(text).length).toBeLessThanOrEqual(300);
    expect(text.endsWith('…')).toBe(true);
    // No lone surrogate: the text survives a round trip through UTF-8.
    expect(Buffer.from(text, 'utf8').toString('utf8')).toBe(text);
    expect(shortText('ab😀cd', 3)).toBe('ab…');
    expect(shortText('a😀😀', 3)).toBe('a😀😀');
  });

  describe('in the outbox', () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await installedSite();
    });
    afterAll(async () => {
      await t.db.raw('RENAME TABLE b_user_gone TO b_user').catch(() => undefined);
      await t.drop();
    });

    it('holds the description when reading the facts fails, not the statement', async () => {
      const clock = new FixedClock(msk('2024-03-12 11:00:00'));
      await queueEvent(
        t,
        { eventKey: 'closed:1:facts', eventType: 'SUPPORT_TICKET_CLOSED', ticketId: 1 },
        clock.now(),
      );
      await t.db.raw('RENAME TABLE b_user TO b_user_gone');
      const deps = await mailDeps(t, {
        config: testConfig({ mail: { smtpUrl: 'smtp://127.0.0.1:1' } }),
        clock,
      });
      try {
        expect(await mailOnce(deps)).toMatchObject({ claimed: 1, sent: 0, retried: 1 });
      } finally {
        await deps.transport.close();
        await t.db.raw('RENAME TABLE b_user_gone TO b_user');
      }
      const row = await t
        .db('bl_support_outbox')
        .where('event_key', 'closed:1:facts')
        .first('state', 'last_error');
      expect(row.state).toBe('pending');
      expect(row.last_error).toBe(
        "table b_user is missing: is this the site's database, with the support module installed?",
      );
    });
  });
});
