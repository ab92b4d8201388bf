import path from 'node:path';
import { Db } from '../core/db';
import { BxsupError } from '../core/errors';
import { findNativeChange, recordNativeChange, updateNativeChange } from '../store/nativeChanges';
import { SqlRunner } from '../core/sqlRunner';
import { PlannedFile } from './orderPickerPlan';
import { createSiteDir, fileHash, missingDirs, SiteFileModes, sha256, writeFileAtomically } from './siteFs';

/**
 * Places planned files in the site, journaled in our native-change journal before each write (an
 * intent, as for every native change): `site_dir` for each folder we create, `site_file` with the
 * sha256 of what we wrote. A file is ours only while the journal knows it and its bytes still hash to
 * what we wrote; anything else at one of our paths is the site's, and install stops before touching it.
 */
export interface SiteFileDetail {
  root: string;
  sha256: string;
  /** the hash before a rewrite, so a crash between the journal and the rename still counts as ours */
  previousSha256?: string;
  mode: string;
}

export type FileAction = { file: PlannedFile; action: 'create' | 'replace' | 'adopt' | 'keep' };

/** Decides what happens to each file; throws (before anything is written) at the first one not ours. */
export async function planActions(
  db: Db,
  root: string,
  files: PlannedFile[],
  optOut: string,
): Promise<FileAction[]> {
  const actions: FileAction[] = [];
  for (const file of files) {
    const onDisk = fileHash(path.join(root, file.path));
    const wanted = sha256(file.content);
    if (onDisk === null) {
      actions.push({ file, action: 'create' });
      continue;
    }
    const journaled = await findNativeChange(db, 'site_file', file.path);
    const detail = journaled?.detail as SiteFileDetail | undefined;
    const ours = detail !== undefined && (onDisk === detail.sha256 || onDisk === detail.previousSha256);
    if (onDisk === wanted) actions.push({ file, action: ours ? 'keep' : 'adopt' });
    else if (ours) actions.push({ file, action: 'replace' });
    else {
      const whose = detail ? 'was changed after bxsup placed it' : "is the site's own file";
      throw new BxsupError(
        'USAGE',
        `/${file.path} ${whose}, and bxsup never overwrites such a file: move it out of the way (keep a copy if it holds changes you want) and run install again, or ${optOut}`,
      );
    }
  }
  return actions;
}

export async function placeFiles(
  db: Db,
  runner: SqlRunner,
  root: string,
  actions: FileAction[],
  modes: SiteFileModes,
  now: Date,
): Promise<string[]> {
  const changed: string[] = [];
  const mode = `0${modes.file.toString(8)}`;
  const madeDirs = new Set<string>();
  for (const { file, action } of actions) {
    if (action === 'keep') continue;
    const detail: SiteFileDetail = { root, sha256: sha256(file.content), mode };
    if (action === 'create') {
      for (const dir of missingDirs(root, file.path)) {
        if (madeDirs.has(dir)) continue;
        madeDirs.add(dir);
        await recordNativeChange(runner, 'site_dir', dir, { root }, now);
        if (!runner.dryRun) createSiteDir(path.join(root, dir), modes);
      }
    }
    if (action === 'replace') {
      const before = fileHash(path.join(root, file.path));
      await updateNativeChange(
        runner,
        { kind: 'site_file', target: file.path },
        {
          ...detail,
          previousSha256: before ?? undefined,
        },
      );
    } else if (await findNativeChange(db, 'site_file', file.path)) {
      await updateNativeChange(runner, { kind: 'site_file', target: file.path }, { ...detail });
    } else {
      await recordNativeChange(runner, 'site_file', file.path, { ...detail }, now);
    }
    if (!runner.dryRun && action !== 'adopt')
      writeFileAtomically(path.join(root, file.path), file.content, modes, action === 'replace');
    changed.push(`/${file.path}`);
  }
  return changed;
}
