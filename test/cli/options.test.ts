import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli';

/**
 * What every command shares: --db, --bitrix-root and --config worded alike; numbers checked by the option
 * parser (one line, exit 2, before any connection); the no-database hint showing an example URL in full
 * while real passwords in error lines stay masked. No database needed: each fails before connecting.
 */
describe('the options commands share', () => {
  let cwd: string;
  beforeAll(() => {
    // No bxsup.config.json here, so nothing names a database.
    cwd = mkdtempSync(path.join(tmpdir(), 'bxsup-options-'));
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  const COMMANDS_WITH_A_DATABASE = [
    ['install'],
    ['uninstall'],
    ['status'],
    ['sync'],
    ['run'],
    ['escalate'],
    ['mail'],
    ['mail', 'send'],
    ['mail', 'retry-dead'],
    ['mail', 'watch'],
    ['queue'],
    ['report'],
    ['templates', 'list'],
    ['templates', 'publish'],
  ];

  it.each(COMMANDS_WITH_A_DATABASE)(
    '%s %s --help: --db, --bitrix-root and --config, worded alike',
    async (...args) => {
      const help = await runCli([...args, '--help'], { cwd });
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(
        /^ {2}--db <url> +the site database,\s+mysql:\/\/user:password@host:3306\/database/m,
      );
      expect(help.stdout).toMatch(/^ {2}--bitrix-root <dir> +the site's document root: the database from/m);
      expect(help.stdout).toMatch(
        /^ {2}--config <file> +configuration file \(default \.\/bxsup\.config\.json, or/m,
      );
    },
  );

  it.each([
    [['queue', '--interval', 'soon'], 'bxsup: --interval soon: give seconds from 1 to 3600'],
    [['queue', '--watch', '--interval', '3601'], 'bxsup: --interval 3601: give seconds from 1 to 3600'],
    [['queue', '--limit', '0'], 'bxsup: --limit 0: give a number of tickets from 1 to 100000'],
    [['queue', '--limit', '100001'], 'bxsup: --limit 100001: give a number of tickets from 1 to 100000'],
    [['queue', '--assignee', 'me', '--me', 'x'], 'bxsup: --me x: give a b_user ID (a positive number)'],
    [['mail', 'retry-dead', '--id', '7', 'x7'], 'bxsup: --id x7: give outbox IDs (whole numbers)'],
    [['mail', '--retry-dead', '--id', '0'], 'bxsup: --id 0: give outbox IDs (whole numbers)'],
    [['templates', 'render', 'greeting', '--ticket', '1.5'], 'bxsup: --ticket 1.5: give a whole number'],
    [
      ['templates', 'render', 'greeting', '--ticket', '1', '--operator', '-3'],
      'bxsup: --operator -3: give a whole number',
    ],
  ])('%j: a bad number is one line and exit 2', async (args, line) => {
    const result = await runCli(args, { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`${line}\n`);
    expect(result.stdout).toBe('');
  });

  it('no database given: the hint shows its example URL with the password placeholder, unmasked', async () => {
    const result = await runCli(['status'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'bxsup: no database given: pass --db mysql://user:password@host:3306/database, set BXSUP_DB_URL, or pass --bitrix-root /path/to/site\n',
    );
  });

  it.each([
    ['mysql://root:s3cret@127.0.0.1:1/shop', 's3cret', 'mysql://root:***@127.0.0.1:1/shop'],
    // The example's credentials on a real server are a real login: masked like any other.
    ['mysql://user:password@127.0.0.1:1/shop', 'password@', 'mysql://user:***@127.0.0.1:1/shop'],
  ])('a real password in an error line is still masked: %s', async (url, secret, shown) => {
    const result = await runCli(['status', '--db', url], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`(${shown})`);
    expect(result.stderr).not.toContain(secret);
  });
});
