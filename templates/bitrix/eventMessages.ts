import { MailEventType } from '../../mail/eventTypes';

/**
 * What the installer registers in Bitrix for the bitrix mail transport: our mail event types
 * (b_event_type, per language) and one default template per site (b_event_message), written with the
 * #FIELD# macros our b_event rows carry in C_FIELDS, so an admin can edit them in
 * Settings → Mail events like any other Bitrix mail. Languages other than ru use the English texts.
 */
interface EventText {
  name: string;
  subject: string;
  message: string;
}

const CUSTOMER_FIELDS = {
  ru: '#EMAIL_TO# - адрес клиента\n#SUBJECT# - тема письма bxsup\n#TICKET_ID# - ID обращения\n#TICKET_NUMBER# - номер обращения\n#TICKET_TITLE# - заголовок\n#TICKET_URL# - ссылка на обращение\n#CUSTOMER_NAME# - имя клиента\n#ORDER_NUMBER# - номер заказа\n#MESSAGE_TEXT# - текст ответа (для ответа)\n#OPERATOR_NAME# - имя оператора (для ответа)\n#IN_REPLY_TO# - Message-ID цепочки',
  en: "#EMAIL_TO# - customer's address\n#SUBJECT# - bxsup's subject\n#TICKET_ID# - ticket ID\n#TICKET_NUMBER# - ticket number\n#TICKET_TITLE# - title\n#TICKET_URL# - link to the ticket\n#CUSTOMER_NAME# - customer's name\n#ORDER_NUMBER# - order number\n#MESSAGE_TEXT# - reply text (replies)\n#OPERATOR_NAME# - operator's name (replies)\n#IN_REPLY_TO# - thread Message-ID",
};

const STAFF_FIELDS = {
  ru: '#EMAIL_TO# - адреса сотрудников\n#SUBJECT# - тема письма bxsup\n#TICKET_ID# - ID обращения\n#TICKET_NUMBER# - номер обращения\n#TICKET_TITLE# - заголовок\n#ADMIN_URL# - ссылка в админке\n#SLA_TARGET# - first_reply или resolution\n#SLA_LEVEL# - уровень\n#SLA_DUE# - срок\n#SLA_REASON# - причина\n#TICKETS# - список обращений (сводка)',
  en: "#EMAIL_TO# - staff addresses\n#SUBJECT# - bxsup's subject\n#TICKET_ID# - ticket ID\n#TICKET_NUMBER# - ticket number\n#TICKET_TITLE# - title\n#ADMIN_URL# - admin link\n#SLA_TARGET# - first_reply or resolution\n#SLA_LEVEL# - level\n#SLA_DUE# - due time\n#SLA_REASON# - reason\n#TICKETS# - ticket list (digest)",
};

