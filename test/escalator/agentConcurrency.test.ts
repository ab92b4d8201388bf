import { FIXTURE } from '../../fixtures/seed';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Db } from '../../core/db';
import { generateTickets } from '../../fixtures/generate';
import { CLI_PATH, runCli } from '../helpers/cli';
import { FIXTURE_ZONE, REFERENCE_TIME } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { escalationSite, msk, Site } from './agentHarness';

/**
 * The "once" guarantees with real processes: two `bxsup escalate --once` started together, and one
 * killed (SIGKILL) half-way then run again, end with exactly the rows and native effects of a single
 * uninterrupted pass on an identical site. 200 unanswered tickets created after the install; the pass
 * runs two days later, when every first reply is breached (a breach raises the criticality and writes
 * a log line) and many resolution targets are warned or breached too.
 */
const NOW = '2024-03-14T12:00:00.000Z';
const TICKETS = 200;

async function site(): Promise<Site> {
  const s = await escalationSite();
  await s.sync(new Date(REFERENCE_TIME));
  await generateTickets(s.t.db, {
    tickets: TICKETS,
    messagesPerTicket: 1,
    zone: FIXTURE_ZONE,
    startAt: msk('2024-03-12 11:00:00'),
    closedPercent: 0,
  });
  await s.sync(msk('2024-03-12 15:00:00'));
  return s;
}

function configFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bxsup-escalate-'));
  const file = path.join(dir, 'bxsup.config.json');
  writeFileSync(file, JSON.stringify({ site: { timeZone: FIXTURE_ZONE }, log: { level: 'warn' } }));
  return file;
}

const escalate = (t: TestDatabase, config: string) =>
  runCli(['escalate', '--once', '--now', NOW, '--db', t.url, '--config', config, '--json']);

/** Everything the pass writes, as comparable text (auto-increment IDs left out). */
async function effects(db: Db): Promise<string> {
  const parts: string[] = [];
  for (const r of await db('bl_support_escalation')
    .orderBy(['ticket_id', 'target', 'level', 'cycle'])
    .select('*')) {
    const { id: _id, actions, ...rest } = r as Record<string, unknown>;
    const { logMessageId: _log, ...what } = JSON.parse(String(actions)) as Record<string, unknown>;
    parts.push(`escalation ${JSON.stringify({ ...rest, what })}`);
  }
  for (const r of await db('bl_support_outbox')
    .where('event_type', 'like', 'SUPPORT\\_SLA%')
    .orderBy('event_key')
    .select('event_key', 'event_type', 'ticket_id', 'payload'))
    parts.push(`outbox ${JSON.stringify(r)}`);
  for (const r of await db('b_ticket')
    .orderBy('ID')
    .select('ID', 'CRITICALITY_ID', 'RESPONSIBLE_USER_ID', 'TIMESTAMP_X', 'MODIFIED_MODULE_NAME'))
    parts.push(`b_ticket ${JSON.stringify(r)}`);
  for (const r of await db('b_ticket_message')
    .where('CREATED_MODULE_NAME', 'bxsup')
    .orderBy(['TICKET_ID', 'C_NUMBER'])
    .select('TICKET_ID', 'C_NUMBER', 'MESSAGE'))
    parts.push(`log ${JSON.stringify(r)}`);
  for (const r of await db('bl_support_ticket')
    .orderBy('id')
    .select('id', 'priority', 'next_due_at', 'escalation_level'))
    parts.push(`mirror ${JSON.stringify(r)}`);
  return parts.join('\n');
}

describe('escalate --once in real processes', () => {
  let reference: Site;
  let expected: string;
  let config: string;

  beforeAll(async () => {
    config = configFile();
    reference = await site();
    const result = await escalate(reference.t, config);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ ran: true, failed: 0 });
    expected = await effects(reference.t.db);
  });
  afterAll(async () => {
    await reference.t.drop();
  });

  it('the reference pass raised each ticket one step at most, with one log line each', async () => {
    const raises = () =>
      reference.t
        .db('b_ticket_message')
        .where('CREATED_MODULE_NAME', 'bxsup')
        .andWhere((q) =>
          q.where('MESSAGE', 'like', '%критичность: %').orWhere('MESSAGE', 'like', '%priority: %'),
        );
    const raised = await raises().countDistinct({ n: 'TICKET_ID' });
    const logs = await raises().count({ n: '*' });
    expect(Number(raised[0].n)).toBeGreaterThanOrEqual(TICKETS / 2);
    // Both targets are breached in the same pass: the second breach was reached before the agent's own
    // raise, so it notifies without raising again (no cascade).
    expect(Number(logs[0].n)).toBe(Number(raised[0].n));
    // Tickets already High are not raised: their breaches say so, and their criticality stays the top one.
    const noted = await reference.t
      .db('b_ticket_message as m')
      .join('b_ticket as t', 't.ID', 'm.TICKET_ID')
      .where('m.CREATED_MODULE_NAME', 'bxsup')
      .andWhere((q) =>
        q
          .where('m.MESSAGE', 'like', '%критичность уже наивысшая%')
          .orWhere('m.MESSAGE', 'like', '%priority is already the highest%'),
      )
      .distinct('t.ID', 't.CRITICALITY_ID');
    const top = [FIXTURE.dictionary.criticality.s1.high, FIXTURE.dictionary.criticality.s2.high];
    expect(noted.length).toBeGreaterThan(0);
    for (const row of noted) expect(top).toContain(row.CRITICALITY_ID);
  });

  it('two processes started together: each action exactly once', async () => {
    const s = await site();
    try {
      const [one, two] = await Promise.all([escalate(s.t, config), escalate(s.t, config)]);
      expect([one.code, two.code]).toEqual([0, 0]);
      const ran = [one, two].map((r) => (JSON.parse(r.stdout) as { ran: boolean }).ran);
      // Usually one skips (the lock); if the second started after the first finished, it found nothing.
      expect(ran).toContain(true);
      expect(await effects(s.t.db)).toBe(expected);
    } finally {
      await s.t.drop();
    }
  });

  it('a process killed mid-pass, then a rerun: no action lost, none twice', async () => {
    const s = await site();
    try {
      const child = spawn(
        process.execPath,
        [CLI_PATH, 'escalate', '--once', '--now', NOW, '--db', s.t.url, '--config', config],
        {
          stdio: 'ignore',
        },
      );
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      // Kill it once some (not all) escalations have committed.
      for (let i = 0; i < 2000; i++) {
        const [row] = await s.t.db('bl_support_escalation').where('outcome', 'applied').count({ n: '*' });
        if (Number(row.n) >= 20) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      child.kill('SIGKILL');
      await exited;
      const partial = await s.t.db('bl_support_escalation').where('outcome', 'applied').count({ n: '*' });
      const total = await reference.t
        .db('bl_support_escalation')
        .where('outcome', 'applied')
        .count({ n: '*' });
      expect(Number(partial[0].n)).toBeGreaterThan(0);
      expect(Number(partial[0].n)).toBeLessThan(Number(total[0].n));

      const rerun = await escalate(s.t, config);
      expect(rerun.code).toBe(0);
      expect(await effects(s.t.db)).toBe(expected);
    } finally {
      await s.t.drop();
    }
  });
});
