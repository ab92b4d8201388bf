import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../core/version';
import { serviceUser } from '../../service/serviceUser';
import { renderUnit, UNIT_MARKER } from '../../service/systemdUnit';
import { unitSpecFor } from '../../service/unitFile';
import { validateConfig } from '../../config/config';
import { runCli } from '../helpers/cli';

describe('bxsup service install / uninstall', () => {
  let dir: string;
  let units: string;
  let config: string;
  const env = (): Record<string, string> => ({ BXSUP_SYSTEMD_DIR: units });

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'bxsup-service-'));
    units = path.join(dir, 'systemd');
    mkdirSync(units);
    config = path.join(dir, 'etc', 'bxsup.config.json');
    mkdirSync(path.dirname(config));
    writeFileSync(
      config,
      JSON.stringify({
        db: { url: 'mysql://bxsup:secret@127.0.0.1:3306/sitemanager' },
        mail: { transport: 'files', dir: 'outbox-mail' },
        metrics: { port: 9464 },
      }),
    );
    chmodSync(config, 0o600);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a hardened unit that runs bxsup run with the config', async () => {
    const result = await runCli(
      ['service', 'install', '--user', 'bxsup', '--config', config, '--writable', '/var/lib/bxsup'],
      {
        env: env(),
      },
    );
    expect(result.code).toBe(0);
    const file = path.join(units, 'bxsup.service');
    expect(result.stdout).toContain(`wrote ${file} (runs as bxsup, config ${config})`);
    expect(result.stdout).toContain('systemctl daemon-reload && systemctl enable --now bxsup');
    const unit = readFileSync(file, 'utf8');
    const lines = unit.split('\n');
    expect(lines[0]).toBe(UNIT_MARKER);
    const mainJs = path.join(PACKAGE_ROOT, 'dist', 'cli', 'main.js');
    expect(lines).toEqual(
      expect.arrayContaining([
        '[Unit]',
        '[Service]',
        '[Install]',
        'WantedBy=multi-user.target',
        'Type=simple',
        'User=bxsup',
        `ExecStart=${process.execPath} ${mainJs} run --config ${config}`,
        `WorkingDirectory=${path.dirname(config)}`,
        'Restart=on-failure',
        'NoNewPrivileges=yes',
        'ProtectSystem=strict',
        'ProtectHome=read-only',
        'PrivateTmp=yes',
        'PrivateDevices=yes',
        'CapabilityBoundingSet=',
        'UMask=0077',
        `ReadOnlyPaths=${config} ${PACKAGE_ROOT}`,
        `ReadWritePaths=/var/lib/bxsup ${path.join(path.dirname(config), 'outbox-mail')}`,
      ]),
    );
    expect(path.isAbsolute(process.execPath)).toBe(true);
    expect(unit).not.toMatch(/MemoryDenyWriteExecute/);
    expect(readFileSync(file).length).toBeGreaterThan(0);
  });

  it('--print prints the same unit and writes nothing', async () => {
    const result = await runCli(['service', 'install', '--user', 'bxsup', '--config', config, '--print'], {
      env: env(),
    });
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith(UNIT_MARKER)).toBe(true);
    expect(result.stdout).toContain(`run --config ${config}\n`);
    expect(existsSync(path.join(units, 'bxsup.service'))).toBe(false);
  });

  it('refuses a config file other users can read when it holds a password', async () => {
    chmodSync(config, 0o644);
    const result = await runCli(['service', 'install', '--user', 'bxsup', '--config', config], {
      env: env(),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `bxsup: ${config} holds a password (db.url) and is readable by other users (mode 644): run chmod 600 ${config}, then start again\n`,
    );
  });

  it('refuses a missing or invalid config, and a unit it did not write', async () => {
    const missing = await runCli(
      ['service', 'install', '--user', 'bxsup', '--config', path.join(dir, 'nope.json')],
      {
        env: env(),
      },
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json does not exist: check the path given with --config/);

    writeFileSync(config, JSON.stringify({ metrics: { port: 'x' } }));
    const invalid = await runCli(['service', 'install', '--user', 'bxsup', '--config', config], {
      env: env(),
    });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/metrics\.port: expected number/);

    writeFileSync(config, '{}');
    writeFileSync(path.join(units, 'bxsup.service'), '[Unit]\nDescription=someone else\n');
    const foreign = await runCli(['service', 'install', '--user', 'bxsup', '--config', config], {
      env: env(),
    });
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(
      /bxsup\.service exists and was not written by bxsup: remove or rename it first/,
    );
    const keep = await runCli(['service', 'uninstall'], { env: env() });
    expect(keep.code).toBe(2);
    expect(readFileSync(path.join(units, 'bxsup.service'), 'utf8')).toContain('someone else');
  });

  it('warns when the config names no database (the service sees no BXSUP_DB_URL)', async () => {
    writeFileSync(config, '{}');
    const result = await runCli(['service', 'install', '--user', 'bxsup', '--config', config, '--print'], {
      env: { ...env(), BXSUP_DB_URL: 'mysql://root@127.0.0.1/x' },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`warning: ${config} names no database: add db.url`);
  });

  it('uninstall removes the unit and its enablement link, and says when there is none', async () => {
    expect(
      (await runCli(['service', 'install', '--user', 'bxsup', '--config', config], { env: env() })).code,
    ).toBe(0);
    const file = path.join(units, 'bxsup.service');
    mkdirSync(path.join(units, 'multi-user.target.wants'));
    const link = path.join(units, 'multi-user.target.wants', 'bxsup.service');
    symlinkSync(file, link);
    const removed = await runCli(['service', 'uninstall'], { env: env() });
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain(`removed ${file}`);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(link)).toBe(false);
    const again = await runCli(['service', 'uninstall', '--unit-dir', units]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`${file} does not exist: nothing to remove\n`);
  });

  it('does not run as root unless asked by name', () => {
    expect(() => serviceUser(undefined, { SUDO_USER: 'root' })).toThrow(
      /would run as root: pass --user <name>/,
    );
    expect(serviceUser(undefined, { SUDO_USER: 'alice' })).toBe('alice');
    expect(serviceUser('root', {})).toBe('root');
  });
});

