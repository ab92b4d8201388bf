import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const ESLINT = path.join(ROOT, 'node_modules/eslint/bin/eslint.js');

/** Lints `source` as if it were the file `as`, with the project's own config; returns the rule ids hit. */
async function ruleHits(as: string, source: string): Promise<string[]> {
  const linting = run(process.execPath, [ESLINT, '--format', 'json', '--stdin', '--stdin-filename', as], {
    cwd: ROOT,
  });
  linting.child.stdin?.end(source);
  // eslint exits 1 when it finds problems; its JSON report is on stdout either way.
  const { stdout } = await linting.catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '[]' }));
  const [result] = JSON.parse(stdout) as Array<{
    messages: Array<{ ruleId: string | null; message: string }>;
  }>;
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('the table-ownership lint rule (lint/tableOwners.mjs)', () => {
  const query = "export const q = 'SELECT id FROM bl_support_outbox WHERE state = ?';\n";

  it('fails a file that names a shared table it does not own, and names the owner', async () => {
    const hits = await ruleHits('queue/notTheOwner.ts', query);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatch(/^bxsup\/table-owner: bl_support_outbox belongs to .*store\/outbox\//);
  });

  it('passes the owner, the migrations and the tests', async () => {
    expect(await ruleHits('store/outbox/claim.ts', query)).toEqual([]);
    expect(await ruleHits('schema/migrations/999_example.ts', query)).toEqual([]);
    expect(await ruleHits('test/sync/example.test.ts', query)).toEqual([]);
  });

  it('checks SQL templates and matches whole table names only', async () => {
    const template = 'export const q = (n: number) => `UPDATE bl_support_cursor SET value = ${n}`;\n';
    expect(await ruleHits('queue/notTheOwner.ts', template)).toHaveLength(1);
    const indexName = "export const hint = 'FORCE INDEX (bl_support_outbox_due)';\n";
    expect(await ruleHits('queue/notTheOwner.ts', indexName)).toEqual([]);
  });

  it('fails a cursor name spelled outside store/cursors.ts, and passes it there', async () => {
    const byHand = "export const baseline = { name: 'baseline_ticket' };\n";
    const hits = await ruleHits('schema/install.ts', byHand);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatch(/^bxsup\/table-owner: 'baseline_ticket' is spelled only in store\/cursors\.ts/);
    expect(await ruleHits('store/cursors.ts', byHand)).toEqual([]);
    const inSql = "export const q = `SELECT value FROM t WHERE name = 'reconcile_position'`;\n";
    expect(await ruleHits('status/notTheOwner.ts', inSql)).toHaveLength(1);
  });

  it('fails a write of an SLA column outside store/slaColumns.ts, and passes reads and the owner', async () => {
    const rawWrite =
      'export const q = (id: number) => `UPDATE bl_support_ticket SET sla_stale = 1 WHERE id = ${id}`;\n';
    const hits = await ruleHits('escalator/state/notTheOwner.ts', rawWrite);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatch(/^bxsup\/table-owner: sla_stale is written only by store\/slaColumns\.ts/);
    expect(await ruleHits('store/slaColumns.ts', rawWrite)).toEqual([]);
    const builderWrite =
      "import { Knex } from 'knex';\ndeclare const db: Knex;\nexport const w = () => db('bl_support_ticket').where({ id: 1 }).update({ next_due_at: null });\n";
    expect(await ruleHits('sync/notTheOwner.ts', builderWrite)).toHaveLength(1);
    const read = "export const q = 'SELECT id, next_due_at FROM bl_support_ticket WHERE sla_stale = 1';\n";
    expect(await ruleHits('status/notTheOwner.ts', read)).toEqual([]);
  });

  it('fails a write of the ticket history outside store/ticketEvents.ts, and passes it there', async () => {
    const append =
      "import { Knex } from 'knex';\ndeclare const trx: Knex.Transaction;\n" +
      "export const w = () => trx('bl_support_ticket_event').insert({ ticket_id: 1, kind: 'created' });\n";
    const hits = await ruleHits('sync/store/ticketHistory.ts', append);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatch(
      /^bxsup\/table-owner: bl_support_ticket_event belongs to store\/ticketEvents\.ts/,
    );
    expect(await ruleHits('escalator/agent/notTheOwner.ts', append)).toHaveLength(1);
    expect(await ruleHits('store/ticketEvents.ts', append)).toEqual([]);
  });

  it('fails an SLA column in an INSERT column list kept in a constant, and passes the names the owner gives', async () => {
    const columnList =
      "const COLUMNS = ['id', 'subject', 'sla_deadline'];\n" +
      'export const q = (fresh: boolean, values: string) => {\n' +
      "  const columns = fresh ? [...COLUMNS, 'sla_stale'] : COLUMNS;\n" +
      "  return `INSERT INTO bl_support_ticket (${columns.join(', ')}) VALUES ${values}`;\n" +
      '};\n';
    const hits = await ruleHits('sync/store/notTheOwner.ts', columnList);
    expect(hits).toHaveLength(2);
    expect(hits[0]).toMatch(/^bxsup\/table-owner: sla_deadline is written only by store\/slaColumns\.ts/);
    expect(hits[1]).toMatch(/^bxsup\/table-owner: sla_stale is written only by store\/slaColumns\.ts/);
    expect(await ruleHits('store/slaColumns.ts', columnList)).toEqual([]);

    const concatenated =
      "const COLUMNS = ['id', 'next_due_at'];\n" +
      "export const q = (v: string) => 'INSERT INTO bl_support_ticket (' + COLUMNS.join(', ') + ') VALUES ' + v;\n";
    expect(await ruleHits('sync/store/notTheOwner.ts', concatenated)).toHaveLength(1);
    const patch =
      "import { Knex } from 'knex';\ndeclare const db: Knex;\nconst patch = { sla_stale: 1 };\n" +
      "export const w = () => db('bl_support_ticket').where({ id: 1 }).update(patch);\n";
    expect(await ruleHits('sync/notTheOwner.ts', patch)).toHaveLength(1);

    const read =
      "const COLUMNS = ['id', 'sla_deadline'];\nexport const q = `SELECT ${COLUMNS.join(', ')} FROM bl_support_ticket`;\n";
    expect(await ruleHits('status/notTheOwner.ts', read)).toEqual([]);
    const fromOwner =
      "import { FIRST_DEADLINES } from '../../store/slaColumns';\nconst COLUMNS = ['id', ...FIRST_DEADLINES];\n" +
      "export const q = `INSERT INTO bl_support_ticket (${COLUMNS.join(', ')}) VALUES (1, NULL, NULL)`;\n";
    expect(await ruleHits('sync/store/notTheOwner.ts', fromOwner)).toEqual([]);
  });
});
