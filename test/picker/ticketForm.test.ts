import { assertPhp, makeSite, PhpSite, renderTemplate } from './phpSite';

/**
 * The ticket form's order picker, run in real php-cli: bxsup's result_modifier.php and template.php
 * for bitrix:support.ticket.edit, and the bxsup_order field template, against the stand-in in
 * test/php; the HTML read back through a DOM parser.
 */
const ORDER_FIELD = {
  ID: '7',
  ENTITY_ID: 'SUPPORT',
  FIELD_NAME: 'UF_ORDER_ID',
  USER_TYPE_ID: 'integer',
  MULTIPLE: 'N',
  MANDATORY: 'N',
  EDIT_IN_LIST: 'Y',
  SETTINGS: { SIZE: 20, MIN_VALUE: 0, MAX_VALUE: 0, DEFAULT_VALUE: '' },
  EDIT_FORM_LABEL: 'Order Number',
  LIST_COLUMN_LABEL: 'Order',
  USER_TYPE: { USER_TYPE_ID: 'integer', BASE_TYPE: 'int', CLASS_NAME: 'CUserTypeInteger' },
};

const CUSTOMER = 2;
const OTHER = 3;
const ORDERS = [
  {
    ID: 101,
    ACCOUNT_NUMBER: '2024-0101',
    USER_ID: CUSTOMER,
    LID: 's1',
    DATE_INSERT: '2024-03-01 10:00:00',
    PRICE: '1500.00',
    CURRENCY: 'RUB',
  },
  {
    ID: 102,
    ACCOUNT_NUMBER: '<script>alert(1)</script>',
    USER_ID: CUSTOMER,
    LID: 's1',
    DATE_INSERT: '2024-03-05 12:00:00',
    PRICE: '990.00',
    CURRENCY: 'RUB',
  },
  {
    ID: 103,
    ACCOUNT_NUMBER: '2024-0103',
    USER_ID: CUSTOMER,
    LID: 's2',
    DATE_INSERT: '2024-03-06 12:00:00',
    PRICE: '10.00',
    CURRENCY: 'EUR',
  },
  {
    ID: 201,
    ACCOUNT_NUMBER: '2024-0201',
    USER_ID: OTHER,
    LID: 's1',
    DATE_INSERT: '2024-03-07 09:00:00',
    PRICE: '50000.00',
    CURRENCY: 'RUB',
  },
];

const FORM = '/local/templates/.default/components/bitrix/support.ticket.edit/.default';
const STOCK = '/bitrix/components/bitrix/support.ticket.edit/templates/.default';
const BUNDLED =
  '/bitrix/components/bitrix/support.ticket/templates/.default/bitrix/support.ticket.edit/.default';

let site: PhpSite;

beforeAll(() => {
  assertPhp();
  site = makeSite();
});
afterAll(() => site?.remove());

interface Case {
  userId?: number;
  modules?: string[];
  orders?: Array<Record<string, unknown>>;
  ticket?: Record<string, unknown> | null;
  listed?: boolean;
  get?: Record<string, string>;
  post?: Record<string, string>;
  parent?: { path: string; template: string } | null;
  userFields?: Record<string, unknown>;
}

function renderForm(c: Case = {}) {
  const ticket = c.ticket ?? null;
  const listed = c.listed ?? false;
  const arParams: Record<string, unknown> = {
    ID: ticket ? ticket.ID : 0,
    SET_SHOW_USER_FIELD_T: listed
      ? { UF_ORDER_ID: { NAME_C: 'Order', NAME_F: 'Order Number', ALL: ORDER_FIELD } }
      : {},
  };
  // As the component does for the fields the page lists: their values, from the ticket.
  if (listed) arParams.UF_ORDER_ID = ticket?.UF_ORDER_ID ?? null;
  return renderTemplate({
    root: site.root,
    language: 'en',
    siteId: 's1',
    siteTemplate: '.default',
    userId: c.userId ?? CUSTOMER,
    modules: c.modules ?? ['support', 'sale', 'currency'],
    orders: c.orders ?? ORDERS,
    userFields: c.userFields ?? { UF_ORDER_ID: ORDER_FIELD },
    ticket,
    get: c.get ?? {},
    post: c.post ?? {},
    component: '/bitrix/support.ticket.edit',
    parent: c.parent ?? null,
    folder: FORM,
    arParams,
    arResult: { TICKET: ticket ?? [], ERROR_MESSAGE: '' },
  });
}

