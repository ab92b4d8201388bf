import { Db } from '../core/db';
import { DbTarget } from '../core/dbUrl';
import { withNamedLock } from '../core/dbLock';
import { BxsupError } from '../core/errors';
import { assertBitrixSupportDatabase } from '../bridge/bitrixTables';
import { assertPrivileges } from '../bridge/privileges';
import { assertSupportedServer, readServerInfo } from '../bridge/serverInfo';
import { MAIL_INSTALL_STEPS } from '../mail/install/mailInstallSteps';
import { seedDictionaries } from './dictionaries';
import { migrate, tableExists } from './migrator';
import { recordHistoryBaseline } from './historyBaseline';
import { SqlRunner } from './sqlRunner';
import { bitrixCacheOf } from '../bridge/bitrixCache';
import { registerUserField } from './userFields';
import { INSTALLED_USER_FIELDS } from './ticketUserFields';

export interface InstallOptions {
  dryRun: boolean;
  seedDictionaries: boolean;
  /** Switch off the native mails to customers that ours replace (mail/install/takeOverCustomerMail.ts). */
  takeOverCustomerMail?: boolean;
}

export interface InstallDeps {
  db: Db;
  target: DbTarget;
  runner: SqlRunner;
  now: Date;
  /** The site's document root (--bitrix-root / db.bitrixRoot), when known: Bitrix's caches are cleared there. */
  bitrixRoot?: string;
  /** Called once per step, as it ends: "[2/4] our tables: created (schema version 1)". */
  onStep: (index: number, total: number, title: string, result: string) => void;
}

export interface InstallReport {
  changed: boolean;
  warnings: string[];
}

export interface StepOutcome {
  result: string;
  /** Whether anything was (or, in a dry run, would be) changed. */
  changed: boolean;
  /** What the admin should know (printed as warnings after the steps). */
  warnings?: string[];
}

export interface InstallStep {
  title: string;
  /** Returns the one-line result. */
  run(deps: InstallDeps, options: InstallOptions): Promise<StepOutcome>;
}

const STEPS: InstallStep[] = [
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
      for (const spec of INSTALLED_USER_FIELDS) {
        const outcome = await registerUserField(db, runner, spec, now);
        if (outcome.changed) changed.push(spec.fieldName);
        metadataChanged ||= outcome.metadataChanged;
        warnings.push(...outcome.notes);
      }
      if (changed.length === 0) return { result: 'present', changed: false, warnings };
      let result = `${runner.dryRun ? 'would register' : 'registered'} ${changed.join(', ')}`;
      if (metadataChanged) {
        // Bitrix lists user fields from its cache for up to an hour: ours appear once it is cleared.
        const cleared = bitrixCacheOf(bitrixRoot).clearUserFields({ dryRun: runner.dryRun });
        if (cleared.cleared) result += `; cleared ${cleared.what}`;
        else
          warnings.push(`the ticket forms may not show the new fields for up to an hour: ${cleared.advice}`);
      }
      return { result, changed: true, warnings };
    },
  },
  {
    title: 'history baseline',
    async run({ db, runner, now }) {
      const recorded =
        (await tableExists(db, 'bl_support_cursor')) &&
        (await db('bl_support_cursor').where('name', 'baseline_ticket').first());
      if (recorded) return { result: 'recorded earlier', changed: false };
      await recordHistoryBaseline(runner, now);
      return {
        result: `${runner.dryRun ? 'would record' : 'recorded'} the newest ticket and message: older ones are mirrored without mail`,
        changed: true,
      };
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
  ...MAIL_INSTALL_STEPS,
];

export async function runInstall(deps: InstallDeps, options: InstallOptions): Promise<InstallReport> {
  const total = STEPS.length + 1;
  const warnings = await verifyDatabase(deps.db);
  deps.onStep(1, total, 'checking the database', warnings.length ? `ok (${warnings.join('; ')})` : 'ok');
  // Two installers at once: the second waits here, then finds everything in place.
  const locked = await withNamedLock(deps.target, 'install', 120, async () => {
    let changed = false;
    for (const [i, step] of STEPS.entries()) {
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

/** Everything is checked before anything is touched. */
export async function verifyDatabase(db: Db): Promise<string[]> {
  assertSupportedServer(await readServerInfo(db));
  const { warnings } = await assertBitrixSupportDatabase(db);
  await assertPrivileges(db);
  return warnings;
}
