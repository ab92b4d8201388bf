import { Db } from '../core/db';
import { DbTarget } from '../core/dbUrl';
import { withNamedLock } from '../core/dbLock';
import { BxsupError } from '../core/errors';
import {
  reverseEventMessage,
  reverseEventType,
  reverseNativeTemplateOff,
} from '../mail/install/mailReversers';
import { dictionaryEntryUsage, findSeededDictionaryId } from './dictionaries';
import { OUR_TABLE_PREFIX } from './migration';
import { tableExists } from './migrator';
import { forgetNativeChange, listNativeChanges, NativeChange, NativeChangeKind } from './nativeChanges';
import { SqlRunner } from './sqlRunner';
import { removeUserField, UTS_TABLE, utsTableIsEmptyOfFields } from './userFields';

export interface UninstallOptions {
  purge: boolean;
}

export interface UninstallDeps {
  db: Db;
  target: DbTarget;
  runner: SqlRunner;
}

export interface UninstallReport {
  removed: string[];
  kept: string[];
}

/**
 * How to undo each kind of native change. A reverser either undoes it and returns what it removed, or
 * keeps it (customer data, or something Bitrix rows now depend on) and returns why. Later capabilities
 * register their own kinds here.
 */
type Reverser = (
  deps: UninstallDeps,
  change: NativeChange,
  options: UninstallOptions,
) => Promise<{ removed?: string; kept?: string }>;

export const REVERSERS: Partial<Record<NativeChangeKind, Reverser>> = {
  async user_field({ db, runner }, change, { purge }) {
    if (change.detail.holdsCustomerData && !purge) {
      const filled = await countFilledValues(db, change.target);
      return {
        kept: `user field ${change.target} with its values (${filled} tickets have one); --purge removes it`,
      };
    }
    await removeUserField(db, runner, change.target);
    return { removed: `user field ${change.target}` };
  },
  async uts_table({ db, runner }) {
    if (!(await tableExists(db, UTS_TABLE))) return { removed: `table ${UTS_TABLE} (already gone)` };
    if (!(await utsTableIsEmptyOfFields(db)))
      return { kept: `table ${UTS_TABLE}: it still holds user field values` };
    await runner.run(`DROP TABLE ${UTS_TABLE}`);
    return { removed: `table ${UTS_TABLE}` };
  },
  async dictionary({ db, runner }, change) {
    const detail = change.detail as { siteId: string; type: string; sid: string };
    const id = await findSeededDictionaryId(db, detail);
    if (id === null) return { removed: `dictionary entry ${change.target} (already gone)` };
    const used = await dictionaryEntryUsage(db, id);
    if (used > 0) return { kept: `dictionary entry ${change.target} (ID ${id}): ${used} tickets use it` };
    await runner.run('DELETE FROM b_ticket_dictionary_2_site WHERE DICTIONARY_ID = ?', [id]);
    await runner.run('DELETE FROM b_ticket_dictionary WHERE ID = ?', [id]);
    return { removed: `dictionary entry ${change.target}` };
  },
  event_type: reverseEventType,
  event_message: reverseEventMessage,
  native_template_off: reverseNativeTemplateOff,
};

export async function runUninstall(deps: UninstallDeps, options: UninstallOptions): Promise<UninstallReport> {
  const locked = await withNamedLock(deps.target, 'install', 120, () => reverseAll(deps, options));
  if (!locked.acquired) {
    throw new BxsupError(
      'WORK_FAILED',
      'another bxsup install or uninstall has held the lock for 2 minutes: wait for it to finish, then run again',
    );
  }
  return locked.value;
}

async function reverseAll(deps: UninstallDeps, options: UninstallOptions): Promise<UninstallReport> {
  const report: UninstallReport = { removed: [], kept: [] };
  // Newest first: b_uts_support is dropped only after the fields in it are gone.
  for (const change of await listNativeChanges(deps.db)) {
    const reverser = REVERSERS[change.kind];
    if (!reverser) {
      report.kept.push(
        `${change.kind} ${change.target}: this bxsup does not know how to reverse it (run the newer bxsup's uninstall)`,
      );
      continue;
    }
    const outcome = await reverser(deps, change, options);
    if (outcome.removed) {
      report.removed.push(outcome.removed);
      if (!options.purge) await forgetNativeChange(deps.runner, change);
    }
    if (outcome.kept) report.kept.push(outcome.kept);
  }
  const ours = await ourTables(deps.db);
  if (options.purge) {
    for (const table of ours) await deps.runner.run(`DROP TABLE IF EXISTS \`${table}\``);
    if (ours.length) report.removed.push(`our tables (${ours.join(', ')})`);
  } else if (ours.length) {
    const mirrored = (await tableExists(deps.db, 'bl_support_ticket'))
      ? Number((await deps.db('bl_support_ticket').count<{ n: number }[]>({ n: '*' }))[0].n)
      : 0;
    report.kept.push(
      `our tables ${OUR_TABLE_PREFIX}* (${mirrored} tickets mirrored, SLA history, mail log); --purge removes them`,
    );
  }
  return report;
}

async function ourTables(db: Db): Promise<string[]> {
  const rows = await db('information_schema.TABLES')
    .where('TABLE_SCHEMA', db.raw('DATABASE()'))
    .andWhere('TABLE_NAME', 'like', `${OUR_TABLE_PREFIX.replace(/_/g, '\\_')}%`)
    .select<{ TABLE_NAME: string }[]>('TABLE_NAME');
  return rows.map((r) => r.TABLE_NAME);
}

async function countFilledValues(db: Db, fieldName: string): Promise<number> {
  if (!(await tableExists(db, UTS_TABLE))) return 0;
  const rows = await db(UTS_TABLE).whereNotNull(fieldName).count<{ n: number }[]>({ n: '*' });
  return Number(rows[0].n);
}