function options(doc: Document) {
  return [...doc.querySelectorAll('select[name="UF_ORDER_ID"] option')].map((o) => ({
    value: o.getAttribute('value'),
    label: o.textContent,
    selected: o.hasAttribute('selected'),
  }));
}

describe('the ticket form with the order picker (real php-cli)', () => {
  it("lists the customer's own orders on this site, newest first, with an empty choice first", () => {
    const page = renderForm();
    const select = page.document.querySelectorAll('select[name="UF_ORDER_ID"]');
    expect(select).toHaveLength(1);
    expect(options(page.document)).toEqual([
      { value: '', label: '(no order)', selected: false },
      { value: '102', label: '№ <script>alert(1)</script> · 05.03.2024 · 990 ₽', selected: false },
      { value: '101', label: '№ 2024-0101 · 01.03.2024 · 1 500 ₽', selected: false },
    ]);
    for (const o of options(page.document).slice(1)) expect(o.value).toMatch(/^[1-9][0-9]*$/);
    // The query asked for this customer on this site only, with a limit.
    expect(page.orderQueries[0].filter).toEqual({ '=USER_ID': CUSTOMER, '=LID': 's1' });
    expect(page.orderQueries[0].limit).toBe(50);
    // Shown although the page lists no user field, under the field's own label.
    expect(page.document.querySelector('tr.uf[data-field="UF_ORDER_ID"] td.field-name')?.textContent).toBe(
      'Order Number:',
    );
  });

  it('escapes an account number holding markup: no script element, the text shown as text', () => {
    const page = renderForm();
    expect(page.document.querySelectorAll('script')).toHaveLength(0);
    expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.html).not.toContain('<script>');
  });

  it('keeps the look: the wrapped template drawn with its own folder, texts and style', () => {
    const page = renderForm();
    expect(page.document.querySelector('form')?.getAttribute('data-wrapped')).toBe('stock');
    expect(page.document.querySelector('img.icon')?.getAttribute('src')).toBe(`${STOCK}/images/icon.gif`);
    expect(page.document.querySelector('img.icon')?.getAttribute('data-folder')).toBe(STOCK);
    expect(page.document.querySelector('td.field-name')?.textContent).toBe('Subject (stock)');
    expect(page.css).toEqual([`${STOCK}/style.css`]);
  });

  it('inside bitrix:support.ticket it wraps the template bundled with the complex component', () => {
    const page = renderForm({ parent: { path: '/bitrix/support.ticket', template: '.default' } });
    expect(page.document.querySelector('form')?.getAttribute('data-wrapped')).toBe('bundled');
    expect(page.css).toEqual([`${BUNDLED}/style.css`]);
    expect(options(page.document)).toHaveLength(3);
  });

  it('preselects ?ORDER_ID= of one of their orders, also one older than the list', () => {
    expect(options(renderForm({ get: { ORDER_ID: '101' } }).document).filter((o) => o.selected)).toEqual([
      { value: '101', label: '№ 2024-0101 · 01.03.2024 · 1 500 ₽', selected: true },
    ]);
    const many = Array.from({ length: 60 }, (_, i) => ({
      ID: 1000 + i,
      ACCOUNT_NUMBER: `A-${1000 + i}`,
      USER_ID: CUSTOMER,
      LID: 's1',
      DATE_INSERT: `2024-01-01 ${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`,
      PRICE: '1.00',
      CURRENCY: 'RUB',
    }));
    const page = renderForm({ orders: many, get: { ORDER_ID: '1000' } });
    const opts = options(page.document);
    expect(opts).toHaveLength(1 + 50 + 1);
    expect(opts[1].value).toBe('1059');
    expect(opts.find((o) => o.selected)?.value).toBe('1000');
  });

  it("neither preselects nor offers another customer's ?ORDER_ID=", () => {
    const page = renderForm({ get: { ORDER_ID: '201' } });
    const opts = options(page.document);
    expect(opts.some((o) => o.selected)).toBe(false);
    expect(opts.map((o) => o.value)).not.toContain('201');
    expect(page.html).not.toContain('2024-0201');
    expect(page.html).not.toContain('50 000');
    // The look-up of an order outside the list was for this customer only.
    expect(page.orderQueries[1].filter).toEqual({ '=ID': 201, '=USER_ID': CUSTOMER });
  });

  it('keeps the current value of an existing ticket, whatever ?ORDER_ID= says', () => {
    const ticket = { ID: 5, OWNER_USER_ID: CUSTOMER, UF_ORDER_ID: '101' };
    const opts = options(renderForm({ ticket, get: { ORDER_ID: '102' } }).document);
    expect(opts.filter((o) => o.selected).map((o) => o.value)).toEqual(['101']);
    // Also when the page lists the field itself: one row, not two.
    const listed = renderForm({ ticket, listed: true });
    expect(listed.document.querySelectorAll('tr.uf')).toHaveLength(1);
    expect(
      options(listed.document)
        .filter((o) => o.selected)
        .map((o) => o.value),
    ).toEqual(['101']);
  });

  it("keeps a current value that is not one of the customer's orders, as a bare number", () => {
    const ticket = { ID: 6, OWNER_USER_ID: CUSTOMER, UF_ORDER_ID: '201' };
    const page = renderForm({ ticket });
    expect(options(page.document).filter((o) => o.selected)).toEqual([
      { value: '201', label: '201', selected: true },
    ]);
    expect(page.html).not.toContain('2024-0201');
  });

  it('after a form error shows the order the customer had chosen, if it is theirs', () => {
    expect(
      options(renderForm({ post: { UF_ORDER_ID: '101' } }).document).find((o) => o.selected)?.value,
    ).toBe('101');
    expect(options(renderForm({ post: { UF_ORDER_ID: '201' } }).document).some((o) => o.selected)).toBe(
      false,
    );
  });

  it('without the sale module: the form as it was, no order query', () => {
    const page = renderForm({ modules: ['support'], listed: true });
    expect(page.document.querySelector('select')).toBeNull();
    expect(page.document.querySelector('input[name="UF_ORDER_ID"]')?.getAttribute('type')).toBe('text');
    expect(page.orderQueries).toEqual([]);
    expect(page.document.querySelector('form')?.getAttribute('data-wrapped')).toBe('stock');
    const unlisted = renderForm({ modules: ['support'] });
    expect(unlisted.document.querySelectorAll('tr.uf')).toHaveLength(0);
  });

  it('for a guest, and for an operator on a customer ticket: the form as it was', () => {
    const guest = renderForm({ userId: 0, listed: true });
    expect(guest.document.querySelector('select')).toBeNull();
    expect(guest.document.querySelector('input[name="UF_ORDER_ID"]')).not.toBeNull();
    expect(guest.orderQueries).toEqual([]);
    const operator = renderForm({
      userId: 9,
      ticket: { ID: 5, OWNER_USER_ID: CUSTOMER, UF_ORDER_ID: '101' },
    });
    expect(operator.document.querySelector('select')).toBeNull();
    expect(operator.orderQueries).toEqual([]);
  });

  it('a text value that is no order ID (a string field typed into) keeps its own input', () => {
    const stringField = {
      ...ORDER_FIELD,
      USER_TYPE_ID: 'string',
      USER_TYPE: { BASE_TYPE: 'string', CLASS_NAME: 'CUserTypeString' },
    };
    const page = renderForm({
      userFields: { UF_ORDER_ID: stringField },
      ticket: { ID: 8, OWNER_USER_ID: CUSTOMER, UF_ORDER_ID: 'ORD-1001' },
    });
    expect(page.document.querySelector('select')).toBeNull();
  });

  it('a site without UF_ORDER_ID: the form as it was', () => {
    const page = renderForm({ userFields: {} });
    expect(page.document.querySelector('select')).toBeNull();
    expect(page.document.querySelectorAll('tr.uf')).toHaveLength(0);
  });
});
