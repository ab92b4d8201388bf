import { serialize } from 'php-serialize';
import { Db } from '../core/db';
import { columnExists, tableExists } from './migrator';
import { recordNativeChange } from './nativeChanges';
import { SqlRunner } from './sqlRunner';

/**
 * A user field on support tickets (entity SUPPORT), registered exactly the way Bitrix's
 * CUserTypeEntity::Add does: a b_user_field row with PHP-serialized SETTINGS, label rows per language,
 * and a column in b_uts_support (created with the first field, in the database's default charset).
 */
export interface UserFieldSpec {
  fieldName: string;
  userTypeId: 'integer' | 'string' | 'datetime';
  xmlId: string;
  sort: number;
  settings: Record<string, unknown>;
  labels: Record<'en' | 'ru', { edit: string; list: string }>;
  /** Holds values operators or customers entered: plain uninstall keeps it, only --purge removes it. */
  holdsCustomerData: boolean;
}

export const UTS_TABLE = 'b_uts_support';
const ENTITY_ID = 'SUPPORT';

const COLUMN_TYPE: Record<UserFieldSpec['userTypeId'], string> = {
  integer: 'int(18)',
  string: 'text',
  datetime: 'datetime',
};

export const UF_ORDER_ID: UserFieldSpec = {
  fieldName: 'UF_ORDER_ID',
  userTypeId: 'integer',
  xmlId: 'order_id',
  sort: 100,
  // CUserTypeInteger::PrepareSettings defaults.
  settings: { SIZE: 20, MIN_VALUE: 0, MAX_VALUE: 0, DEFAULT_VALUE: '' },
  labels: { en: { edit: 'Order Number', list: 'Order' }, ru: { edit: 'Номер заказа', list: 'Заказ' } },
  holdsCustomerData: true,
};

export async function findUserFieldId(db: Db, fieldName: string): Promise<number | null> {
  const row = await db('b_user_field').where({ ENTITY_ID, FIELD_NAME: fieldName }).first('ID');
  return row ? Number(row.ID) : null;
}

export async function userFieldInstalled(db: Db, spec: UserFieldSpec): Promise<boolean> {
  return (
    (await findUserFieldId(db, spec.fieldName)) !== null &&
    (await tableExists(db, UTS_TABLE)) &&
    (await columnExists(db, UTS_TABLE, spec.fieldName))
  );
}

/** Returns the statements' effect: whether anything had to be done. Each piece is checked on its own. */
export async function registerUserField(
  db: Db,
  runner: SqlRunner,
  spec: UserFieldSpec,
  now: Date,
): Promise<boolean> {
  let changed = false;
  if (!(await tableExists(db, UTS_TABLE))) {
    await recordNativeChange(runner, 'uts_table', UTS_TABLE, {}, now);
    await runner.run(
      `CREATE TABLE IF NOT EXISTS ${UTS_TABLE} (VALUE_ID int(11) NOT NULL, PRIMARY KEY (VALUE_ID))`,
    );
    changed = true;
  }
  // Only a field we created is ours to remove later; one an admin made by hand stays theirs.
  if ((await findUserFieldId(db, spec.fieldName)) === null) {
    await recordNativeChange(
      runner,
      'user_field',
      spec.fieldName,
      { holdsCustomerData: spec.holdsCustomerData },
      now,
    );
    await runner.run(
      `INSERT INTO b_user_field (ENTITY_ID, FIELD_NAME, USER_TYPE_ID, XML_ID, SORT, MULTIPLE, MANDATORY,
         SHOW_FILTER, SHOW_IN_LIST, EDIT_IN_LIST, IS_SEARCHABLE, SETTINGS)
       VALUES (?, ?, ?, ?, ?, 'N', 'N', 'N', 'Y', 'Y', 'N', ?)`,
      [ENTITY_ID, spec.fieldName, spec.userTypeId, spec.xmlId, spec.sort, serialize(spec.settings)],
    );
    changed = true;
  }
  for (const [language, label] of Object.entries(spec.labels)) {
    const fieldId = await findUserFieldId(db, spec.fieldName);
    const present =
      fieldId !== null &&
      (await db('b_user_field_lang').where({ USER_FIELD_ID: fieldId, LANGUAGE_ID: language }).first());
    if (present) continue;
    await runner.run(
      `INSERT IGNORE INTO b_user_field_lang (USER_FIELD_ID, LANGUAGE_ID, EDIT_FORM_LABEL, LIST_COLUMN_LABEL, LIST_FILTER_LABEL, ERROR_MESSAGE, HELP_MESSAGE)
       SELECT ID, ?, ?, ?, ?, '', '' FROM b_user_field WHERE ENTITY_ID = ? AND FIELD_NAME = ?`,
      [language, label.edit, label.list, label.list, ENTITY_ID, spec.fieldName],
    );
    changed = true;
  }
  if (!(await tableExists(db, UTS_TABLE)) || !(await columnExists(db, UTS_TABLE, spec.fieldName))) {
    await runner.run(`ALTER TABLE ${UTS_TABLE} ADD ${spec.fieldName} ${COLUMN_TYPE[spec.userTypeId]}`);
    changed = true;
  }
  return changed;
}

/** Removes a field we registered: labels, definition, column. Returns what it did, for the report. */
export async function removeUserField(db: Db, runner: SqlRunner, fieldName: string): Promise<void> {
  const fieldId = await findUserFieldId(db, fieldName);
  if (fieldId !== null) {
    await runner.run('DELETE FROM b_user_field_lang WHERE USER_FIELD_ID = ?', [fieldId]);
    await runner.run('DELETE FROM b_user_field WHERE ID = ?', [fieldId]);
  }
  if ((await tableExists(db, UTS_TABLE)) && (await columnExists(db, UTS_TABLE, fieldName))) {
    await runner.run(`ALTER TABLE ${UTS_TABLE} DROP COLUMN ${fieldName}`);
  }
}

/** b_uts_support holds nothing but VALUE_ID once every field's column is gone. */
export async function utsTableIsEmptyOfFields(db: Db): Promise<boolean> {
  const rows = await db('information_schema.COLUMNS')
    .where({ TABLE_SCHEMA: db.raw('DATABASE()'), TABLE_NAME: UTS_TABLE })
    .whereNot('COLUMN_NAME', 'VALUE_ID')
    .count<{ n: number }[]>({ n: '*' });
  return Number(rows[0].n) === 0;
}