export const EVENT_TEXTS: Record<'ru' | 'en', Record<MailEventType, EventText>> = {
  ru: {
    SUPPORT_TICKET_CREATED: {
      name: 'bxsup: обращение принято (клиенту)',
      subject: '[№ #TICKET_NUMBER#] Обращение принято: #TICKET_TITLE#',
      message:
        'Здравствуйте, #CUSTOMER_NAME#!\n\nВаше обращение принято и зарегистрировано под номером #TICKET_NUMBER#.\nТема: #TICKET_TITLE#\nЗаказ: #ORDER_NUMBER#\n\nСледить за обращением: #TICKET_URL#',
    },
    SUPPORT_TICKET_REPLY: {
      name: 'bxsup: ответ оператора (клиенту)',
      subject: '[№ #TICKET_NUMBER#] Ответ на обращение: #TICKET_TITLE#',
      message:
        'Здравствуйте, #CUSTOMER_NAME#!\n\nНа ваше обращение № #TICKET_NUMBER# получен ответ:\n\n#MESSAGE_TEXT#\n\n#OPERATOR_NAME#\nОтветить: #TICKET_URL#',
    },
    SUPPORT_TICKET_CLOSED: {
      name: 'bxsup: обращение закрыто (клиенту)',
      subject: '[№ #TICKET_NUMBER#] Обращение закрыто: #TICKET_TITLE#',
      message:
        'Здравствуйте, #CUSTOMER_NAME#!\n\nВаше обращение № #TICKET_NUMBER# закрыто. Пожалуйста, оцените ответ: #TICKET_URL#\nЕсли вопрос не решён, ответьте в обращении — оно откроется снова.',
    },
    SUPPORT_SLA_WARNING: {
      name: 'bxsup: срок SLA скоро истечёт (сотрудникам)',
      subject: '[№ #TICKET_NUMBER#] SLA: скоро истекает срок (#SLA_TARGET#)',
      message:
        'Обращение № #TICKET_NUMBER# «#TICKET_TITLE#»\nСрок: #SLA_DUE#\nПричина: #SLA_REASON#\n\n#ADMIN_URL#',
    },
    SUPPORT_SLA_BREACH: {
      name: 'bxsup: срок SLA нарушен (сотрудникам)',
      subject: '[№ #TICKET_NUMBER#] SLA нарушен (#SLA_TARGET#)',
      message:
        'Обращение № #TICKET_NUMBER# «#TICKET_TITLE#»\nСрок был: #SLA_DUE#\nПричина: #SLA_REASON#\n\n#ADMIN_URL#',
    },
    SUPPORT_SLA_DIGEST: {
      name: 'bxsup: сводка SLA (сотрудникам)',
      subject: 'SLA: сводка по обращениям',
      message: '#SLA_REASON#\n\n#TICKETS#',
    },
  },
  en: {
    SUPPORT_TICKET_CREATED: {
      name: 'bxsup: ticket received (to the customer)',
      subject: '[Ticket #TICKET_NUMBER#] We have received your request: #TICKET_TITLE#',
      message:
        'Hello #CUSTOMER_NAME#,\n\nwe have received your request and registered it as ticket #TICKET_NUMBER#.\nSubject: #TICKET_TITLE#\nOrder: #ORDER_NUMBER#\n\nFollow it here: #TICKET_URL#',
    },
    SUPPORT_TICKET_REPLY: {
      name: "bxsup: operator's reply (to the customer)",
      subject: '[Ticket #TICKET_NUMBER#] New reply: #TICKET_TITLE#',
      message:
        'Hello #CUSTOMER_NAME#,\n\nthere is a new reply to your ticket #TICKET_NUMBER#:\n\n#MESSAGE_TEXT#\n\n#OPERATOR_NAME#\nReply here: #TICKET_URL#',
    },
    SUPPORT_TICKET_CLOSED: {
      name: 'bxsup: ticket closed (to the customer)',
      subject: '[Ticket #TICKET_NUMBER#] Your request is closed: #TICKET_TITLE#',
      message:
        'Hello #CUSTOMER_NAME#,\n\nyour ticket #TICKET_NUMBER# is now closed. Please rate the answer: #TICKET_URL#\nIf your question is not solved, reply in the ticket and it opens again.',
    },
    SUPPORT_SLA_WARNING: {
      name: 'bxsup: SLA due soon (to staff)',
      subject: '[Ticket #TICKET_NUMBER#] SLA warning (#SLA_TARGET#)',
      message: 'Ticket #TICKET_NUMBER# "#TICKET_TITLE#"\nDue: #SLA_DUE#\nReason: #SLA_REASON#\n\n#ADMIN_URL#',
    },
    SUPPORT_SLA_BREACH: {
      name: 'bxsup: SLA breached (to staff)',
      subject: '[Ticket #TICKET_NUMBER#] SLA breached (#SLA_TARGET#)',
      message:
        'Ticket #TICKET_NUMBER# "#TICKET_TITLE#"\nWas due: #SLA_DUE#\nReason: #SLA_REASON#\n\n#ADMIN_URL#',
    },
    SUPPORT_SLA_DIGEST: {
      name: 'bxsup: SLA digest (to staff)',
      subject: 'SLA digest',
      message: '#SLA_REASON#\n\n#TICKETS#',
    },
  },
};

export function eventText(language: string, type: MailEventType): EventText {
  return EVENT_TEXTS[language === 'ru' ? 'ru' : 'en'][type];
}

export function eventFieldsDescription(language: string, type: MailEventType): string {
  const lang = language === 'ru' ? 'ru' : 'en';
  return type.startsWith('SUPPORT_SLA_') ? STAFF_FIELDS[lang] : CUSTOMER_FIELDS[lang];
}
