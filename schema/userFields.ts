import { serialize } from 'php-serialize';
import { insertStatement, NativeColumns, NativeRow } from '../bridge/nativeColumns';
import { Db } from '../core/db';
import { columnExists, tableExists } from './migrator';
import { hasNativeChange, recordNativeChange } from '../store/nativeChanges';
import { SqlRunner } from '../core/sqlRunner';

/**
 * A user field on support tickets (entity SUPPORT), registered the way Bitrix's CUserTypeEntity::Add
 * does: b_uts_support and b_utm_support created when missing (Bitrix always creates both: CTicket::Delete
 * runs DELETE FROM b_utm_support whenever the entity has fields, and fails without it), a b_user_field
 * row with PHP-serialized SETTINGS, label rows per language, and a column in b_uts_support.
 */
export interface UserFieldSpec {
  fieldName: string;
  userTypeId: 'integer' | 'string' | 'datetime' | 'enumeration';
  xmlId: string;
  sort: number;
  settings: Record<string, unknown>;
  labels: Record<'en' | 'ru', { edit: string; list: string }>;
  /** Holds values operators or customers entered: plain uninstall keeps it, only --purge removes it. */
  holdsCustomerData: boolean;
  /**
   * Written by the daemon, never by a person. Such a field gets EDIT_IN_LIST='N' (the admin form then
   * shows it without posting it back on every save) and the daemon restores its value whenever the
   * stored one differs from what it computed: the public form copies every UF_* of the request into
   * the ticket, so a crafted or stale request can still overwrite it.
   */
  computed: boolean;
  /** b_user_field.SHOW_IN_LIST (a column in the admin ticket list); default true. */
  showInList?: boolean;
  /** b_user_field.SHOW_FILTER: 'N' none, 'I' exact, 'E' mask, 'S' substring; default 'N'. */
  showFilter?: 'N' | 'I' | 'E' | 'S';
  /**
   * An enumeration's values (b_user_field_enum rows, found again by XML_ID), in their order. Bitrix keeps
   * one text per value, not one per language: the site's default language picks it.
   */
  enumValues?: ReadonlyArray<{ xmlId: string; label: Record<'en' | 'ru', string> }>;
}

export const UTS_TABLE = 'b_uts_support';
export const UTM_TABLE = 'b_utm_support';
const ENTITY_ID = 'SUPPORT';

const COLUMN_TYPE: Record<UserFieldSpec['userTypeId'], string> = {
  integer: 'int(18)',
  string: 'text',
  datetime: 'datetime',
  // CUserTypeEnum::GetDBColumnType: the chosen value's b_user_field_enum.ID.
  enumeration: 'int(18)',
};

export const ENUM_TABLE = 'b_user_field_enum';

export const UF_ORDER_ID: UserFieldSpec = {
  fieldName: 'UF_ORDER_ID',
  userTypeId: 'integer',
  xmlId: 'order_id',
  sort: 100,
  // CUserTypeInteger::PrepareSettings defaults.
  settings: { SIZE: 20, MIN_VALUE: 0, MAX_VALUE: 0, DEFAULT_VALUE: '' },
  labels: { en: { edit: 'Order Number', list: 'Order' }, ru: { edit: 'Номер заказа', list: 'Заказ' } },
  holdsCustomerData: true,
  computed: false,
  // Exact: an operator looks for the tickets about one order.
  showFilter: 'I',
};

/** The native tables a field's registration writes (probed once, see NativeColumns). */
export const USER_FIELD_TABLES = ['b_user_field', 'b_user_field_lang', UTS_TABLE, UTM_TABLE] as const;

/** The b_user_field flags bxsup gives a field. */
export function userFieldFlags(spec: UserFieldSpec): NativeRow {
  return {
    MULTIPLE: 'N',
    MANDATORY: 'N',
    SHOW_FILTER: spec.showFilter ?? 'N',
    SHOW_IN_LIST: spec.showInList === false ? 'N' : 'Y',
    EDIT_IN_LIST: spec.computed ? 'N' : 'Y',
    IS_SEARCHABLE: 'N',
  };
}

export async function findUserFieldId(db: Db, fieldName: string): Promise<number | null> {
  const row = await db('b_user_field').where({ ENTITY_ID, FIELD_NAME: fieldName }).first('ID');
  return row ? Number(row.ID) : null;
}

export interface UserFieldRow {
  ID: number;
  USER_TYPE_ID: string;
  [flag: string]: string | number | null;
}

export async function readUserField(db: Db, fieldName: string): Promise<UserFieldRow | null> {
  const row = (await db('b_user_field').where({ ENTITY_ID, FIELD_NAME: fieldName }).first()) as
    UserFieldRow | undefined;
  return row ?? null;
}

