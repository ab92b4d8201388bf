import { Db } from '../core/db';
import { withNamedLock } from '../core/dbLock';
import { BxsupError } from '../core/errors';
import { assertBitrixSupportDatabase } from '../bridge/bitrixTables';
import { assertPrivileges } from '../bridge/privileges';
import { assertSupportedServer, readServerInfo } from '../bridge/serverInfo';
import { seedDictionaries } from './dictionaries';
import { migrate, tableExists } from './migrator';
import { BASELINE_CURSORS, CURSOR_TABLE, readCursor, recordHistoryBaseline } from '../store/cursors';
import { InstallDeps, InstallOptions, InstallStep } from './installStep';
import { bitrixCacheOf } from '../bridge/bitrixCache';
import { NativeColumns } from '../bridge/nativeColumns';
import { nonTransactionalTables, nonTransactionalWarning } from '../bridge/nativeEngines';
import { hasNativeChange } from '../store/nativeChanges';
import {
  ensureUserFieldTables,
  readUserField,
  registerUserField,
  userFieldFlags,
  UTM_TABLE,
  UTS_TABLE,
} from './userFields';
import { INSTALLED_USER_FIELDS } from './ticketUserFields';

export interface InstallReport {
  changed: boolean;
  warnings: string[];
}

/**
 * The schema's own install steps: our tables, the ticket user fields, the history baseline, the
 * dictionaries. The steps other capabilities own (mail/install/, sitefiles/) come after them; the
 * install's composition root (install/install.ts) puts the whole list together.
 */
export const SCHEMA_INSTALL_STEPS: InstallStep[] = [
  {
    title: 'our tables',
    async run({ db, runner, now }) {
      const applied = await migrate(db, runner, now, () => undefined);
      if (applied.length === 0) return { result: 'up to date', changed: false };
      const last = applied[applied.length - 1].version;
      return {
        result: `${runner.dryRun ? 'would migrate' : 'migrated'} to schema version ${last}`,
        changed: true,
      };
    },
  },
  {
    title: 'ticket user fields',
    async run({ db, runner, now, bitrixRoot }) {
      const changed: string[] = [];
      const warnings: string[] = [];
      let metadataChanged = false;
      const updated: string[] = [];
      const tablesCreated = await ensureUserFieldTables(db, runner, now);
      for (const spec of INSTALLED_USER_FIELDS) {
        const outcome = await registerUserField(db, runner, spec, now);
        if (outcome.details.length) updated.push(`${spec.fieldName} (${outcome.details.join('; ')})`);
        else if (outcome.changed) changed.push(spec.fieldName);
        metadataChanged ||= outcome.metadataChanged;
        warnings.push(...outcome.notes);
      }
      if (changed.length === 0 && updated.length === 0 && !tablesCreated)
        return { result: 'present', changed: false, warnings };
      const parts: string[] = [];
      if (changed.length > 0)
        parts.push(`${runner.dryRun ? 'would register' : 'registered'} ${changed.join(', ')}`);
      if (updated.length > 0)
        parts.push(`${runner.dryRun ? 'would update' : 'updated'} ${updated.join(', ')}`);
      if (tablesCreated)
        parts.push(`${runner.dryRun ? 'would create' : 'created'} ${UTS_TABLE} and ${UTM_TABLE}`);
      let result = parts.join('; ');
      if (metadataChanged) {
        // Bitrix lists user fields from its cache for up to an hour: ours appear once it is cleared.
        const cleared = bitrixCacheOf(bitrixRoot).clearUserFields({ dryRun: runner.dryRun });
        if (cleared.cleared) result += `; ${runner.dryRun ? 'would clear' : 'cleared'} ${cleared.what}`;
        else
          warnings.push(`the ticket forms may not show the new fields for up to an hour: ${cleared.advice}`);
      }
      return { result, changed: true, warnings };
    },
    async verify(db) {
      const missing: string[] = [];
      for (const table of [UTS_TABLE, UTM_TABLE])
        if (!(await tableExists(db, table))) missing.push(`table ${table}`);
      for (const spec of INSTALLED_USER_FIELDS) {
        const field = await readUserField(db, spec.fieldName);
        if (!field) continue; // the schema section names missing fields
        if (!(await hasNativeChange(db, 'user_field', spec.fieldName))) continue;
        const wrong = Object.entries(userFieldFlags(spec)).filter(
          ([flag, value]) => flag in field && field[flag] !== value,
        );
        if (wrong.length)
          missing.push(`${spec.fieldName} flags ${wrong.map(([f, v]) => `${f}='${v}'`).join(', ')}`);
      }
      return missing;
    },
  },
  {
    title: 'history baseline',
    async run({ db, runner, now }) {
      if (await historyBaselineRecorded(db)) return { result: 'recorded earlier', changed: false };
      await recordHistoryBaseline(runner, now);
      return {
        result: `${runner.dryRun ? 'would record' : 'recorded'} the newest ticket and message: older ones are mirrored without mail`,
        changed: true,
      };
    },
    async verify(db) {
      return (await historyBaselineRecorded(db)) ? [] : ['the history baseline'];
    },
  },
  {
    title: 'support dictionaries',
    async run({ db, runner, now }, options) {
      if (!options.seedDictionaries)
        return { result: 'left as they are (--seed-dictionaries adds ours)', changed: false };
      const added = await seedDictionaries(db, runner, now);
      if (added === 0) return { result: 'nothing missing', changed: false };
      return { result: `${runner.dryRun ? 'would add' : 'added'} ${added} entries`, changed: true };
    },
  },
];

