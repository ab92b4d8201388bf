import { escape } from 'mysql2';
import { sqlJson, sqlText, sqlValue } from '../../core/sqlValues';
import { rawRows } from '../../core/rawRows';
import { createTestDatabase, TestDatabase } from '../helpers/db';

/**
 * The literals the batch statements are built from (core/sqlValues.ts) reach the server as the values
 * they stand for: text and JSON with every character the driver escapes (quotes, backslashes, control
 * characters, Cyrillic, emoji) read back equal, and JSON's literal is the driver's own but for the
 * double quotes the driver escapes needlessly.
 */
const AWKWARD = `it's "quoted" \\ back\\slash \\' \n\r\t\b\0\x1a end ñ ё 😀 ?? :name`;
const VALUES: unknown[] = [
  { text: AWKWARD, list: [1, null, 'x'], nested: { q: "'", b: '\\', n: '\n' } },
  AWKWARD,
  ["'", '\\', "\\'", '"', '\\"', '\u2028', '\ud800'],
  null,
  0,
];

describe('SQL literals', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t.drop());

  it('reads back what sqlText and sqlValue wrote', async () => {
    const [row] = await rawRows<{ a: string; b: string; c: string | null; d: string }>(
      t.db,
      `SELECT ${sqlText(AWKWARD)} AS a, ${sqlValue(AWKWARD)} AS b, ${sqlValue(null)} AS c, ${sqlValue(12.5)} AS d`,
    );
    expect(row).toEqual({ a: AWKWARD, b: AWKWARD, c: null, d: '12.5' });
  });

  it.each(VALUES.map((v) => [JSON.stringify(v), v]))('reads back the JSON text of %s', async (_, value) => {
    const json = JSON.stringify(value);
    const [row] = await rawRows<{ v: string }>(t.db, `SELECT ${sqlJson(value)} AS v`);
    expect(row.v).toBe(json);
    expect(JSON.parse(row.v)).toEqual(value);
    expect(sqlJson(value)).toBe(escape(json).replace(/\\"/g, '"'));
  });
});
