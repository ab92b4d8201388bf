import { Db } from '../core/db';
import { withNamedLock } from '../core/dbLock';
import { BxsupError } from '../core/errors';
import { dictionaryEntryUsage, findSeededDictionaryId } from './dictionaries';
import { OUR_TABLE_PREFIX } from './migration';
import { tableExists } from './migrator';
import { BITRIX_CACHE_TTL_SECONDS } from '../bridge/bitrixCache';
import { instantToUtc, utcToInstant } from '../core/time';
import {
  forgetNativeChange,
  listNativeChanges,
  NativeChange,
  NATIVE_CHANGE_TABLE,
  updateNativeChange,
} from '../store/nativeChanges';
import { Reverser, Reversers, UninstallDeps, UninstallOptions } from './uninstallDeps';
import {
  dropUserFieldColumn,
  removeUserFieldDefinition,
  supportFieldCount,
  UTM_TABLE,
  UTS_TABLE,
  utsTableIsEmptyOfFields,
} from './userFields';

export interface UninstallReport {
  removed: string[];
  kept: string[];
}

/**
 * How the schema undoes the native changes it made (user fields, their tables, dictionary entries).
 * The kinds other capabilities own have their reversers with them (mail/install/, sitefiles/); the
 * install's composition root (install/uninstall.ts) puts the whole table together.
 */
export const SCHEMA_REVERSERS = {
  user_field: reverseUserField,
  async utm_table({ db, runner }, _change, { purge }) {
    if (!(await tableExists(db, UTM_TABLE))) return { removed: `table ${UTM_TABLE} (already gone)` };
    // CTicket::Delete needs it while the entity has any field Bitrix may list (a definition, or a column
    // whose definition is gone but may still be cached); without --purge UF_ORDER_ID stays anyway.
    const listed = (await supportFieldCount(db)) > 0 || !(await utsTableIsEmptyOfFields(db));
    if (!purge || listed)
      return {
        kept: `table ${UTM_TABLE} (bxsup created it): Bitrix needs it while tickets have user fields${purge ? '' : '; --purge removes it with UF_ORDER_ID'}`,
      };
    await runner.run(`DROP TABLE ${UTM_TABLE}`);
    return { removed: `table ${UTM_TABLE}` };
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
} satisfies Reversers;

/** Undoes every journaled native change with `reversers`, under the install lock. */
export async function runReversers(
  reversers: Reversers,
  deps: UninstallDeps,
  options: UninstallOptions,
): Promise<UninstallReport> {
  const locked = await withNamedLock(deps.target, 'install', 120, () => reverseAll(reversers, deps, options));
  if (!locked.acquired) {
    throw new BxsupError(
      'WORK_FAILED',
      'another bxsup install or uninstall has held the lock for 2 minutes: wait for it to finish, then run again',
    );
  }
  return locked.value;
}

async function reverseAll(
  reversers: Reversers,
  deps: UninstallDeps,
  options: UninstallOptions,
): Promise<UninstallReport> {
  const report: UninstallReport = { removed: [], kept: [] };
  const done: NativeChange[] = [];
  let waiting = false;
  // Newest first: b_uts_support is dropped only after the fields in it are gone.
  for (const change of await listNativeChanges(deps.db)) {
    const reverser = reversers[change.kind];
    if (!reverser) {
      report.kept.push(
        `${change.kind} ${change.target}: this bxsup does not know how to reverse it (run the newer bxsup's uninstall)`,
      );
      continue;
    }
    const outcome = await reverser(deps, change, options);
    waiting ||= outcome.pending === true;
    if (outcome.removed) {
      report.removed.push(outcome.removed);
      done.push(change);
    }
    if (outcome.kept) report.kept.push(outcome.kept);
  }
  // Undone changes leave the journal, unless --purge is about to drop it whole.
  if (!options.purge || waiting) for (const change of done) await forgetNativeChange(deps.runner, change);
  const ours = await ourTables(deps.db);
  if (options.purge) {
    // A change still waiting (a column Bitrix may still list) keeps its journal for the next run.
    const pending = waiting ? [JOURNAL_TABLE] : [];
    const dropped = ours.filter((t) => !pending.includes(t));
    for (const table of dropped) await deps.runner.run(`DROP TABLE IF EXISTS \`${table}\``);
    if (dropped.length) report.removed.push(`our tables (${dropped.join(', ')})`);
    if (pending.length && ours.includes(JOURNAL_TABLE))
      report.kept.push(
        `${JOURNAL_TABLE}: it still lists what is left to undo; the next bxsup uninstall --purge finishes`,
      );
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

const JOURNAL_TABLE = NATIVE_CHANGE_TABLE;

async function ourTables(db: Db): Promise<string[]> {
  const rows = await db('information_schema.TABLES')
    .where('TABLE_SCHEMA', db.raw('DATABASE()'))
    .andWhere('TABLE_NAME', 'like', `${OUR_TABLE_PREFIX.replace(/_/g, '\\_')}%`)
    .select<{ TABLE_NAME: string }[]>('TABLE_NAME');
  return rows.map((r) => r.TABLE_NAME);
}

/**
 * A field goes in two steps, as Bitrix's own CUserTypeEntity::Delete orders them: its definition first,
 * then its column, and the column only once Bitrix cannot list the field from its cache any more (a
 * cached field whose column is gone breaks every ticket page with "Unknown column"). With a file cache
 * bxsup clears it itself; otherwise the column waits for the cache to expire (an hour after the
 * definition went, noted in the journal) and a later uninstall drops it.
 */
async function reverseUserField(
  deps: UninstallDeps,
  change: NativeChange,
  { purge }: UninstallOptions,
): ReturnType<Reverser> {
  const { db, runner } = deps;
  if (change.detail.holdsCustomerData && !purge) {
    const filled = await countFilledValues(db, change.target);
    return {
      kept: `user field ${change.target} with its values (${filled} tickets have one); --purge removes it`,
    };
  }
  const removedNow = await removeUserFieldDefinition(db, runner, change.target);
  const since =
    typeof change.detail.definitionRemovedAt === 'string'
      ? utcToInstant(change.detail.definitionRemovedAt)
      : null;
  const expired = since !== null && deps.now.getTime() - since.getTime() >= BITRIX_CACHE_TTL_SECONDS * 1000;
  const cleared = expired ? null : deps.cache.clearUserFields({ dryRun: runner.dryRun });
  if (expired || cleared?.cleared) {
    await dropUserFieldColumn(db, runner, change.target);
    const why =
      cleared?.cleared === true ? `cleared first: ${cleared.what}` : "Bitrix's field cache has expired";
    return { removed: `user field ${change.target} and its column (${why})` };
  }
  const removedAt = removedNow || since === null ? deps.now : since;
  await updateNativeChange(runner, change, {
    ...change.detail,
    definitionRemovedAt: instantToUtc(removedAt),
  });
  const after = new Date(removedAt.getTime() + BITRIX_CACHE_TTL_SECONDS * 1000);
  return {
    pending: true,
    kept: `column ${change.target} of ${UTS_TABLE}: the field is removed, but Bitrix may list it from its cache until ${after.toISOString()} (${cleared && !cleared.cleared ? cleared.advice : ''}); run bxsup uninstall again after that to drop the column`,
  };
}

async function countFilledValues(db: Db, fieldName: string): Promise<number> {
  if (!(await tableExists(db, UTS_TABLE))) return 0;
  const rows = await db(UTS_TABLE).whereNotNull(fieldName).count<{ n: number }[]>({ n: '*' });
  return Number(rows[0].n);
}
