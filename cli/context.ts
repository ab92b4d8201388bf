import { Clock, systemClock } from '../core/clock';
import { Config, ConfigInput, loadConfig } from '../config/config';
import { connectChecked, Db } from '../core/db';
import { DbTarget, parseDbUrl } from '../core/dbUrl';
import { BxsupError } from '../core/errors';
import { unknownVariableWarnings } from '../core/environment';
import { createLogger, Logger } from '../core/logger';
import { readBitrixDbTarget } from '../bridge/bitrixSettings';
import { assertPrivileges } from '../bridge/privileges';
import { RUNTIME_PRIVILEGES } from '../core/dbErrorText';
import { assertInstalled } from '../schema/migrator';
import { ConnectionOptions } from './connectionOptions';

/** The CLI's composition root: configuration, logger and clock, made once per command. */
export interface CliContext {
  config: Config;
  configFile: string | null;
  logger: Logger;
  clock: Clock;
}

/**
 * `--bitrix-root`, when a command has it, is db.bitrixRoot for that run: the same site root then names
 * the database (unless --db or a URL is given) and the caches bxsup clears (bridge/bitrixCache.ts).
 */
export function createCliContext(
  options: { config?: string; bitrixRoot?: string },
  overrides: ConfigInput = {},
): CliContext {
  const withRoot: ConfigInput = options.bitrixRoot
    ? { ...overrides, db: { ...overrides.db, bitrixRoot: options.bitrixRoot } }
    : overrides;
  const { config, file } = loadConfig({ configPath: options.config, overrides: withRoot });
  const logger = createLogger({ level: config.log.level, format: config.log.format });
  for (const warning of unknownVariableWarnings(process.env)) logger.warn(warning);
  return { config, configFile: file, logger, clock: systemClock };
}

/**
 * Where the site's database is: --db, else BXSUP_DB_URL, else db.url in the config file (the config
 * loader has already layered those two), else the site's own PHP settings under --bitrix-root.
 */
export function resolveDbTarget(options: ConnectionOptions, config: Config): DbTarget {
  const target = findDbTarget(options, config);
  if (!target.database) {
    throw new BxsupError(
      'USAGE',
      'the database URL names no database: add it, e.g. mysql://user@host:3306/sitemanager',
    );
  }
  return target;
}

function findDbTarget(options: ConnectionOptions, config: Config): DbTarget {
  if (options.db) return parseDbUrl(options.db, '--db URL');
  if (config.db.url) return parseDbUrl(config.db.url, process.env.BXSUP_DB_URL ? 'BXSUP_DB_URL' : 'db.url');
  const root = options.bitrixRoot ?? config.db.bitrixRoot;
  if (root) return readBitrixDbTarget(root);
  throw new BxsupError(
    'USAGE',
    'no database given: pass --db mysql://user:password@host:3306/database, set BXSUP_DB_URL, or pass --bitrix-root /path/to/site',
  );
}

export interface SiteDbChecks {
  /** These privileges on the database, or exit 2 with the GRANT to run. */
  privileges?: readonly string[];
  /** bxsup's schema must be installed and current, or exit 2 saying to run bxsup install. */
  installed?: boolean;
}

/**
 * Connects to the site's database and checks, before any work, what the command needs: privileges
 * (as install does, printing the exact GRANT) and an installed schema. A command that works on our
 * tables then never meets a raw "command denied" or "table doesn't exist" half-way.
 */
export async function openSiteDb(
  options: ConnectionOptions,
  ctx: CliContext,
  poolMax = 4,
  checks: SiteDbChecks = {},
): Promise<{ db: Db; target: DbTarget }> {
  const target = resolveDbTarget(options, ctx.config);
  const db = await connectChecked(target, { poolMax });
  try {
    if (checks.privileges) await assertPrivileges(db, checks.privileges);
    if (checks.installed) await assertInstalled(db, target);
  } catch (err) {
    await db.destroy().catch(() => undefined);
    throw err;
  }
  return { db, target };
}

/** What the commands that read and write on a site need; `install` needs more (bridge/privileges.ts). */
export const WORKING = { privileges: RUNTIME_PRIVILEGES, installed: true } as const;
export const READING = { privileges: ['SELECT'], installed: true } as const;
