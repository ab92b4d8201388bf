import { spawn } from 'node:child_process';
import { CLI_PATH, runCli } from '../helpers/cli';
import { TestDatabase } from '../helpers/db';
import { installedSite } from '../helpers/installedSite';
import { insertTickets } from '../helpers/mirroredTickets';
import { queueTickets } from './queueFixture';

describe('bxsup queue (the built CLI)', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await installedSite({ emptyMirror: true });
    // The CLI reads the real clock: deadlines are placed around it.
    await insertTickets(t.db, queueTickets(new Date()));
  });
  afterAll(async () => {
    await t.drop();
  });

  it('prints one line per open ticket, most urgent first, within the terminal width and without colour on a pipe', async () => {
    const result = await runCli(['queue', '--db', t.url], { env: { COLUMNS: '100' } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^NUMBER\s+SUBJECT\s+CUSTOMER\s+ORDER\s+PRIORITY\s+STATUS\s+ASSIGNEE\s+LEFT$/);
    const numbers = lines.slice(1, 6).map((l) => l.split(/\s+/)[0]);
    expect(numbers).toEqual([
      'SUP-20240309-0105',
      'SUP-20240312-0101',
      'SUP-20240312-0103',
      'SUP-20240311-0102',
      'SUP-20240310-0104',
    ]);
    for (const line of lines) expect(Array.from(line).length).toBeLessThanOrEqual(100);
    expect(result.stdout).not.toContain('\u001b');
    expect(lines[1]).toMatch(/-2d 00h$|-1d 23h$/);
    expect(lines[5]).toMatch(/paused$/);
    expect(result.stdout).toContain('5 shown, 2 overdue');
  });

  it('--json gives the same rows with the same filters', async () => {
    const result = await runCli(['queue', '--db', t.url, '--json', '--overdue']);
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as { filter: unknown; tickets: Array<Record<string, unknown>> };
    expect(body.filter).toEqual({ limit: 50, overdue: true });
    expect(body.tickets.map((r) => r.id)).toEqual([105, 101]);
    expect(body.tickets[1]).toMatchObject({
      number: 'SUP-20240312-0101',
      customer: 'Мария Иванова',
      orderNumber: '2024-0042',
      assigneeName: 'Ольга Смирнова',
      priority: 3,
      status: 'open',
      dueKind: 'first_reply',
      overdue: true,
    });
  });

  it('--assignee me takes the operator from BXSUP_OPERATOR_ID', async () => {
    const result = await runCli(['queue', '--db', t.url, '--json', '--assignee', 'me'], {
      env: { BXSUP_OPERATOR_ID: '3' },
    });
    expect(result.code).toBe(0);
    expect(
      (JSON.parse(result.stdout) as { tickets: Array<{ id: number }> }).tickets.map((r) => r.id),
    ).toEqual([105, 102]);
  });

  it.each([
    [
      ['--status', 'nope'],
      /^bxsup: --status nope: use one of open, in_progress, awaiting_reply, resolved, closed\n$/,
    ],
    [['--assignee', 'me'], /^bxsup: --assignee me: say who you are with --me/],
    [['--watch', '--json'], /^bxsup: --watch and --json do not go together/],
    [['--watch', '--interval', '0'], /^bxsup: --interval 0: give seconds from 1 to 3600/],
  ])('%j is a usage error: one line, exit 2', async (args, message) => {
    const result = await runCli(['queue', '--db', t.url, ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('--watch refreshes until Ctrl-C, then exits 0', async () => {
    const child = spawn(process.execPath, [CLI_PATH, 'queue', '--db', t.url, '--watch', '--interval', '1'], {
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`no second frame within 10 s: ${stdout}`)), 10_000);
      child.stdout.on('data', () => {
        if ((stdout.match(/bxsup queue at /g) ?? []).length >= 2) {
          clearTimeout(deadline);
          resolve();
        }
      });
    });
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    // Not a terminal: frames are appended, never cleared.
    expect(stdout).not.toContain('\u001b[2J');
    expect(stdout).toContain('SUP-20240312-0101');
  });
});
