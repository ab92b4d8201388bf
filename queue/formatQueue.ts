import { formatMinutes } from './formatDuration';
import { priorityName } from '../core/ticketVocabulary';
import { QueueRow } from './queueTypes';
import { cut, padEnd, padStart, red, terminalSafe, textWidth } from './terminalText';

export interface QueueLayout {
  /** Terminal columns; the subject gets what the other columns leave. */
  width: number;
  colour: boolean;
}

interface Column {
  title: string;
  /** Widest the column may grow; the subject has none and takes the rest. */
  max?: number;
  align?: 'right';
  value(row: QueueRow): string;
}

const COLUMNS: Column[] = [
  { title: 'NUMBER', max: 20, value: (r) => r.number },
  { title: 'SUBJECT', value: (r) => r.subject },
  { title: 'CUSTOMER', max: 24, value: (r) => r.customer ?? '—' },
  { title: 'ORDER', max: 12, value: (r) => r.orderNumber ?? '—' },
  { title: 'PRIORITY', max: 8, value: (r) => priorityName(r.priority) ?? String(r.priority) },
  { title: 'STATUS', max: 14, value: (r) => r.status },
  { title: 'ASSIGNEE', max: 18, value: (r) => r.assigneeName ?? '—' },
  { title: 'LEFT', max: 9, align: 'right', value: timeLeft },
];
function timeLeft(row: QueueRow): string {
  if (row.minutesLeft !== null) return formatMinutes(row.minutesLeft);
  return row.paused ? 'paused' : '—';
}

const SUBJECT = 1;
const LEFT = COLUMNS.length - 1;
const SHRINKABLE = [2, 6]; // customer, assignee: names stay recognisable at 8 characters
const GAP = '  ';
const MIN_SUBJECT = 10;
const COMFORTABLE_SUBJECT = 24;
const MIN_NAME = 8;

/**
 * The subject takes what the other columns leave. On a narrow terminal the name columns give up
 * characters first (down to 8), so the subject stays readable; below 10 it overflows rather than
 * vanish.
 */
function fitSubject(widths: number[], total: number): void {
  const natural = widths[SUBJECT];
  const room = (): number =>
    total -
    widths.reduce((sum, w, i) => (i === SUBJECT ? sum : sum + w), 0) -
    GAP.length * (COLUMNS.length - 1);
  while (room() < Math.min(natural, COMFORTABLE_SUBJECT)) {
    const widest = SHRINKABLE.reduce((a, b) => (widths[b] > widths[a] ? b : a));
    if (widths[widest] <= MIN_NAME) break;
    widths[widest]--;
  }
  widths[SUBJECT] = Math.max(MIN_SUBJECT, Math.min(natural, room()));
}

/**
 * The queue as lines of fixed-width columns, one ticket per line, header first. Every DB string is
 * made terminal-safe; the overdue time is red only when `colour` is on (a colour TTY), and the colour
 * is added after padding so escape codes never count as width.
 */
export function formatQueue(rows: QueueRow[], layout: QueueLayout): string[] {
  if (rows.length === 0) return ['no open tickets match'];
  const cells = rows.map((row) => COLUMNS.map((c) => terminalSafe(c.value(row))));
  const widths = COLUMNS.map((c, i) =>
    Math.min(c.max ?? Infinity, Math.max(textWidth(c.title), ...cells.map((r) => textWidth(r[i])))),
  );
  fitSubject(widths, layout.width);
  const render = (values: string[], overdue: boolean): string =>
    values
      .map((value, i) => {
        const text = cut(value, widths[i]);
        const padded = COLUMNS[i].align === 'right' ? padStart(text, widths[i]) : padEnd(text, widths[i]);
        return i === LEFT && overdue && layout.colour ? red(padded) : padded;
      })
      .join(GAP)
      .trimEnd();
  return [
    render(
      COLUMNS.map((c) => c.title),
      false,
    ),
    ...cells.map((values, i) => render(values, rows[i].overdue)),
  ];
}

/** One summary line for the top of the queue (and of each --watch refresh). */
export function queueSummary(rows: QueueRow[], limit: number): string {
  const overdue = rows.filter((r) => r.overdue).length;
  const shown = rows.length >= limit ? `first ${limit} shown (--limit)` : `${rows.length} shown`;
  return `${shown}, ${overdue} overdue`;
}
