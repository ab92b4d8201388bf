import { existsSync, lstatSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { siteRootOf } from '../bridge/bitrixSettings';
import { Config } from '../config/config';
import { BxsupError } from '../core/errors';
import { writeFileAtomic } from '../core/writeFileAtomic';
import { UNIT_MARKER, UNIT_NAME, UnitSpec } from './systemdUnit';

export const DEFAULT_UNIT_DIR = '/etc/systemd/system';

/** --unit-dir, else BXSUP_SYSTEMD_DIR (tests point it at a temp folder), else /etc/systemd/system. */
export function unitDirectory(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(option ?? env.BXSUP_SYSTEMD_DIR ?? DEFAULT_UNIT_DIR);
}

export interface SpecInput {
  configFile: string;
  config: Config;
  user: string;
  packageRoot: string;
  nodePath: string;
  writable: string[];
}

/**
 * What the unit needs to know, from the configuration: the daemon runs in the config file's folder,
 * so relative paths in the config (mail.dir, mail.templatesDir, db.bitrixRoot) are resolved there.
 */
export function unitSpecFor(input: SpecInput): UnitSpec {
  const configFile = path.resolve(input.configFile);
  const workingDirectory = path.dirname(configFile);
  const at = (p: string): string => path.resolve(workingDirectory, p);
  const { config } = input;
  const readOnly = [configFile, input.packageRoot];
  if (config.db.bitrixRoot) readOnly.push(at(config.db.bitrixRoot));
  if (config.mail.templatesDir) readOnly.push(at(config.mail.templatesDir));
  const readWrite = input.writable.map(at);
  if (config.mail.transport === 'files') readWrite.push(at(config.mail.dir));
  // The bitrix transport clears Bitrix's "queue is empty" flag in the site's managed cache
  // (bridge/bitrixCache.ts): that one folder must be writable, the rest of the site stays read-only.
  if (config.mail.transport === 'bitrix' && config.db.bitrixRoot)
    readWrite.push(path.join(siteRootOf(at(config.db.bitrixRoot)), 'bitrix', 'managed_cache'));
  return {
    nodePath: input.nodePath,
    mainJs: path.join(input.packageRoot, 'dist', 'cli', 'main.js'),
    configFile,
    user: input.user,
    workingDirectory,
    readOnlyPaths: [...new Set(readOnly)],
    readWritePaths: [...new Set(readWrite)],
  };
}

/** Writes the unit (0644, atomically). An existing unit not written by us is left alone. */
export function writeUnit(dir: string, content: string): string {
  const file = path.join(dir, UNIT_NAME);
  assertOurs(file);
  if (!existsSync(dir)) {
    throw new BxsupError(
      'USAGE',
      `${dir} does not exist: is this a systemd host? (or set BXSUP_SYSTEMD_DIR / --unit-dir)`,
    );
  }
  return writeFileAtomic(file, content, 0o644);
}

/**
 * Removes our unit and its enablement link (what `systemctl disable` removes), so no dangling
 * symlink is left for systemd to complain about; false when there was no unit.
 */
export function removeUnit(dir: string): { file: string; removed: boolean } {
  const file = path.join(dir, UNIT_NAME);
  if (!existsSync(file)) return { file, removed: false };
  assertOurs(file);
  const wants = path.join(dir, 'multi-user.target.wants', UNIT_NAME);
  try {
    if (lstatSync(wants).isSymbolicLink()) rmSync(wants);
  } catch {
    // not enabled
  }
  rmSync(file);
  return { file, removed: true };
}

function assertOurs(file: string): void {
  if (!existsSync(file)) return;
  if (!readFileSync(file, 'utf8').startsWith(UNIT_MARKER)) {
    throw new BxsupError('USAGE', `${file} exists and was not written by bxsup: remove or rename it first`);
  }
}
