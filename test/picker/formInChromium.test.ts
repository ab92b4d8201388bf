import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertChromium, inspectInChromium } from '../report/chromium';
import { writeFormPage } from './formPage';
import { assertPhp, makeSite, PhpSite, renderTemplate } from './phpSite';

/** The form with the order picker as a browser shows it: real php-cli output opened in headless Chromium. */
let site: PhpSite;
let dir: string;

beforeAll(() => {
  assertPhp();
  assertChromium();
  site = makeSite();
  dir = mkdtempSync(path.join(os.tmpdir(), 'bxsup-form-page-'));
});
afterAll(() => {
  site?.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('shows a usable order list, the chosen order selected, without errors', async () => {
  const field = {
    FIELD_NAME: 'UF_ORDER_ID',
    USER_TYPE_ID: 'integer',
    EDIT_IN_LIST: 'Y',
    EDIT_FORM_LABEL: 'Order Number',
    LIST_COLUMN_LABEL: 'Order',
    SETTINGS: { SIZE: 20 },
    USER_TYPE: { BASE_TYPE: 'int' },
  };
  const rendered = renderTemplate({
    root: site.root,
    language: 'ru',
    siteId: 's1',
    siteTemplate: '.default',
    userId: 2,
    modules: ['sale', 'currency'],
    orders: [
      {
        ID: 41,
        ACCOUNT_NUMBER: '2024-0041',
        USER_ID: 2,
        LID: 's1',
        DATE_INSERT: '2024-03-01 10:00:00',
        PRICE: '1500',
        CURRENCY: 'RUB',
      },
      {
        ID: 42,
        ACCOUNT_NUMBER: '2024-0042',
        USER_ID: 2,
        LID: 's1',
        DATE_INSERT: '2024-03-09 10:00:00',
        PRICE: '3490',
        CURRENCY: 'RUB',
      },
    ],
    userFields: { UF_ORDER_ID: field },
    ticket: null,
    get: { ORDER_ID: '41' },
    post: {},
    component: '/bitrix/support.ticket.edit',
    parent: null,
    folder: '/local/templates/.default/components/bitrix/support.ticket.edit/.default',
    arParams: { ID: 0, SET_SHOW_USER_FIELD_T: {} },
    arResult: { TICKET: [] },
  });
  const file = path.join(dir, 'form.html');
  writeFormPage(file, rendered.html, site.root, rendered.css);
  const page = await inspectInChromium<{
    width: number;
    height: number;
    chosen: string;
    count: number;
    tableWidth: number;
  }>(
    file,
    `(() => { const s = document.querySelector('select[name="UF_ORDER_ID"]'); const r = s.getBoundingClientRect();
       return { width: r.width, height: r.height, chosen: s.options[s.selectedIndex].text, count: s.options.length,
                tableWidth: document.querySelector('table.support-ticket-edit-form').getBoundingClientRect().width }; })()`,
  );
  expect(page.exceptions).toEqual([]);
  expect(page.logErrors).toEqual([]);
  expect(page.console.filter((c) => c.type === 'error')).toEqual([]);
  expect(page.value.count).toBe(3);
  expect(page.value.chosen).toBe('№ 2024-0041 · 01.03.2024 · 1 500 ₽');
  expect(page.value.width).toBeGreaterThan(150);
  expect(page.value.height).toBeGreaterThan(10);
  // The wrapped template's stylesheet applied (its table is 100% wide).
  expect(page.value.tableWidth).toBeGreaterThan(700);
});
