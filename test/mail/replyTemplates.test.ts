import { bitrixCacheOf } from '../../bridge/bitrixCache';
import { BxsupError } from '../../core/errors';
import { FIXTURE } from '../../fixtures/seed';
import { executingRunner } from '../../core/sqlRunner';
import { runUninstall } from '../../install/uninstall';
import { fillPlaceholders } from '../../templates/reply/placeholders';
import { publishTemplates, unpublishTemplates } from '../../templates/reply/publish';
import { renderTemplateForTicket } from '../../templates/reply/renderForTicket';
import { addTemplate, editTemplate, listTemplates } from '../../templates/reply/templateRepo';
import { referenceClock } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite, testConfig } from './helpers/mailEnv';

/**
 * Reply templates: the starter set the installer seeds, placeholders filled from a ticket (with the
 * configured fallback for what is missing), unknown placeholders refused on save, and publication as
 * Bitrix "frequently used answers" (b_ticket_dictionary C_TYPE 'F'), reversed by uninstall.
 */
const T = FIXTURE.tickets;
const now = referenceClock().now();

describe('reply templates', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await installedSite({ sync: true });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('install seeds the four starter templates in Russian and English', async () => {
    const templates = await listTemplates(t.db);
    expect(templates.map((x) => `${x.code}/${x.language}`)).toEqual([
      'need_details/en',
      'need_details/ru',
      'order_delayed/en',
      'order_delayed/ru',
      'refund_started/en',
      'refund_started/ru',
      'resolved/en',
      'resolved/ru',
    ]);
    expect(templates.every((x) => x.active)).toBe(true);
  });

  it("renders a template with the ticket's values: name, order, shipment tracking number and link, operator", async () => {
    const config = testConfig({
      mail: { trackingUrls: { '3': 'https://www.cdek.ru/ru/tracking?order_id=<number>' } },
    });
    const rendered = await renderTemplateForTicket(t.db, config, {
      code: 'order_delayed',
      ticketId: T.orderInTitle.id, // Maria's order 2024-0042, shipped by delivery 3 with tracking 1234567890
      operatorUserId: FIXTURE.users.operatorOlga,
    });
    expect(rendered.language).toBe('ru');
    expect(rendered.text).toBe(
      'Здравствуйте, Мария!\n\n' +
        'Приносим извинения: доставка заказа № 2024-0042 задерживается. Трек-номер посылки: 1234567890, ' +
        'отследить её можно здесь: https://www.cdek.ru/ru/tracking?order_id=1234567890\n' +
        'Мы следим за доставкой и напишем, как только посылка снова будет в пути.\n\n' +
        'С уважением,\nОльга Смирнова',
    );
  });

  it('a missing value renders the configured fallback, never "undefined"', async () => {
    // Ticket 4: Petr has no order of his own linked, and nobody is responsible.
    const plain = await renderTemplateForTicket(t.db, testConfig(), {
      code: 'refund_started',
      ticketId: T.foreignOrderInMessage.id,
    });
    expect(plain.text).toContain('возврат денег за заказ № —.');
    expect(plain.text).toContain('С уважением,\n—');
    const custom = await renderTemplateForTicket(
      t.db,
      testConfig({
        mail: { placeholderFallback: '(нет данных)', placeholderFallbacks: { ORDER_NUMBER: '(без номера)' } },
      }),
      { code: 'refund_started', ticketId: T.foreignOrderInMessage.id },
    );
    expect(custom.text).toContain('за заказ № (без номера).');
    expect(custom.text).toContain('С уважением,\n(нет данных)');
    expect(custom.text).not.toMatch(/undefined|null/);
    expect(custom.text).toContain(
      `обращением № SUP-20240306-0001: https://shop.example.ru/personal/support/?ID=${T.foreignOrderInMessage.id}`,
    );
  });

  it('refuses to save an unknown placeholder, naming it (TEMPLATE_INVALID, exit code 2)', async () => {
    const attempt = addTemplate(
      t.db,
      {
        code: 'typo',
        language: 'ru',
        title: 'Опечатка',
        body: 'Здравствуйте, #CUSTOMR_NAME#! Заказ #ORDER_NUMBER#.',
        active: true,
      },
      now,
    );
    await expect(attempt).rejects.toThrow(BxsupError);
    await expect(attempt).rejects.toMatchObject({ code: 'TEMPLATE_INVALID', exitCode: 2 });
    await expect(attempt).rejects.toThrow(/unknown placeholder #CUSTOMR_NAME#/);
    await expect(editTemplate(t.db, 'resolved', 'en', { body: 'Done: #TICKET_NO#' }, now)).rejects.toThrow(
      /template resolved \(en\): unknown placeholder #TICKET_NO#/,
    );
    expect((await listTemplates(t.db)).map((x) => x.code)).not.toContain('typo');
  });

  it('leaves unknown #WORDS# alone when filling (they may be ordinary text in a reply)', () => {
    expect(
      fillPlaceholders(
        '#TICKET_NUMBER# / #HASHTAG# / #ORDER_NUMBER#',
        { TICKET_NUMBER: 'SUP-1' },
        { fallback: '-', perName: {} },
      ),
    ).toBe('SUP-1 / #HASHTAG# / -');
  });

  describe('publish as frequently used answers', () => {
    const answers = () =>
      t
        .db('b_ticket_dictionary as d')
        .join('b_ticket_dictionary_2_site as s', 's.DICTIONARY_ID', 'd.ID')
        .where('d.C_TYPE', 'F')
        .orderBy(['s.SITE_ID', 'd.SID'])
        .select('s.SITE_ID as site', 'd.SID as sid', 'd.NAME as name', 'd.DESCR as descr');
    const journal = () =>
      t.db('bl_support_native_change').where('kind', 'dictionary').orderBy('target').pluck('target');

    it("publishes each site's language, journaled, next to the site's own answers", async () => {
      const report = await publishTemplates(t.db, executingRunner(t.db), now);
      expect(report.added).toHaveLength(8);
      const rows = await answers();
      expect(rows.map((r) => `${r.site} ${r.sid} ${r.name}`)).toEqual([
        's1  Уточнить номер заказа', // the fixture's own answer (ID 33), untouched
        's1 bxsup_need_details Нужны подробности',
        's1 bxsup_order_delayed Заказ задерживается',
        's1 bxsup_refund_started Возврат оформлен',
        's1 bxsup_resolved Вопрос решён',
        's2 bxsup_need_details Need more details',
        's2 bxsup_order_delayed Order delayed',
        's2 bxsup_refund_started Refund started',
        's2 bxsup_resolved Resolved',
      ]);
      expect(rows.find((r) => r.sid === 'bxsup_resolved' && r.site === 's2')?.descr).toBe(
        'Hello #CUSTOMER_NAME#,\n\nwe are glad to say that ticket #TICKET_NUMBER# is resolved. If anything is still unclear, just reply in the ticket.\n\nBest regards,\n#OPERATOR_NAME#',
      );
      expect(await journal()).toEqual([
        's1:F:bxsup_need_details',
        's1:F:bxsup_order_delayed',
        's1:F:bxsup_refund_started',
        's1:F:bxsup_resolved',
        's2:F:bxsup_need_details',
        's2:F:bxsup_order_delayed',
        's2:F:bxsup_refund_started',
        's2:F:bxsup_resolved',
      ]);
      expect(await publishTemplates(t.db, executingRunner(t.db), now)).toEqual({
        added: [],
        updated: [],
        removed: [],
        skipped: [],
      });
    });

    it('publishing again updates edited texts and removes deactivated templates', async () => {
      await editTemplate(t.db, 'resolved', 'ru', { active: false }, now);
      await editTemplate(t.db, 'need_details', 'en', { title: 'Need details' }, now);
      const report = await publishTemplates(t.db, executingRunner(t.db), now);
      expect(report).toEqual({
        added: [],
        updated: ['site s2: need_details'],
        removed: ['site s1: resolved'],
        skipped: ['site s1: resolved (no ru version)'],
      });
      const rows = await answers();
      expect(rows.map((r) => `${r.site} ${r.sid}`)).not.toContain('s1 bxsup_resolved');
      expect(rows.find((r) => r.sid === 'bxsup_need_details' && r.site === 's2')?.name).toBe('Need details');
      expect(await journal()).not.toContain('s1:F:bxsup_resolved');
    });

    it('unpublish removes every answer we published, and only those', async () => {
      const removed = await unpublishTemplates(t.db, executingRunner(t.db));
      expect(removed).toHaveLength(7);
      expect((await answers()).map((r) => r.sid)).toEqual(['']);
      expect(await journal()).toEqual([]);
    });

    it('uninstall removes published answers', async () => {
      await editTemplate(t.db, 'resolved', 'ru', { active: true }, now);
      await publishTemplates(t.db, executingRunner(t.db), now);
      const report = await runUninstall(
        {
          db: t.db,
          target: t.target,
          runner: executingRunner(t.db),
          cache: bitrixCacheOf(undefined),
          now: now,
        },
        { purge: false },
      );
      expect(report.removed).toEqual(
        expect.arrayContaining([
          'dictionary entry s1:F:bxsup_resolved',
          'dictionary entry s2:F:bxsup_order_delayed',
        ]),
      );
      expect((await answers()).map((r) => r.sid)).toEqual(['']);
    });
  });
});
