import { Db } from '../../core/db';
import { instantToUtc } from '../../core/time';
import { tableExists } from '../../schema/migrator';
import { SqlRunner } from '../../core/sqlRunner';
import { CURSOR_TABLE, readCursor, recordCursorOnce, TEMPLATES_SEEDED_CURSOR } from '../../store/cursors';
import { ReplyTemplate } from './templateRepo';

/**
 * The reply templates a shop starts with, in Russian and English. The installer adds them once (a
 * cursor row remembers it), so templates an admin has removed do not come back with the next install.
 */
const SIGNATURE = { ru: 'С уважением,\n#OPERATOR_NAME#', en: 'Best regards,\n#OPERATOR_NAME#' };

export const SEED_TEMPLATES: ReplyTemplate[] = [
  {
    code: 'order_delayed',
    language: 'ru',
    title: 'Заказ задерживается',
    body: `Здравствуйте, #CUSTOMER_NAME#!\n\nПриносим извинения: доставка заказа № #ORDER_NUMBER# задерживается. Трек-номер посылки: #TRACKING_NUMBER#, отследить её можно здесь: #TRACKING_LINK#\nМы следим за доставкой и напишем, как только посылка снова будет в пути.\n\n${SIGNATURE.ru}`,
    active: true,
  },
  {
    code: 'order_delayed',
    language: 'en',
    title: 'Order delayed',
    body: `Hello #CUSTOMER_NAME#,\n\nwe are sorry: the delivery of order #ORDER_NUMBER# is delayed. The tracking number is #TRACKING_NUMBER#; you can follow the parcel here: #TRACKING_LINK#\nWe are watching it and will write as soon as it is on its way again.\n\n${SIGNATURE.en}`,
    active: true,
  },
  {
    code: 'refund_started',
    language: 'ru',
    title: 'Возврат оформлен',
    body: `Здравствуйте, #CUSTOMER_NAME#!\n\nМы оформили возврат денег за заказ № #ORDER_NUMBER#. Обычно деньги приходят в течение 10 рабочих дней, срок зависит от банка.\nСледить за обращением № #TICKET_NUMBER#: #TICKET_LINK#\n\n${SIGNATURE.ru}`,
    active: true,
  },
  {
    code: 'refund_started',
    language: 'en',
    title: 'Refund started',
    body: `Hello #CUSTOMER_NAME#,\n\nwe have started the refund for order #ORDER_NUMBER#. The money usually arrives within 10 business days, depending on your bank.\nFollow ticket #TICKET_NUMBER# here: #TICKET_LINK#\n\n${SIGNATURE.en}`,
    active: true,
  },
  {
    code: 'need_details',
    language: 'ru',
    title: 'Нужны подробности',
    body: `Здравствуйте, #CUSTOMER_NAME#!\n\nЧтобы помочь, нам нужно чуть больше сведений: номер заказа, что именно произошло и, если можно, фотография. Ответить можно прямо в обращении № #TICKET_NUMBER#: #TICKET_LINK#\n\n${SIGNATURE.ru}`,
    active: true,
  },
  {
    code: 'need_details',
    language: 'en',
    title: 'Need more details',
    body: `Hello #CUSTOMER_NAME#,\n\nto help you we need a few more details: the order number, what exactly happened and, if possible, a photo. You can reply right in ticket #TICKET_NUMBER#: #TICKET_LINK#\n\n${SIGNATURE.en}`,
    active: true,
  },
  {
    code: 'resolved',
    language: 'ru',
    title: 'Вопрос решён',
    body: `Здравствуйте, #CUSTOMER_NAME#!\n\nРады сообщить, что вопрос по обращению № #TICKET_NUMBER# решён. Если что-то осталось непонятным, просто ответьте в обращении.\n\n${SIGNATURE.ru}`,
    active: true,
  },
  {
    code: 'resolved',
    language: 'en',
    title: 'Resolved',
    body: `Hello #CUSTOMER_NAME#,\n\nwe are glad to say that ticket #TICKET_NUMBER# is resolved. If anything is still unclear, just reply in the ticket.\n\n${SIGNATURE.en}`,
    active: true,
  },
];

/** Adds the seed templates once; returns how many rows it adds (or, in a dry run, would add). */
export async function seedReplyTemplates(db: Db, runner: SqlRunner, now: Date): Promise<number> {
  if ((await tableExists(db, CURSOR_TABLE)) && (await readCursor(db, TEMPLATES_SEEDED_CURSOR)) !== null)
    return 0;
  const stamp = instantToUtc(now);
  for (const t of SEED_TEMPLATES) {
    // INSERT IGNORE: a template the admin added under the same code and language before install wins.
    await runner.run(
      `INSERT IGNORE INTO bl_support_templates (code, language, title, body, active, created_at, updated_at)
       VALUES (?, ?, ?, ?, 1, ?, ?)`,
      [t.code, t.language, t.title, t.body, stamp, stamp],
    );
  }
  await recordCursorOnce(runner, TEMPLATES_SEEDED_CURSOR, 1, now);
  return SEED_TEMPLATES.length;
}
