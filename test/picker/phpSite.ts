import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JSDOM } from 'jsdom';
import { planOrderPickerFiles } from '../../sitefiles/orderPickerPlan';

/**
 * A throwaway document root for running bxsup's site templates in real php-cli against the stand-in
 * in test/php: the components' own templates are our small imitations (never Bitrix's), bxsup's files
 * are placed from the install plan as `bxsup install` would.
 */
export { assertPhp } from '../helpers/php';
export const PHP = 'php';
const RENDER = path.resolve(__dirname, '..', 'php', 'render.php');

/** Our imitation of a component template: the parts the wrapper depends on, and marks to check. */
function imitationTemplate(mark: string): string {
  return `<?php if (!defined('B_PROLOG_INCLUDED') || B_PROLOG_INCLUDED !== true) die(); ?>
<form name="support_edit" method="post" action="/personal/support/" data-wrapped="${mark}">
<img class="icon" src="<?= $templateFolder ?>/images/icon.gif" alt="" data-folder="<?= $this->GetFolder() ?>">
<table class="support-ticket-edit-form">
<tr><td class="field-name"><?= GetMessage('IMITATION_TITLE') ?></td><td><input type="text" name="TITLE"></td></tr>
<?php foreach ($arParams['SET_SHOW_USER_FIELD_T'] as $k => $v) {
    $v['ALL']['VALUE'] = $arParams[$k];
    echo '<tr class="uf" data-field="' . htmlspecialcharsbx($k) . '"><td class="field-name">' . htmlspecialcharsbx($v['NAME_F']) . ':</td><td>';
    $APPLICATION->IncludeComponent('bitrix:system.field.edit', $v['ALL']['USER_TYPE_ID'], array('arUserField' => $v['ALL']), null, array('HIDE_ICONS' => 'Y'));
    echo '</td></tr>';
} ?>
</table>
<input type="submit" name="save" value="Save">
</form>
`;
}

function orderPageImitation(): string {
  return `<?php if (!defined('B_PROLOG_INCLUDED') || B_PROLOG_INCLUDED !== true) die(); ?>
<div class="sale-order-detail" data-wrapped="order-page"><h2>Order <?= htmlspecialcharsbx($arResult['ACCOUNT_NUMBER']) ?></h2></div>
`;
}

/** A 1×1 transparent GIF: the imitation's icon. */
const GIF = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

export function put(root: string, file: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
}

export interface PhpSite {
  root: string;
  remove(): void;
}

/** `place: false` leaves bxsup's files out (for the installer's tests, which place them with the CLI). */
export function makeSite(options: { orderPageLink?: string; place?: boolean } = {}): PhpSite {
  const root = mkdtempSync(path.join(os.tmpdir(), 'bxsup-site-'));
  const stock = 'bitrix/components/bitrix/support.ticket.edit/templates/.default';
  const bundled =
    'bitrix/components/bitrix/support.ticket/templates/.default/bitrix/support.ticket.edit/.default';
  for (const [folder, mark] of [
    [stock, 'stock'],
    [bundled, 'bundled'],
  ]) {
    put(root, `${folder}/template.php`, imitationTemplate(mark));
    mkdirSync(path.join(root, folder, 'images'), { recursive: true });
    writeFileSync(path.join(root, folder, 'images', 'icon.gif'), Buffer.from(GIF, 'base64'));
    put(root, `${folder}/style.css`, '.support-ticket-edit-form { width: 100%; }\n');
    put(root, `${folder}/lang/en/template.php`, `<?php $MESS['IMITATION_TITLE'] = 'Subject (${mark})';\n`);
  }
  const orderPage = 'bitrix/components/bitrix/sale.personal.order.detail/templates/.default';
  put(root, `${orderPage}/template.php`, orderPageImitation());
  put(root, `${orderPage}/result_modifier.php`, "<?php $arResult['ACCOUNT_NUMBER'] .= ' (modified)';\n");
  if (options.place === false) return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
  for (const file of planOrderPickerFiles({
    root,
    siteTemplates: [],
    charset: 'utf-8',
    orderPageLink: options.orderPageLink ?? null,
  }))
    put(root, file.path, file.content.toString('utf8'));
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export interface Rendered {
  html: string;
  css: string[];
  js: string[];
  orderQueries: Array<{ filter: Record<string, unknown>; limit?: number }>;
  document: Document;
}

export function renderTemplate(scenario: Record<string, unknown>): Rendered {
  const run = spawnSync(PHP, ['-d', 'display_errors=stderr', '-d', 'error_reporting=E_ALL', RENDER], {
    input: JSON.stringify(scenario),
    encoding: 'utf8',
  });
  if (run.status !== 0 || run.stderr.trim() !== '') {
    throw new Error(`php failed (${run.status}): ${run.stderr}${run.stdout}`);
  }
  const out = JSON.parse(run.stdout) as Omit<Rendered, 'document'>;
  const { document } = new JSDOM(`<!doctype html><html><body>${out.html}</body></html>`).window;
  return { ...out, document };
}