describe('renderUnit quoting', () => {
  const spec = {
    nodePath: '/usr/bin/node',
    mainJs: '/opt/bx sup/dist/cli/main.js',
    configFile: '/etc/bxsup/100%.json',
    user: 'bxsup',
    workingDirectory: '/etc/bxsup',
    readOnlyPaths: ['/etc/bxsup/100%.json', '/opt/bx sup'],
    readWritePaths: [],
  };

  it('quotes spaces, doubles % (a specifier) and omits an empty ReadWritePaths', () => {
    const unit = renderUnit(spec);
    expect(unit).toContain(
      'ExecStart=/usr/bin/node "/opt/bx sup/dist/cli/main.js" run --config /etc/bxsup/100%%.json\n',
    );
    expect(unit).toContain('ReadOnlyPaths=/etc/bxsup/100%%.json "/opt/bx sup"\n');
    expect(unit).not.toContain('ReadWritePaths=');
  });

  it('refuses a newline (it would inject a directive) and relative paths', () => {
    expect(() => renderUnit({ ...spec, configFile: '/etc/x.json\nExecStartPre=/bin/sh' })).toThrow(
      /control character/,
    );
    expect(() => renderUnit({ ...spec, readWritePaths: ['relative/dir'] })).toThrow(/absolute path/);
    expect(() => renderUnit({ ...spec, user: 'bad user' })).toThrow(/not a valid user name/);
  });
});

describe('the unit and the bitrix mail transport', () => {
  it("lets the daemon clear Bitrix's queue flag: the site's managed cache is writable, the rest read-only", () => {
    const config = validateConfig({ db: { bitrixRoot: '/var/www/shop' }, mail: { transport: 'bitrix' } });
    const spec = unitSpecFor({
      configFile: '/etc/bxsup/bxsup.config.json',
      config,
      user: 'bxsup',
      packageRoot: '/opt/bxsup',
      nodePath: '/usr/bin/node',
      writable: [],
    });
    expect(spec.readOnlyPaths).toContain('/var/www/shop');
    expect(spec.readWritePaths).toEqual(['/var/www/shop/bitrix/managed_cache']);
    const smtp = unitSpecFor({
      configFile: '/etc/bxsup/bxsup.config.json',
      config: validateConfig({ db: { bitrixRoot: '/var/www/shop' } }),
      user: 'bxsup',
      packageRoot: '/opt/bxsup',
      nodePath: '/usr/bin/node',
      writable: [],
    });
    expect(smtp.readWritePaths).toEqual([]);
  });
});
