import path from 'node:path';
import { existsSync } from 'node:fs';
import { listNativeChanges } from '../store/nativeChanges';
import { SiteFileDetail } from '../sitefiles/placeSiteFiles';
import { fileHash } from '../sitefiles/siteFs';
import { StatusCollector } from './section';

/**
 * Whether the customer form's order picker is in the site and intact: every file install placed
 * (journaled with its sha256) still there with the same bytes.
 */
export const orderPickerSection: StatusCollector = async ({ db, config }) => {
  const files = (await listNativeChanges(db)).filter((c) => c.kind === 'site_file');
  if (files.length === 0) {
    return {
      key: 'orderPicker',
      data: { installed: false },
      lines: [['order picker', 'not installed (bxsup install --bitrix-root /path/to/site places it)']],
      problems: [],
    };
  }
  const root = config.db.bitrixRoot ?? String((files[0].detail as unknown as SiteFileDetail).root);
  if (!existsSync(root)) {
    return {
      key: 'orderPicker',
      data: { installed: true, root, checked: false },
      lines: [
        ['order picker', `${files.length} files under ${root} (not on this host: run bxsup status there)`],
      ],
      problems: [],
    };
  }
  const missing: string[] = [];
  const changed: string[] = [];
  for (const change of files) {
    const detail = change.detail as unknown as SiteFileDetail;
    const hash = fileHash(path.join(root, change.target));
    if (hash === null) missing.push(`/${change.target}`);
    else if (hash !== detail.sha256) changed.push(`/${change.target}`);
  }
  const problems = [
    ...missing.map((f) => `order picker file ${f} is missing: run bxsup install --bitrix-root ${root}`),
    ...changed.map(
      (f) =>
        `order picker file ${f} was changed after install (uninstall will keep it): to have bxsup's again, move it away and run bxsup install --bitrix-root ${root}`,
    ),
  ];
  const intact = missing.length === 0 && changed.length === 0;
  return {
    key: 'orderPicker',
    data: { installed: true, root, intact, files: files.length, missing, changed },
    lines: [
      [
        'order picker',
        intact
          ? `installed, ${files.length} files intact under ${root}`
          : `installed under ${root}: ${missing.length} missing, ${changed.length} changed`,
      ],
    ],
    problems,
  };
};
