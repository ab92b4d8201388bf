import { FIXTURE_SHAPES, loadBitrixFixture } from '../../fixtures/seed';
import { runCli } from '../helpers/cli';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { dumpDatabase } from '../helpers/dump';

/**
 * main 18.x: b_event_type has no EVENT_TYPE (and this shape also lacks the LANGUAGE_ID of later
 * versions). Install probes the columns of every native table it writes and writes only those; the dry
 * run prints what the install really runs; status tells an incomplete install from a complete one.
 */
describe('install on the main-18 schema', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase(FIXTURE_SHAPES.main18);
    await loadBitrixFixture(t.db, { shape: 'main18' });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('the dry run prints rows without the columns the site lacks, and says why', async () => {
    const before = await dumpDatabase(t.db);
    const result = await runCli(['install', '--db', t.url, '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /checking the database: ok \(.*an older Bitrix schema \(b_event_type without EVENT_TYPE; b_event_message without LANGUAGE_ID; b_event without LANGUAGE_ID\): rows are written without those columns/,
    );
    expect(result.stdout).toContain(
      "INSERT INTO b_event_type (LID, EVENT_NAME, NAME, DESCRIPTION, SORT) VALUES ('ru', 'SUPPORT_TICKET_CREATED'",
    );
    expect(result.stdout).not.toContain('EVENT_TYPE)');
    expect(result.stdout).toMatch(
      /INSERT INTO b_event_message \(EVENT_NAME, LID, ACTIVE, EMAIL_FROM, EMAIL_TO, SUBJECT, MESSAGE, BODY_TYPE, IN_REPLY_TO\) VALUES/,
    );
    expect(await dumpDatabase(t.db)).toBe(before);
  });

  it('installs every step, and status finds the install complete', async () => {
    const result = await runCli(['install', '--db', t.url, '--yes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/mail event types: registered 24 Bitrix mail event types and templates/);
    expect(await t.db('b_event_type').where('EVENT_NAME', 'like', 'SUPPORT\\_%').count({ n: '*' })).toEqual([
      { n: 12 },
    ]);
    const status = await runCli(['status', '--db', t.url, '--json']);
    const report = JSON.parse(status.stdout);
    expect(report.install).toMatchObject({ complete: true, missing: [] });
    expect(report.problems.join('\n')).not.toMatch(/incomplete install/);
  });

  it('status reports an install that is missing parts, and install repairs them', async () => {
    await t.db('b_event_type').where({ EVENT_NAME: 'SUPPORT_TICKET_REPLY', LID: 'en' }).delete();
    await t.db('b_user_field').where('FIELD_NAME', 'UF_TICKET_NUMBER').update({ EDIT_IN_LIST: 'Y' });
    const status = await runCli(['status', '--db', t.url]);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(
      /problem: incomplete install: mail event types: mail event type SUPPORT_TICKET_REPLY \(en\) missing: run bxsup install/,
    );
    expect(status.stdout).toMatch(
      /problem: incomplete install: ticket user fields: UF_TICKET_NUMBER flags EDIT_IN_LIST='N' missing: run bxsup install/,
    );
    expect((await runCli(['install', '--db', t.url, '--yes'])).code).toBe(0);
    const again = JSON.parse((await runCli(['status', '--db', t.url, '--json'])).stdout);
    expect(again.install.complete).toBe(true);
  });
});
