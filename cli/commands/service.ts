import { existsSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../../config/config';
import { BxsupError } from '../../core/errors';
import { PACKAGE_ROOT } from '../../core/version';
import { assertConfigFilePrivate } from '../../service/configPrivacy';
import { serviceUser, serviceWarnings } from '../../service/serviceUser';
import { renderUnit, UNIT_NAME } from '../../service/systemdUnit';
import { removeUnit, unitDirectory, unitSpecFor, writeUnit } from '../../service/unitFile';
import { stdoutOutput } from '../output';

interface InstallOptions {
  user?: string;
  config?: string;
  print?: boolean;
  unitDir?: string;
  writable: string[];
}

export function serviceCommand(): Command {
  const service = new Command('service').description('run the daemon as a systemd service');
  // Subcommands take their settings when created: each needs exitOverride itself so a usage error
  // reaches handleError (exit 2) instead of commander's own process.exit.
  service
    .command('install')
    .exitOverride()
    .description(`write the systemd unit ${UNIT_NAME} that runs "bxsup run --config FILE"`)
    .option(
      '--user <name>',
      'the user the daemon runs as (default: the sudo user, else you; never root unless named)',
    )
    .option(
      '--config <file>',
      'the configuration file the daemon reads (default BXSUP_CONFIG, else ./bxsup.config.json)',
    )
    .option('--print', 'print the unit instead of writing it')
    .option('--unit-dir <dir>', 'where units live (default BXSUP_SYSTEMD_DIR, else /etc/systemd/system)')
    .option('--writable <path>', 'another path the daemon may write (repeatable)', collect, [])
    .action((opts: InstallOptions) => {
      const out = stdoutOutput();
      const configFile = resolveConfigFile(opts.config);
      // The unit passes only --config: check the file on its own, without this shell's BXSUP_* variables.
      const { config } = loadConfig({ configPath: configFile, env: {} });
      assertConfigFilePrivate(configFile);
      const user = serviceUser(opts.user);
      const unit = renderUnit(
        unitSpecFor({
          configFile,
          config,
          user,
          packageRoot: PACKAGE_ROOT,
          nodePath: process.execPath,
          writable: opts.writable,
        }),
      );
      const warnings = serviceWarnings(user, configFile);
      if (!config.db.url && !config.db.bitrixRoot) {
        warnings.push(
          `${configFile} names no database: add db.url (or db.bitrixRoot); the service sees no BXSUP_DB_URL`,
        );
      }
      for (const w of warnings) process.stderr.write(`bxsup: warning: ${w}\n`);
      if (opts.print) {
        process.stdout.write(unit);
        return;
      }
      const file = writeUnit(unitDirectory(opts.unitDir), unit);
      out.line(`wrote ${file} (runs as ${user}, config ${configFile})`);
      out.line('start it with: systemctl daemon-reload && systemctl enable --now bxsup');
      out.line('follow it with: journalctl -u bxsup -f');
    });
  service
    .command('uninstall')
    .exitOverride()
    .description(`remove the systemd unit ${UNIT_NAME} written by "service install"`)
    .option('--unit-dir <dir>', 'where units live (default BXSUP_SYSTEMD_DIR, else /etc/systemd/system)')
    .action((opts: { unitDir?: string }) => {
      const out = stdoutOutput();
      const dir = unitDirectory(opts.unitDir);
      const { file, removed } = removeUnit(dir);
      if (!removed) {
        out.line(`${file} does not exist: nothing to remove`);
        return;
      }
      out.line(`removed ${file}`);
      out.line('if it is running, stop it: systemctl stop bxsup && systemctl daemon-reload');
    });
  return service;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function resolveConfigFile(option: string | undefined): string {
  const given = option ?? process.env.BXSUP_CONFIG;
  const file = path.resolve(given ?? 'bxsup.config.json');
  if (!existsSync(file)) {
    throw new BxsupError(
      'USAGE',
      given
        ? `${file} does not exist: check the path given with --config or BXSUP_CONFIG`
        : 'the service needs a configuration file: pass --config /etc/bxsup/bxsup.config.json (with db.url in it)',
    );
  }
  return file;
}
