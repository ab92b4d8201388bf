import { existsSync } from 'node:fs';
import path from 'node:path';
import { Db } from '../core/db';
import { BxsupError } from '../core/errors';
import { tableExists } from '../schema/migrator';
import type { InstallDeps, InstallOptions, InstallStep } from '../schema/installStep';
import { planOrderPickerFiles, PlannedFile, TICKET_FORM } from './orderPickerPlan';
import { hasTemplate } from './templateSearch';
import { FileAction, placeFiles, planActions } from './placeSiteFiles';
import { readSiteFileModes } from './siteFs';
import { siteRoot } from './siteRoot';

/**
 * The installer's step for the customer form's order picker: with a site root, the PHP templates go
 * under its /local (sitefiles/orderPickerPlan.ts says which); without one, install says how to add
 * them later. Everything is checked before the first change of the whole install (check()).
 */
const OPT_OUT = 'pass --no-order-picker';

async function siteTemplates(db: Db): Promise<string[]> {
  if (!(await tableExists(db, 'b_site_template'))) return [];
  const rows = await db('b_site_template').distinct('TEMPLATE').select<{ TEMPLATE: string }[]>();
  return rows.map((r) => r.TEMPLATE).filter((t) => t && /^[A-Za-z0-9_.-]+$/.test(t));
}

/** Bitrix reads a site's PHP and language files in its charset: cp1251 databases mean cp1251 sites. */
async function siteCharset(db: Db): Promise<string> {
  const [rows] = (await db.raw('SELECT @@character_set_database AS cs')) as [Array<{ cs: string }>];
  return rows[0].cs.toLowerCase() === 'cp1251' ? 'windows-1251' : 'utf-8';
}

export async function planForSite(
  db: Db,
  root: string,
  orderPageLink: string | null,
): Promise<PlannedFile[]> {
  if (!existsSync(path.join(root, 'bitrix'))) {
    throw new BxsupError(
      'USAGE',
      `${root} has no bitrix/ folder: pass the site's document root to --bitrix-root, or ${OPT_OUT}`,
    );
  }
  return planOrderPickerFiles({
    root,
    siteTemplates: await siteTemplates(db),
    charset: await siteCharset(db),
    orderPageLink,
  });
}

/** A root without the support module's ticket form component (a copy of the settings only, say). */
function formComponentMissing(root: string): boolean {
  return !hasTemplate(
    root,
    `/bitrix/components/bitrix/support.ticket.edit/templates/${TICKET_FORM.template}`,
  );
}

async function actionsFor(deps: InstallDeps, options: InstallOptions): Promise<FileAction[] | null> {
  const root = siteRoot(deps.bitrixRoot);
  if (options.orderPicker === false || !root || formComponentMissing(root)) return null;
  const files = await planForSite(deps.db, root, options.orderPageLink ?? null);
  return planActions(deps.db, root, files, OPT_OUT);
}

export const ORDER_PICKER_STEP: InstallStep = {
  title: 'order picker (customer form)',
  async check(deps, options) {
    await actionsFor(deps, options);
  },
  async run(deps, options) {
    if (options.orderPicker === false) return { result: 'skipped (--no-order-picker)', changed: false };
    const root = siteRoot(deps.bitrixRoot);
    if (!root)
      return {
        result:
          'not placed: no site root given (add it later with bxsup install --bitrix-root /path/to/site)',
        changed: false,
      };
    if (formComponentMissing(root))
      return {
        result: `not placed: ${root} has no bitrix/components/bitrix/support.ticket.edit (is it the document root of a site with the support module?)`,
        changed: false,
      };
    const actions = (await actionsFor(deps, options))!;
    const changed = await placeFiles(deps.db, deps.runner, root, actions, readSiteFileModes(root), deps.now);
    if (deps.runner.dryRun) for (const file of changed) deps.note?.(`would write ${file}`);
    if (changed.length === 0) return { result: `in place under ${root}`, changed: false };
    return {
      result: `${deps.runner.dryRun ? 'would place' : 'placed'} ${changed.length} of ${actions.length} files under ${root}/local/templates/.default/components`,
      changed: true,
    };
  },
};
