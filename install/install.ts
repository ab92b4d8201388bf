import type { Db } from '../core/db';
import { MAIL_INSTALL_STEPS } from '../mail/install/mailInstallSteps';
import { InstallReport, missingStepParts, runInstallSteps, SCHEMA_INSTALL_STEPS } from '../schema/install';
import type { InstallDeps, InstallOptions, InstallStep } from '../schema/installStep';
import { ORDER_PICKER_STEP } from '../sitefiles/orderPickerStep';

/**
 * Every step of `bxsup install`, in order: the schema's first (the others write into our tables and
 * the user fields), then each capability's own. The one place that knows all of them, so that schema/
 * knows no feature and every caller (the CLI, the demo, the benchmarks, the tests) installs the same.
 */
const INSTALL_STEPS: InstallStep[] = [...SCHEMA_INSTALL_STEPS, ...MAIL_INSTALL_STEPS, ORDER_PICKER_STEP];

export function runInstall(deps: InstallDeps, options: InstallOptions): Promise<InstallReport> {
  return runInstallSteps(INSTALL_STEPS, deps, options);
}

/** What an interrupted or damaged install left out, step by step (empty when complete). */
export function missingInstallParts(db: Db): Promise<Array<{ step: string; missing: string[] }>> {
  return missingStepParts(INSTALL_STEPS, db);
}
