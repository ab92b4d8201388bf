import { BxsupError } from '../core/errors';
import {
  Priority,
  PRIORITIES,
  PRIORITY_NAMES,
  priorityNamed,
  TICKET_STATUSES,
  TicketStatus,
} from '../core/ticketVocabulary';
import { QueueFilter } from './queueTypes';

/**
 * The queue's command-line options as commander hands them over: strings and flags, and the numbers
 * commander already parsed and range-checked (argParser, cli/commands/queue.ts).
 */
export interface QueueCliOptions {
  status?: string;
  category?: string;
  assignee?: string;
  priority?: string;
  overdue?: boolean;
  site?: string;
  limit?: number;
  /** The operator's b_user ID for `--assignee me`. */
  me?: number;
}

export const DEFAULT_QUEUE_LIMIT = 50;

/**
 * Options → a validated filter. Lists may be comma-separated (`--status open,in_progress`).
 * `--assignee me` is the operator given by `--me ID`, else the BXSUP_OPERATOR_ID environment variable
 * (so an operator sets it once in their shell profile); neither is a usage error that says so.
 */
export function parseQueueFilter(opts: QueueCliOptions, env: NodeJS.ProcessEnv = process.env): QueueFilter {
  const filter: QueueFilter = { limit: opts.limit ?? DEFAULT_QUEUE_LIMIT };
  if (opts.status) filter.statuses = list(opts.status).map(parseStatus);
  if (opts.category) filter.categories = list(opts.category);
  if (opts.priority) filter.priorities = list(opts.priority).map(parsePriority);
  if (opts.site) filter.siteIds = list(opts.site);
  if (opts.overdue) filter.overdue = true;
  if (opts.assignee) filter.assignee = parseAssignee(opts.assignee, opts.me, env.BXSUP_OPERATOR_ID);
  return filter;
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

function parseStatus(value: string): TicketStatus {
  if ((TICKET_STATUSES as readonly string[]).includes(value)) return value as TicketStatus;
  throw usage(`--status ${value}: use one of ${TICKET_STATUSES.join(', ')}`);
}

function parsePriority(value: string): Priority {
  const n = priorityNamed(value) ?? Number(value);
  if ((PRIORITIES as readonly number[]).includes(n)) return n as Priority;
  throw usage(`--priority ${value}: use 1-4 or ${PRIORITY_NAMES.join(', ')}`);
}

function parseAssignee(
  value: string,
  me: number | undefined,
  operatorId: string | undefined,
): QueueFilter['assignee'] {
  if (value === 'none') return { kind: 'none' };
  if (value === 'me') {
    if (me !== undefined) return { kind: 'user', id: me };
    if (operatorId) return { kind: 'user', id: userId(operatorId, 'BXSUP_OPERATOR_ID') };
    throw usage('--assignee me: say who you are with --me <b_user ID> or BXSUP_OPERATOR_ID=<b_user ID>');
  }
  return { kind: 'user', id: userId(value, '--assignee') };
}

function userId(value: string, what: string): number {
  const n = Number(value);
  if (/^\d+$/.test(value) && Number.isSafeInteger(n) && n > 0) return n;
  throw usage(`${what} ${value}: give a b_user ID (a positive number), 'me' or 'none'`);
}

function usage(message: string): BxsupError {
  return new BxsupError('USAGE', message);
}
