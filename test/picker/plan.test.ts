import iconv from 'iconv-lite';
import { planOrderPickerFiles } from '../../sitefiles/orderPickerPlan';
import { templateSearchOrder } from '../../sitefiles/templateSearch';
import { makeSite, PhpSite } from './phpSite';

/** The install plan's pure parts: Bitrix's template search order, and files in the site's charset. */
describe("Bitrix's template search order", () => {
  it('inside a complex component on a site template: the parent-specific folders first at each level', () => {
    expect(
      templateSearchOrder({
        component: 'bitrix:support.ticket.edit',
        template: '.default',
        siteTemplate: 'eshop',
        parent: { component: 'bitrix:support.ticket', template: '.default' },
      }),
    ).toEqual([
      '/local/templates/eshop/components/bitrix/support.ticket/.default/bitrix/support.ticket.edit/.default',
      '/local/templates/.default/components/bitrix/support.ticket/.default/bitrix/support.ticket.edit/.default',
      '/local/components/bitrix/support.ticket/templates/.default/bitrix/support.ticket.edit/.default',
      '/local/templates/eshop/components/bitrix/support.ticket.edit/.default',
      '/local/templates/.default/components/bitrix/support.ticket.edit/.default',
      '/local/components/bitrix/support.ticket.edit/templates/.default',
      '/bitrix/templates/eshop/components/bitrix/support.ticket/.default/bitrix/support.ticket.edit/.default',
      '/bitrix/templates/.default/components/bitrix/support.ticket/.default/bitrix/support.ticket.edit/.default',
      '/bitrix/components/bitrix/support.ticket/templates/.default/bitrix/support.ticket.edit/.default',
      '/bitrix/templates/eshop/components/bitrix/support.ticket.edit/.default',
      '/bitrix/templates/.default/components/bitrix/support.ticket.edit/.default',
      '/bitrix/components/bitrix/support.ticket.edit/templates/.default',
    ]);
  });

  it('standalone on the .default site template: six folders', () => {
    expect(
      templateSearchOrder({
        component: 'bitrix:system.field.edit',
        template: 'bxsup_order',
        siteTemplate: '.default',
      }),
    ).toEqual([
      '/local/templates/.default/components/bitrix/system.field.edit/bxsup_order',
      '/local/components/bitrix/system.field.edit/templates/bxsup_order',
      '/bitrix/templates/.default/components/bitrix/system.field.edit/bxsup_order',
      '/bitrix/components/bitrix/system.field.edit/templates/bxsup_order',
    ]);
  });
});

describe('the files for a cp1251 site', () => {
  let site: PhpSite;
  beforeAll(() => (site = makeSite({ place: false })));
  afterAll(() => site.remove());

  it('are written in windows-1251, the Russian texts and the № sign included', () => {
    const files = planOrderPickerFiles({
      root: site.root,
      siteTemplates: ['eshop'],
      charset: 'windows-1251',
      orderPageLink: null,
    });
    const ru = files.find((f) => f.path.endsWith('bxsup_order/lang/ru/template.php'))!;
    expect(ru.content.includes(iconv.encode('(без заказа)', 'windows-1251'))).toBe(true);
    expect(ru.content.includes(Buffer.from('(без заказа)', 'utf8'))).toBe(false);
    const picker = files.find((f) => f.path.endsWith('bxsup_order_picker.php'))!;
    expect(picker.content.includes(Buffer.from([0xb9, 0x20]))).toBe(true);
    // A site template known to the database gets its own entry in what the wrapper wraps.
    const wrapped = files.find((f) => f.path.endsWith('support.ticket.edit/.default/bxsup_wrapped.php'))!;
    expect(wrapped.content.toString()).toContain(
      "'eshop|' => '/bitrix/components/bitrix/support.ticket.edit/templates/.default'",
    );
  });
});
