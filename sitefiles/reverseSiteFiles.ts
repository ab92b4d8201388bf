import { existsSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import type { NativeChange } from '../store/nativeChanges';
import { SiteFileDetail } from './placeSiteFiles';
import { fileHash } from './siteFs';

/**
 * Uninstall's side of placeSiteFiles.ts: a file goes only while it still hashes to what we wrote (a
 * changed one is the admin's now: kept, and said so); a folder we created goes once it is empty.
 * The site root is the one given to uninstall, else the one recorded at install.
 */
interface Deps {
  siteRoot?: string | null;
  runner: { dryRun: boolean };
}

function rootOf(deps: Deps, change: NativeChange): string {
  return deps.siteRoot ?? String(change.detail.root);
}

export async function reverseSiteFile(
  deps: Deps,
  change: NativeChange,
): Promise<{ removed?: string; kept?: string }> {
  const root = rootOf(deps, change);
  const file = path.join(root, change.target);
  const detail = change.detail as unknown as SiteFileDetail;
  const hash = fileHash(file);
  if (hash === null) {
    if (!existsSync(root))
      return {
        kept: `file /${change.target}: ${root} is not on this host (run uninstall there, or pass --bitrix-root)`,
      };
    return { removed: `file /${change.target} (already gone)` };
  }
  if (hash !== detail.sha256 && hash !== detail.previousSha256)
    return {
      kept: `file ${file}: changed since bxsup placed it, so it is yours now (delete it by hand if you no longer want it)`,
    };
  if (!deps.runner.dryRun) unlinkSync(file);
  return { removed: `file ${file}` };
}

export async function reverseSiteDir(
  deps: Deps,
  change: NativeChange,
): Promise<{ removed?: string; kept?: string }> {
  const dir = path.join(rootOf(deps, change), change.target);
  if (!existsSync(dir)) return { removed: `folder ${dir} (already gone)` };
  if (deps.runner.dryRun) return { removed: `folder ${dir} (once our files in it are gone)` };
  if (readdirSync(dir).length > 0) return { kept: `folder ${dir}: it holds files that are not ours` };
  rmdirSync(dir);
  return { removed: `folder ${dir}` };
}