export async function userFieldInstalled(db: Db, spec: UserFieldSpec): Promise<boolean> {
  return (
    (await findUserFieldId(db, spec.fieldName)) !== null &&
    (await tableExists(db, UTS_TABLE)) &&
    (await columnExists(db, UTS_TABLE, spec.fieldName))
  );
}

export interface RegisterOutcome {
  /** Whether anything had to be done (or, in a dry run, would be). */
  changed: boolean;
  /** b_user_field or b_user_field_lang changed: Bitrix's field cache must be cleared. */
  metadataChanged: boolean;
  notes: string[];
  /** What was done to a field that existed already (flags repaired, labels added); empty for a new one. */
  details: string[];
}

/**
 * b_uts_support and b_utm_support, created when missing as CUserTypeEntity::CreatePropertyTables creates
 * them (no engine or charset named: the database defaults apply), each journaled first. Once for all
 * fields, so a dry run prints each statement once, as the real run executes it.
 */
export async function ensureUserFieldTables(db: Db, runner: SqlRunner, now: Date): Promise<boolean> {
  let changed = false;
  if (!(await tableExists(db, UTS_TABLE))) {
    await recordNativeChange(runner, 'uts_table', UTS_TABLE, {}, now);
    await runner.run(
      `CREATE TABLE IF NOT EXISTS ${UTS_TABLE} (VALUE_ID int(11) NOT NULL, PRIMARY KEY (VALUE_ID))`,
    );
    changed = true;
  }
  if (!(await tableExists(db, UTM_TABLE))) {
    await recordNativeChange(runner, 'utm_table', UTM_TABLE, {}, now);
    await runner.run(
      `CREATE TABLE IF NOT EXISTS ${UTM_TABLE} (ID int(11) NOT NULL AUTO_INCREMENT, VALUE_ID int(11) NOT NULL,
         FIELD_ID int(11) NOT NULL, VALUE text, VALUE_INT int, VALUE_DOUBLE float, VALUE_DATE datetime,
         INDEX ix_utm_SUPPORT_1 (FIELD_ID), INDEX ix_utm_SUPPORT_2 (VALUE_ID), PRIMARY KEY (ID))`,
    );
    changed = true;
  }
  return changed;
}

/** Each piece is checked on its own, so a run repairs what an interrupted one left out. */
export async function registerUserField(
  db: Db,
  runner: SqlRunner,
  spec: UserFieldSpec,
  now: Date,
): Promise<RegisterOutcome> {
  const outcome: RegisterOutcome = { changed: false, metadataChanged: false, notes: [], details: [] };
  const columns = await NativeColumns.read(db, USER_FIELD_TABLES);
  const existing = await readUserField(db, spec.fieldName);
  if (existing === null) {
    // Only a field we created is ours to change and remove later; one an admin made stays theirs.
    await recordNativeChange(
      runner,
      'user_field',
      spec.fieldName,
      { holdsCustomerData: spec.holdsCustomerData },
      now,
    );
    const row = columns.pick('b_user_field', {
      ENTITY_ID,
      FIELD_NAME: spec.fieldName,
      USER_TYPE_ID: spec.userTypeId,
      XML_ID: spec.xmlId,
      SORT: spec.sort,
      ...userFieldFlags(spec),
      SETTINGS: serialize(spec.settings),
    });
    const insert = insertStatement('b_user_field', row);
    await runner.run(insert.sql, insert.bindings);
    outcome.changed = outcome.metadataChanged = true;
  } else if (await hasNativeChange(db, 'user_field', spec.fieldName)) {
    // Ours, perhaps from a bxsup that set other flags (computed fields used to be editable).
    const wanted = columns.pick('b_user_field', userFieldFlags(spec));
    const differing = Object.entries(wanted).filter(([flag, value]) => existing[flag] !== value);
    if (differing.length > 0) {
      await runner.run(
        `UPDATE b_user_field SET ${differing.map(([flag]) => `${flag} = ?`).join(', ')} WHERE ID = ?`,
        [...differing.map(([, value]) => value), existing.ID],
      );
      outcome.changed = outcome.metadataChanged = true;
      outcome.details.push(differing.map(([flag, value]) => `${flag} set to '${String(value)}'`).join(', '));
    }
  } else if (existing.USER_TYPE_ID !== spec.userTypeId) {
    outcome.notes.push(
      `${spec.fieldName} existed before bxsup with type '${existing.USER_TYPE_ID}' (not '${spec.userTypeId}'): kept as it is; bxsup reads it as ${spec.userTypeId === 'integer' ? 'an order ID or the order number customers see' : 'text'}`,
    );
  }
  for (const [language, label] of Object.entries(spec.labels)) {
    const fieldId = await findUserFieldId(db, spec.fieldName);
    const present =
      fieldId !== null &&
      (await db('b_user_field_lang').where({ USER_FIELD_ID: fieldId, LANGUAGE_ID: language }).first());
    if (present) continue;
    const labels = columns.pick('b_user_field_lang', {
      EDIT_FORM_LABEL: label.edit,
      LIST_COLUMN_LABEL: label.list,
      LIST_FILTER_LABEL: label.list,
      ERROR_MESSAGE: '',
      HELP_MESSAGE: '',
    });
    const names = Object.keys(labels);
    await runner.run(
      `INSERT IGNORE INTO b_user_field_lang (USER_FIELD_ID, LANGUAGE_ID, ${names.join(', ')})
       SELECT ID, ?, ${names.map(() => '?').join(', ')} FROM b_user_field WHERE ENTITY_ID = ? AND FIELD_NAME = ?`,
      [language, ...Object.values(labels), ENTITY_ID, spec.fieldName],
    );
    outcome.changed = outcome.metadataChanged = true;
    if (existing !== null) outcome.details.push(`its ${language} label added`);
  }
  if (spec.enumValues && (existing === null || (await hasNativeChange(db, 'user_field', spec.fieldName)))) {
    if (await registerEnumValues(db, runner, spec)) outcome.changed = outcome.metadataChanged = true;
  }
  if (!columns.has(UTS_TABLE, spec.fieldName)) {
    await runner.run(`ALTER TABLE ${UTS_TABLE} ADD ${spec.fieldName} ${COLUMN_TYPE[spec.userTypeId]}`);
    outcome.changed = true;
  }
  return outcome;
}

