import { assertBitrixSupportDatabase } from '../bridge/bitrixTables';
import { isBxsupError } from '../core/errors';
import { installedSchemaVersion } from '../schema/migrator';
import { CODE_SCHEMA_VERSION } from '../schema/migrations';
import { INSTALLED_USER_FIELDS } from '../schema/ticketUserFields';
import { userFieldInstalled } from '../schema/userFields';
import { StatusCollector } from './section';

export const schemaSection: StatusCollector = async ({ db }) => {
  const problems: string[] = [];
  let orderLinking = false;
  try {
    orderLinking = (await assertBitrixSupportDatabase(db)).hasSaleModule;
  } catch (err) {
    if (!isBxsupError(err)) throw err;
    problems.push(err.message);
    return {
      key: 'schema',
      data: { bitrix: false },
      lines: [['bitrix', 'not a Bitrix support database']],
      problems,
    };
  }
  const installed = await installedSchemaVersion(db);
  if (installed === 0) problems.push('bxsup is not installed in this database: run bxsup install');
  else if (installed < CODE_SCHEMA_VERSION)
    problems.push(
      `schema version ${installed} is older than this bxsup (${CODE_SCHEMA_VERSION}): run bxsup install`,
    );
  else if (installed > CODE_SCHEMA_VERSION)
    problems.push(
      `schema version ${installed} is newer than this bxsup (${CODE_SCHEMA_VERSION}): upgrade bxsup`,
    );
  const fields: Record<string, boolean> = {};
  for (const spec of INSTALLED_USER_FIELDS) {
    fields[spec.fieldName] = await userFieldInstalled(db, spec);
    if (!fields[spec.fieldName] && installed > 0)
      problems.push(`user field ${spec.fieldName} is missing: run bxsup install`);
  }
  return {
    key: 'schema',
    data: {
      bitrix: true,
      installedVersion: installed,
      codeVersion: CODE_SCHEMA_VERSION,
      userFields: fields,
      orderLinking,
    },
    lines: [
      [
        'schema',
        `${installed === 0 ? 'not installed' : `version ${installed}`} (this bxsup: ${CODE_SCHEMA_VERSION})`,
      ],
      [
        'user fields',
        Object.entries(fields)
          .map(([name, ok]) => `${name} ${ok ? 'present' : 'missing'}`)
          .join(', '),
      ],
      ['order linking', orderLinking ? 'on (b_sale_order found)' : 'off (no sale module)'],
    ],
    problems,
  };
};
