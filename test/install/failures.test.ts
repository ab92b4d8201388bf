import { randomBytes } from 'node:crypto';
import { openDb } from '../../core/db';
import { formatDbUrl } from '../../core/dbUrl';
import { loadBitrixFixture } from '../../fixtures/seed';
import { runCli } from '../helpers/cli';
import { createTestDatabase, serverTarget, TestDatabase } from '../helpers/db';
import { dumpDatabase } from '../helpers/dump';

/** Bad input gets one line on stderr that says how to fix it, exit code 2, and changes nothing. */
function expectOneLine(stderr: string): void {
  expect(stderr.trim().split('\n')).toHaveLength(1);
}

describe('install refuses what it must not touch', () => {
  let bitrix: TestDatabase;
  let plain: TestDatabase;
  const user = `bxsup_noalter_${randomBytes(3).toString('hex')}`;
  const password = 'S3cret-noalter';

  beforeAll(async () => {
    bitrix = await createTestDatabase();
    await loadBitrixFixture(bitrix.db);
    plain = await createTestDatabase();
    await plain.db.raw('CREATE TABLE shop_items (id INT PRIMARY KEY)');
    await bitrix.db.raw(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
    await bitrix.db.raw(
      `GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, INDEX, DROP ON \`${bitrix.name}\`.* TO '${user}'@'%'`,
    );
  });
  afterAll(async () => {
    await bitrix.db.raw(`DROP USER IF EXISTS '${user}'@'%'`);
    await bitrix.drop();
    await plain.drop();
  });

  it('a database that is not Bitrix exits 2 naming the missing table', async () => {
    const before = await dumpDatabase(plain.db);
    const result = await runCli(['install', '--db', plain.url, '--yes']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'not a Bitrix database with the support module (table b_ticket not found)',
    );
    expectOneLine(result.stderr);
    expect(await dumpDatabase(plain.db)).toBe(before);
  });

  it('a wrong password exits 2, says to check the credentials, and never prints the password', async () => {
    const url = formatDbUrl({ ...bitrix.target, user: 'root', password: 'Wr0ng-Passw0rd' });
    const result = await runCli(['install', '--db', url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/access denied for user 'root'.*check the user and password/);
    expect(result.stderr + result.stdout).not.toContain('Wr0ng-Passw0rd');
    expectOneLine(result.stderr);
  });

  it('a user without ALTER exits 2 and prints the GRANT to run', async () => {
    const before = await dumpDatabase(bitrix.db);
    const url = formatDbUrl({ ...bitrix.target, user, password, host: serverTarget().host });
    const result = await runCli(['install', '--db', url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`lacks ALTER on database '${bitrix.name}'`);
    expect(result.stderr).toMatch(
      new RegExp(
        `GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP ON \`${bitrix.name}\`\\.\\* TO '${user}'@'%';`,
      ),
    );
    expect(result.stderr).not.toContain(password);
    expectOneLine(result.stderr);
    expect(await dumpDatabase(bitrix.db)).toBe(before);
  });

  it('an unreachable server exits 2 naming host and port', async () => {
    const url = formatDbUrl({ ...bitrix.target, host: '127.0.0.1', port: 1 });
    const result = await runCli(['install', '--db', url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot reach the database server at 127\.0\.0\.1:1/);
    expectOneLine(result.stderr);
  });

  it('no database at all is a usage error that lists the ways to give one', async () => {
    const result = await runCli(['install']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no database given: pass --db .*BXSUP_DB_URL.*--bitrix-root/);
  });

  it('a bad config key is named', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/bxsup-config-');
    writeFileSync(`${dir}/bxsup.config.json`, JSON.stringify({ sync: { pollIntervalMs: 'fast' } }));
    const result = await runCli(['status', '--db', bitrix.url], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bxsup\.config\.json: sync\.pollIntervalMs: expected number/);
    writeFileSync(`${dir}/bxsup.config.json`, JSON.stringify({ sink: { x: 1 } }));
    const unknown = await runCli(['status', '--db', bitrix.url], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/sink: unknown key/);
  });

  it('the server refuses ALTER for that user, so the check is not a formality', async () => {
    const limited = openDb({ ...bitrix.target, user, password }, { poolMax: 1 });
    try {
      await expect(limited.raw('ALTER TABLE b_ticket ADD COLUMN X_PROBE INT')).rejects.toThrow(
        /ALTER command denied/,
      );
    } finally {
      await limited.destroy();
    }
  });
});