/**
 * The missing values of one of our enumerations, each keyed by XML_ID, in the language of the site
 * marked default (Russian or English). Values are added in their order, so their IDs sort as they do.
 */
async function registerEnumValues(db: Db, runner: SqlRunner, spec: UserFieldSpec): Promise<boolean> {
  const fieldId = await findUserFieldId(db, spec.fieldName);
  const present = new Set<string>(
    fieldId === null ? [] : await db(ENUM_TABLE).where('USER_FIELD_ID', fieldId).pluck('XML_ID'),
  );
  const language = await defaultSiteLanguage(db);
  let added = false;
  for (const [i, value] of (spec.enumValues ?? []).entries()) {
    if (present.has(value.xmlId)) continue;
    await runner.run(
      `INSERT IGNORE INTO ${ENUM_TABLE} (USER_FIELD_ID, VALUE, DEF, SORT, XML_ID)
       SELECT ID, ?, 'N', ?, ? FROM b_user_field WHERE ENTITY_ID = ? AND FIELD_NAME = ?`,
      [value.label[language], (i + 1) * 10, value.xmlId, ENTITY_ID, spec.fieldName],
    );
    added = true;
  }
  return added;
}

async function defaultSiteLanguage(db: Db): Promise<'en' | 'ru'> {
  const site = await db('b_lang').orderByRaw("DEF = 'Y' DESC").orderBy('SORT').first('LANGUAGE_ID');
  return site?.LANGUAGE_ID === 'ru' ? 'ru' : 'en';
}

/** b_user_field_enum.ID by XML_ID for one of our enumerations (empty when it is not installed). */
export async function enumValueIds(db: Db, fieldName: string): Promise<Map<string, number>> {
  const fieldId = await findUserFieldId(db, fieldName);
  if (fieldId === null || !(await tableExists(db, ENUM_TABLE))) return new Map();
  const rows = await db(ENUM_TABLE)
    .where('USER_FIELD_ID', fieldId)
    .select<Array<{ ID: number; XML_ID: string }>>('ID', 'XML_ID');
  return new Map(rows.map((r) => [r.XML_ID, Number(r.ID)]));
}

/** Removes a field's labels and definition (what Bitrix lists); the column is dropped separately. */
export async function removeUserFieldDefinition(
  db: Db,
  runner: SqlRunner,
  fieldName: string,
): Promise<boolean> {
  const fieldId = await findUserFieldId(db, fieldName);
  if (fieldId === null) return false;
  await runner.run('DELETE FROM b_user_field_lang WHERE USER_FIELD_ID = ?', [fieldId]);
  // An enumeration's values go with it, as CUserTypeEntity::Delete removes them.
  if ((await tableExists(db, ENUM_TABLE)) && (await db(ENUM_TABLE).where('USER_FIELD_ID', fieldId).first()))
    await runner.run(`DELETE FROM ${ENUM_TABLE} WHERE USER_FIELD_ID = ?`, [fieldId]);
  await runner.run('DELETE FROM b_user_field WHERE ID = ?', [fieldId]);
  return true;
}

/** Drops a field's column of b_uts_support, once Bitrix no longer lists the field. */
export async function dropUserFieldColumn(db: Db, runner: SqlRunner, fieldName: string): Promise<void> {
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

/** Ticket fields Bitrix still knows (ours or anyone's): b_utm_support stays while there are any. */
export async function supportFieldCount(db: Db): Promise<number> {
  const rows = await db('b_user_field').where({ ENTITY_ID }).count<{ n: number }[]>({ n: '*' });
  return Number(rows[0].n);
}
