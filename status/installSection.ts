import { nonTransactionalTables, nonTransactionalWarning } from '../bridge/nativeEngines';
import { isBxsupError } from '../core/errors';
import { missingInstallParts } from '../install/install';
import { installedSchemaVersion } from '../schema/migrator';
import { StatusCollector } from './section';

/**
 * Whether the install is complete (a run stopped half-way, on a schema it could not write, leaves parts
 * out while the daemon may look healthy), and the native tables' engines (MyISAM is warned about).
 */
export const installSection: StatusCollector = async ({ db }) => {
  const problems: string[] = [];
  const warnings: string[] = [];
  let parts: Array<{ step: string; missing: string[] }> = [];
  try {
    if ((await installedSchemaVersion(db)) > 0) parts = await missingInstallParts(db);
  } catch (err) {
    if (!isBxsupError(err)) throw err;
    problems.push(err.message);
  }
  for (const part of parts) {
    const shown = part.missing.slice(0, 3).join(', ');
    const more = part.missing.length > 3 ? ` and ${part.missing.length - 3} more` : '';
    problems.push(`incomplete install: ${part.step}: ${shown}${more} missing: run bxsup install`);
  }
  const engines = await nonTransactionalTables(db);
  const warning = nonTransactionalWarning(engines);
  if (warning) warnings.push(warning);
  return {
    key: 'install',
    data: { complete: parts.length === 0, missing: parts, nonTransactional: engines },
    lines: [
      ['install', parts.length === 0 ? 'complete' : `incomplete (${parts.map((p) => p.step).join(', ')})`],
      [
        'native engines',
        engines.length === 0 ? 'InnoDB' : engines.map((e) => `${e.table} ${e.engine}`).join(', '),
      ],
    ],
    problems,
    warnings,
  };
};
