import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readBitrixDbTarget } from '../../bridge/bitrixSettings';
import { loadBitrixFixture } from '../../fixtures/seed';
import { runCli } from '../helpers/cli';
import { createTestDatabase, TestDatabase } from '../helpers/db';

function siteRoot(files: Record<string, string>): string {
  const root = mkdtempSync('/tmp/bxsup-site-');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

describe('--bitrix-root reads the site own PHP settings', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await loadBitrixFixture(t.db);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('reads bitrix/.settings.php (modern sites) and installs through it', async () => {
    const { host, port, user, password, database } = t.target;
    const root = siteRoot({
      'bitrix/.settings.php': `<?php
return array (
  'utf_mode' => array ('value' => true, 'readonly' => true),
  'connections' =>
  array (
    'value' =>
    array (
      'default' =>
      array (
        'className' => '\\\\Bitrix\\\\Main\\\\DB\\\\MysqliConnection',
        'host' => '${host}:${port}',
        'database' => '${database}',
        'login' => '${user}',
        'password' => '${password}' . '',
        'options' => 2,
      ),
    ),
    'readonly' => true,
  ),
);
`,
    });
    const result = await runCli(['install', '--bitrix-root', root, '--yes']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/installed/);
    expect(await t.db('b_user_field').where({ FIELD_NAME: 'UF_ORDER_ID' }).first()).toBeDefined();
  });

  it('reads the older bitrix/php_interface/dbconn.php', () => {
    const root = siteRoot({
      'bitrix/php_interface/dbconn.php': `<?php
define("DBPersistent", false);
$DBType = "mysql";
$DBHost = "db.internal:3307";
$DBLogin = "bitrix0";
$DBPassword = 'p@ss"word';
$DBName = "sitemanager";
$DBDebug = false;
define("BX_UTF", true);
`,
    });
    expect(readBitrixDbTarget(root)).toEqual({
      host: 'db.internal',
      port: 3307,
      user: 'bitrix0',
      password: 'p@ss"word',
      database: 'sitemanager',
    });
  });

  it('a site root without settings is a clear error', async () => {
    const root = siteRoot({ 'index.php': '<?php echo 1;' });
    const result = await runCli(['status', '--bitrix-root', root]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /no database settings under .*bitrix\/\.settings\.php or bitrix\/php_interface\/dbconn\.php/,
    );
  });
});
