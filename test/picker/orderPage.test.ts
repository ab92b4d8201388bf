import { DEFAULT_TICKET_FORM_URL } from '../../sitefiles/orderPickerPlan';
import { assertPhp, makeSite, PhpSite, renderTemplate } from './phpSite';

/** The opt-in "Ask about this order" wrapper of sale.personal.order.detail, in real php-cli. */
let site: PhpSite;

beforeAll(() => {
  assertPhp();
  site = makeSite({ orderPageLink: DEFAULT_TICKET_FORM_URL });
});
afterAll(() => site?.remove());

function renderOrderPage(arResult: Record<string, unknown>, language = 'en') {
  return renderTemplate({
    root: site.root,
    language,
    siteId: 's1',
    siteTemplate: '.default',
    userId: 2,
    modules: ['sale'],
    orders: [],
    userFields: {},
    ticket: null,
    get: {},
    post: {},
    component: '/bitrix/sale.personal.order.detail',
    parent: { path: '/bitrix/sale.personal.order', template: '.default' },
    folder: '/local/templates/.default/components/bitrix/sale.personal.order.detail/.default',
    arParams: {},
    arResult,
  });
}

describe('the order page link (real php-cli)', () => {
  it("draws the site's order page, then links to the new-ticket form with the order's ID", () => {
    const page = renderOrderPage({ ID: 101, ACCOUNT_NUMBER: '<b>2024-0101</b>' });
    // The wrapped template ran, after its own result_modifier.php.
    expect(page.document.querySelector('[data-wrapped="order-page"] h2')?.textContent).toBe(
      'Order <b>2024-0101</b> (modified)',
    );
    const link = page.document.querySelector('p.bxsup-ask-about-order a');
    expect(link?.getAttribute('href')).toBe('/personal/support/?ID=0&edit=1&ORDER_ID=101');
    expect(link?.textContent).toBe('Ask about this order');
    expect(page.html).toContain('href="/personal/support/?ID=0&amp;edit=1&amp;ORDER_ID=101"');
  });

  it('speaks Russian on a Russian site', () => {
    const page = renderOrderPage({ ID: 7, ACCOUNT_NUMBER: '7' }, 'ru');
    expect(page.document.querySelector('p.bxsup-ask-about-order a')?.textContent).toBe(
      'Задать вопрос по заказу',
    );
  });

  it('no order on the page (not found, not theirs): no link', () => {
    const page = renderOrderPage({ ACCOUNT_NUMBER: '' });
    expect(page.document.querySelector('p.bxsup-ask-about-order')).toBeNull();
    expect(page.document.querySelector('[data-wrapped="order-page"]')).not.toBeNull();
  });
});
