import { UF_SLA_DEADLINE, UF_TICKET_NUMBER } from './slaUserFields';
import { UF_ORDER_ID, UserFieldSpec } from './userFields';

/** The user fields the installer registers on tickets, in this order; later capabilities append theirs. */
export const INSTALLED_USER_FIELDS: readonly UserFieldSpec[] = [
  UF_ORDER_ID,
  UF_SLA_DEADLINE,
  UF_TICKET_NUMBER,
];

/**
 * The fields only the daemon writes, in the order their values are signed (bl_support_ticket.uf_state):
 * what the daemon last wrote is compared with what b_uts_support holds, and restored when they differ.
 */
export const COMPUTED_USER_FIELDS: readonly UserFieldSpec[] = INSTALLED_USER_FIELDS.filter((f) => f.computed);
