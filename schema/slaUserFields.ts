import { UserFieldSpec } from './userFields';

/**
 * Ticket user fields the escalator keeps current (escalator/state/storeState.ts), so operators see the
 * SLA deadline and the ticket number in the standard ticket form and list. Computed values, not
 * customer data: uninstall removes them (holdsCustomerData false), the forms do not post them back and
 * the daemon restores them when one did (computed true, see UserFieldSpec).
 */
export const UF_SLA_DEADLINE: UserFieldSpec = {
  fieldName: 'UF_SLA_DEADLINE',
  userTypeId: 'datetime',
  xmlId: 'sla_deadline',
  sort: 110,
  // CUserTypeDateTime::PrepareSettings defaults.
  settings: { DEFAULT_VALUE: { TYPE: 'NONE', VALUE: '' }, USE_SECOND: 'Y', USE_TIMEZONE: 'N' },
  labels: {
    en: { edit: 'SLA deadline', list: 'SLA deadline' },
    ru: { edit: 'Срок по SLA', list: 'Срок SLA' },
  },
  holdsCustomerData: false,
  computed: true,
};

/**
 * The SLA state (escalator/state/slaStateField.ts), an enumeration so that the admin list filters it
 * with a list of its values (SHOW_FILTER 'I': exact) and sorts it by urgency (the values' IDs are
 * added in that order).
 */
export const UF_SLA_STATE: UserFieldSpec = {
  fieldName: 'UF_SLA_STATE',
  userTypeId: 'enumeration',
  xmlId: 'sla_state',
  sort: 105,
  // CUserTypeEnum::PrepareSettings defaults.
  settings: { DISPLAY: 'LIST', LIST_HEIGHT: 1, CAPTION_NO_VALUE: '', SHOW_NO_VALUE: 'Y' },
  labels: {
    en: { edit: 'SLA state', list: 'SLA' },
    ru: { edit: 'Состояние SLA', list: 'SLA' },
  },
  holdsCustomerData: false,
  computed: true,
  showFilter: 'I',
  enumValues: [
    { xmlId: 'breached', label: { en: 'breached', ru: 'просрочено' } },
    { xmlId: 'warning', label: { en: 'warning', ru: 'скоро срок' } },
    { xmlId: 'on_time', label: { en: 'on time', ru: 'в срок' } },
    { xmlId: 'paused', label: { en: 'paused', ru: 'на паузе' } },
    { xmlId: 'met', label: { en: 'met', ru: 'выполнено' } },
  ],
};

export const UF_TICKET_NUMBER: UserFieldSpec = {
  fieldName: 'UF_TICKET_NUMBER',
  userTypeId: 'string',
  xmlId: 'ticket_number',
  sort: 120,
  // CUserTypeString::PrepareSettings defaults.
  settings: { SIZE: 20, ROWS: 1, REGEXP: '', MIN_LENGTH: 0, MAX_LENGTH: 0, DEFAULT_VALUE: '' },
  labels: {
    en: { edit: 'Ticket number', list: 'Number' },
    ru: { edit: 'Номер обращения', list: 'Номер' },
  },
  holdsCustomerData: false,
  computed: true,
  // Substring: operators type "0042" or "SUP-20240312".
  showFilter: 'S',
};
