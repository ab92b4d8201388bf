import { Command } from 'commander';

/** Where a command finds the site: the options every command that talks to the site's database accepts. */
export interface ConnectionOptions {
  db?: string;
  bitrixRoot?: string;
  config?: string;
}

/**
 * Adds --db, --bitrix-root and --config to a command, worded once for all of them. `bitrixRootAlso`: what
 * else that command does with the site root (install places files there, uninstall clears a cache).
 */
export function addConnectionOptions(command: Command, bitrixRootAlso?: string): Command {
  return command
    .option(
      '--db <url>',
      'the site database, mysql://user:password@host:3306/database (else BXSUP_DB_URL, the config file, --bitrix-root)',
    )
    .option(
      '--bitrix-root <dir>',
      "the site's document root: the database from bitrix/.settings.php or bitrix/php_interface/dbconn.php" +
        (bitrixRootAlso ? `; ${bitrixRootAlso}` : ''),
    )
    .option('--config <file>', 'configuration file (default ./bxsup.config.json, or BXSUP_CONFIG)');
}
