import type { NativeChangeKind } from '../store/nativeChanges';
import {
  reverseEventMessage,
  reverseEventType,
  reverseNativeTemplateOff,
} from '../mail/install/mailReversers';
import { runReversers, SCHEMA_REVERSERS, UninstallReport } from '../schema/uninstall';
import type { Reverser, UninstallDeps, UninstallOptions } from '../schema/uninstallDeps';
import { reverseSiteDir, reverseSiteFile } from '../sitefiles/reverseSiteFiles';

/**
 * How `bxsup uninstall` undoes each kind of native change, from the capability that made it. Every
 * kind has one (the compiler says so when a kind is added); a journal row of a kind this bxsup does
 * not know (a newer one's) is kept and reported.
 */
const REVERSERS: Record<NativeChangeKind, Reverser> = {
  ...SCHEMA_REVERSERS,
  event_type: reverseEventType,
  event_message: reverseEventMessage,
  native_template_off: reverseNativeTemplateOff,
  site_file: reverseSiteFile,
  site_dir: reverseSiteDir,
};

export function runUninstall(deps: UninstallDeps, options: UninstallOptions): Promise<UninstallReport> {
  return runReversers(REVERSERS, deps, options);
}
