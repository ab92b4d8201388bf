import { existsSync } from 'node:fs';
import { parseHost, readBitrixCacheSettings, readBitrixDbTarget } from '../../bridge/bitrixSettings';
import { loadBitrixFixture } from '../../fixtures/seed';
import { runCli } from '../helpers/cli';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { siteRoot } from '../helpers/siteRoot';
import { rawRows } from '../../core/rawRows';

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

  it('reads dbconn.php written with the short open tag, as Bitrix installers write it', () => {
    const root = siteRoot({
      'bitrix/php_interface/dbconn.php': `<?
define("BX_USE_MYSQLI", true);
$DBDebug = false;
$DBHost = "localhost";
$DBLogin = "bitrix0";
$DBPassword = "secret";
$DBName = "sitemanager";
define("BX_PERSONAL_ROOT", "/bitrix");
@umask(~BX_DIR_PERMISSIONS);
?>`,
    });
    expect(readBitrixDbTarget(root)).toEqual({
      host: '127.0.0.1',
      port: 3306,
      user: 'bitrix0',
      password: 'secret',
      database: 'sitemanager',
    });
  });

  it('reads .settings.php whose other sections hold constant expressions (E_ALL & ~E_NOTICE)', () => {
    const root = siteRoot({
      'bitrix/.settings.php': `<?php
return array (
  'exception_handling' => array ('value' => array (
      'debug' => false,
      'handled_errors_types' => E_ALL & ~E_NOTICE & ~E_STRICT & ~E_USER_NOTICE,
      'exception_errors_types' => E_ALL & ~E_NOTICE & ~E_WARNING & ~E_STRICT & ~E_USER_WARNING & ~E_USER_NOTICE & ~E_COMPILE_WARNING,
      'log' => array ('settings' => array ('file' => $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/error.log')),
    ), 'readonly' => false),
  'connections' => array ('value' => array ('default' => array (
        'className' => '\\Bitrix\\Main\\DB\\MysqliConnection',
        'host' => 'db.internal:3307', 'database' => 'shop', 'login' => 'shop', 'password' => 'pw',
        'options' => 2.0)), 'readonly' => true),
  'cache' => array ('value' => array ('type' => 'memcache', 'memcache' => array ('host' => 'unix:///tmp/memcached.sock', 'port' => '0'))),
);`,
    });
    expect(readBitrixDbTarget(root)).toEqual({
      host: 'db.internal',
      port: 3307,
      user: 'shop',
      password: 'pw',
      database: 'shop',
    });
    expect(readBitrixCacheSettings(root)).toEqual({ type: 'memcache', personalRoot: '/bitrix' });
  });

  it('a socket host is used as a socket, not silently as TCP 127.0.0.1', () => {
    expect(parseHost('localhost:/var/lib/mysqld/mysqld.sock')).toEqual({
      host: 'localhost',
      port: 3306,
      socketPath: '/var/lib/mysqld/mysqld.sock',
    });
    expect(parseHost(':/tmp/mysql.sock').socketPath).toBe('/tmp/mysql.sock');
    expect(parseHost('p:db.internal:3307')).toEqual({ host: 'db.internal', port: 3307 });
    expect(parseHost('[::1]:3307')).toEqual({ host: '::1', port: 3307 });
  });

  it('connects through the socket named in dbconn.php', async () => {
    const rows = await rawRows<{ s: string }>(t.db, 'SELECT @@socket AS s');
    const socket = rows[0].s;
    // The test server runs on this machine (the shared one or a private mariadbd): its socket is here.
    expect(existsSync(socket)).toBe(true);
    const { user, password, database } = t.target;
    const root = siteRoot({
      'bitrix/php_interface/dbconn.php': `<?
$DBHost = "localhost:${socket}";
$DBLogin = "${user}";
$DBPassword = "${password}";
$DBName = "${database}";
`,
    });
    expect(readBitrixDbTarget(root).socketPath).toBe(socket);
    const result = await runCli(['status', '--bitrix-root', root, '--json']);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout).connection).toContain(`socket=${socket}`);
  });

  it('a password that is not a literal is an error naming the file and the line', async () => {
    const root = siteRoot({
      'bitrix/php_interface/dbconn.php': `<?
$DBHost = "localhost";
$DBLogin = "bitrix0";
$DBPassword = getenv("BITRIX_DB_PASSWORD");
$DBName = "sitemanager";
`,
    });
    const result = await runCli(['status', '--bitrix-root', root]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(
      'dbconn.php line 4: $DBPassword is a function call (getenv), not a literal value',
    );
    expect(result.stderr).toContain('--db mysql://');
    const settings = siteRoot({
      'bitrix/.settings.php': `<?php
return ['connections' => ['value' => ['default' => [
  'host' => 'localhost', 'database' => 'shop', 'login' => 'shop',
  'password' => $_ENV['DB_PASSWORD'],
]]]];`,
    });
    expect(() => readBitrixDbTarget(settings)).toThrow(/\.settings\.php line 4: 'password' is an expression/);
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