/** Runs `steps` in order under the install lock, after checking the database and every step first. */
export async function runInstallSteps(
  steps: InstallStep[],
  deps: InstallDeps,
  options: InstallOptions,
): Promise<InstallReport> {
  const total = steps.length + 1;
  const warnings = await verifyDatabase(deps.db);
  deps.onStep(1, total, 'checking the database', warnings.length ? `ok (${warnings.join('; ')})` : 'ok');
  // Two installers at once: the second waits here, then finds everything in place.
  const locked = await withNamedLock(deps.target, 'install', 120, async () => {
    for (const step of steps) await step.check?.(deps, options);
    let changed = false;
    for (const [i, step] of steps.entries()) {
      const outcome = await step.run(deps, options);
      changed ||= outcome.changed;
      warnings.push(...(outcome.warnings ?? []));
      deps.onStep(i + 2, total, step.title, outcome.result);
    }
    return changed;
  });
  if (!locked.acquired) {
    throw new BxsupError(
      'WORK_FAILED',
      'another bxsup install or uninstall has held the lock for 2 minutes: wait for it to finish, then run again',
    );
  }
  return { changed: locked.value, warnings };
}

/** Whether an earlier install recorded the history baseline (a database before install has no cursors). */
async function historyBaselineRecorded(db: Db): Promise<boolean> {
  return (await tableExists(db, CURSOR_TABLE)) && (await readCursor(db, BASELINE_CURSORS.ticket)) !== null;
}

/** What an interrupted or damaged install left out of `steps`, step by step (empty when complete). */
export async function missingStepParts(
  steps: InstallStep[],
  db: Db,
): Promise<Array<{ step: string; missing: string[] }>> {
  const out: Array<{ step: string; missing: string[] }> = [];
  for (const step of steps) {
    const missing = step.verify ? await step.verify(db) : [];
    if (missing.length) out.push({ step: step.title, missing });
  }
  return out;
}

/**
 * Columns of native tables bxsup writes that older Bitrix versions lack; their rows are written without
 * them (bridge/nativeColumns.ts), which the check says so the admin knows why a dry run omits them.
 */
const OPTIONAL_NATIVE_COLUMNS: Record<string, string[]> = {
  b_event_type: ['EVENT_TYPE', 'SORT'],
  b_event_message: ['LANGUAGE_ID', 'IN_REPLY_TO', 'BODY_TYPE'],
  b_event: ['LANGUAGE_ID', 'DUPLICATE'],
  b_user_field: ['SHOW_FILTER', 'SHOW_IN_LIST', 'EDIT_IN_LIST', 'IS_SEARCHABLE'],
  b_user_field_lang: ['LIST_FILTER_LABEL', 'ERROR_MESSAGE', 'HELP_MESSAGE'],
};

/** Everything is checked before anything is touched. */
export async function verifyDatabase(db: Db): Promise<string[]> {
  assertSupportedServer(await readServerInfo(db));
  const { warnings } = await assertBitrixSupportDatabase(db);
  await assertPrivileges(db);
  const columns = await NativeColumns.read(db, Object.keys(OPTIONAL_NATIVE_COLUMNS));
  const older = Object.entries(OPTIONAL_NATIVE_COLUMNS)
    .filter(([table]) => columns.hasTable(table))
    .map(([table, wanted]) => [table, columns.missing(table, wanted)] as const)
    .filter(([, missing]) => missing.length > 0)
    .map(([table, missing]) => `${table} without ${missing.join(', ')}`);
  if (older.length)
    warnings.push(`an older Bitrix schema (${older.join('; ')}): rows are written without those columns`);
  const engines = nonTransactionalWarning(await nonTransactionalTables(db));
  if (engines) warnings.push(engines);
  return warnings;
}
