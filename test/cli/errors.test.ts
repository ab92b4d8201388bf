import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { formatDbUrl } from '../../core/dbUrl';
import { instantToUtc } from '../../core/time';
import { loadBitrixFixture } from '../../fixtures/seed';
import { CLI_PATH, runCli } from '../helpers/cli';
import { createTestDatabase, serverTarget, TestDatabase } from '../helpers/db';

/** Errors a person can act on: one line, what failed and the fix, exit 2, never SQL nor a stack trace. */
function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/select |insert into|update `|\n\s+at /i);
  return lines[0];
}

/** Runs the CLI with its stdout already closed by the reader, as `| head -1` does. */
function runWithClosedStdout(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], {
      env: { ...stripBxsup(process.env), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

function stripBxsup(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !k.startsWith('BXSUP_')) out[k] = v;
  return out;
}

describe('errors a person can act on', () => {
  let bare: TestDatabase;
  let site: TestDatabase;

  beforeAll(async () => {
    [bare, site] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    await Promise.all([loadBitrixFixture(bare.db), loadBitrixFixture(site.db)]);
    expect((await runCli(['install', '--db', site.url, '--yes'])).code).toBe(0);
    expect((await runCli(['sync', '--once', '--db', site.url])).code).toBe(0);
  }, 60000);

  afterAll(async () => {
    await bare?.drop();
    await site?.drop();
  });

  it.each([
    [['escalate', '--once']],
    [['mail', '--once']],
    [['queue']],
    [['report']],
    [['templates', 'list']],
  ])(
    '%j on a database without bxsup: exit 2, "bxsup is not installed in <db>: run bxsup install"',
    async (args) => {
      const result = await runCli([...args, '--db', bare.url]);
      expect(result.code).toBe(2);
      expect(oneLine(result.stderr)).toBe(`bxsup: bxsup is not installed in ${bare.name}: run bxsup install`);
    },
  );

  describe('a database user without the privileges', () => {
    const user = `bxsup_ro_${randomBytes(3).toString('hex')}`;
    const password = 'Read-0nly';
    let url: string;
    beforeAll(async () => {
      await site.db.raw(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
      await site.db.raw(`GRANT SELECT ON \`${site.name}\`.* TO '${user}'@'%'`);
      url = formatDbUrl({ ...site.target, user, password, host: serverTarget().host });
    });
    afterAll(async () => {
      await site.db.raw(`DROP USER IF EXISTS '${user}'@'%'`);
    });

    it.each([[['run']], [['sync', '--once']], [['escalate', '--once']], [['mail', '--once']]])(
      '%j: exit 2 before any work, with the exact GRANT',
      async (args) => {
        const result = await runCli([...args, '--db', url], {
          env: { BXSUP_SMTP_URL: 'smtp://127.0.0.1:1' },
        });
        expect(result.code).toBe(2);
        expect(oneLine(result.stderr)).toBe(
          `bxsup: user '${user}' lacks INSERT, UPDATE, DELETE on database '${site.name}': run GRANT SELECT, INSERT, UPDATE, DELETE ON \`${site.name}\`.* TO '${user}'@'%';`,
        );
        expect(result.stderr).not.toContain(password);
      },
    );
  });

  it.each([
    [['status']],
    [['report', '--from', '2024-03-01', '--to', '2024-03-12']],
    [['templates', 'list']],
    [['install', '--dry-run']],
  ])('%j into a closed pipe ends quietly: no EPIPE, no stack trace', async (args) => {
    const result = await runWithClosedStdout([...args, '--db', args[0] === 'install' ? bare.url : site.url], {
      BXSUP_SMTP_URL: 'smtp://127.0.0.1:1',
    });
    expect(result.stderr).toBe('');
    expect([0, 1]).toContain(result.code);
  });

  it("a raw '%' in the database password: exit 2 and how to write it", async () => {
    const target = serverTarget();
    const result = await runCli([
      'status',
      '--db',
      `mysql://root:pa%ss@${target.host}:${target.port}/${site.name}`,
    ]);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toBe(
      "bxsup: the password in the --db URL holds a '%' that is not URL-encoded: write each % as %25 (e.g. a password p%ss becomes p%25ss)",
    );
  });

  it('an unknown BXSUP_* variable is warned about, naming the known ones; the command still works', async () => {
    const result = await runCli(['status', '--json'], {
      env: { BXSUP_DB_ULR: site.url, BXSUP_DB_URL: site.url, BXSUP_SMTP_URL: 'smtp://127.0.0.1:1' },
    });
    expect(JSON.parse(result.stdout).connection).toContain(site.name);
    expect(result.stderr).toMatch(
      /warn unknown environment variable BXSUP_DB_ULR is ignored \(bxsup reads BXSUP_DB_URL, BXSUP_SMTP_URL, BXSUP_SITE_URL, BXSUP_CONFIG, BXSUP_DEBUG, BXSUP_OPERATOR_ID, BXSUP_SYSTEMD_DIR\)/,
    );
  });

  it('templates add with a 5,000-character title: a limit, not an SQL error; nothing stored', async () => {
    const result = await runCli([
      'templates',
      'add',
      'long',
      '--language',
      'en',
      '--title',
      'T'.repeat(5000),
      '--body',
      'Hello #CUSTOMER_NAME#',
      '--db',
      site.url,
    ]);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toBe(
      'bxsup: template long (en): the title is 5000 characters long; at most 255: shorten it',
    );
    expect(await site.db('bl_support_templates').where('code', 'long').count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('uninstall (and --purge) while a daemon heartbeats: refused without --force, done with it', async () => {
    const beat = instantToUtc(new Date());
    await site.db('bl_support_daemon').insert({
      instance_id: 'web9:4242:abcdef',
      host: 'web9',
      pid: 4242,
      version: 'x',
      started_at: beat,
      heartbeat_at: beat,
    });
    for (const extra of [[], ['--purge']]) {
      const refused = await runCli(['uninstall', '--db', site.url, '--yes', ...extra]);
      expect(refused.code).toBe(2);
      expect(oneLine(refused.stderr)).toMatch(
        /^bxsup: a bxsup daemon still works on this database \(web9 pid 4242, heartbeat \d+ s ago\): stop it first \(systemctl stop bxsup\), or pass --force$/,
      );
    }
    expect(await site.db('bl_support_daemon').count({ n: '*' })).toEqual([{ n: 1 }]);
    const forced = await runCli(['uninstall', '--db', site.url, '--yes', '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/warn a bxsup daemon still works on this database \(web9 pid 4242/);
    expect(forced.stdout).toMatch(/removed: /);
  });
});
