import type { NativeChange } from '../../store/nativeChanges';
import type { UninstallDeps } from '../../schema/uninstallDeps';
import { removeMailEventMessages, removeMailEventType } from './registerMailEvents';
import { restoreNativeTemplate } from './takeOverCustomerMail';

/** How uninstall reverses the installer's mail changes (listed in install/uninstall.ts). */
type Outcome = Promise<{ removed?: string; kept?: string }>;

export async function reverseEventType({ runner }: UninstallDeps, change: NativeChange): Outcome {
  const detail = change.detail as { languageId: string; eventName: string };
  await removeMailEventType(runner, detail);
  return { removed: `mail event type ${detail.eventName} (${detail.languageId})` };
}

export async function reverseEventMessage({ db, runner }: UninstallDeps, change: NativeChange): Outcome {
  const detail = change.detail as { siteId: string; eventName: string };
  const n = await removeMailEventMessages(db, runner, detail);
  return {
    removed: `mail template ${detail.eventName} (site ${detail.siteId})${n === 0 ? ' (already gone)' : ''}`,
  };
}

export async function reverseNativeTemplateOff({ db, runner }: UninstallDeps, change: NativeChange): Outcome {
  const detail = change.detail as { id: number; eventName: string; previousActive: string };
  const restored = await restoreNativeTemplate(db, runner, detail);
  return {
    removed: restored
      ? `switch-off of native mail ${detail.eventName} (ID ${detail.id}): ACTIVE back to '${detail.previousActive}'`
      : `switch-off of native mail ${detail.eventName} (ID ${detail.id}; the template is gone)`,
  };
}
