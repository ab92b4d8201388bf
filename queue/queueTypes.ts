import type { Priority, TicketStatus } from '../core/ticketVocabulary';

/** Who `--assignee` means: one operator (b_user.ID) or nobody. `me` is resolved to a user before this. */
export type AssigneeFilter = { kind: 'user'; id: number } | { kind: 'none' };

/** The queue's filters; every field narrows, absent means "any". */
export interface QueueFilter {
  statuses?: TicketStatus[];
  categories?: string[];
  assignee?: AssigneeFilter;
  priorities?: Priority[];
  /** Only tickets whose next deadline has passed. */
  overdue?: boolean;
  siteIds?: string[];
  limit: number;
}

/** What the next deadline is for. */
export type DueKind = 'first_reply' | 'resolution';

/** One open ticket as the queue shows it. Times are instants; `minutesLeft` < 0 means overdue. */
export interface QueueRow {
  id: number;
  number: string;
  subject: string;
  siteId: string;
  /** "Name Last-name" of the owner, else their e-mail or login; a guest's e-mail. */
  customer: string | null;
  customerUserId: number | null;
  orderId: number | null;
  /** b_sale_order.ACCOUNT_NUMBER, what the customer knows the order by. */
  orderNumber: string | null;
  category: string | null;
  priority: Priority;
  status: TicketStatus;
  assigneeId: number | null;
  assigneeName: string | null;
  createdAt: Date;
  firstReplyAt: Date | null;
  firstReplyDeadline: Date | null;
  slaDeadline: Date | null;
  /** The next SLA deadline (see store/slaColumns.ts dueSql); null while paused or when none is known. */
  dueAt: Date | null;
  dueKind: DueKind | null;
  /** The resolution clock is stopped (waiting for the customer, a pause status). */
  paused: boolean;
  minutesLeft: number | null;
  overdue: boolean;
}
