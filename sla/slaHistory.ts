import { Priority } from '../core/ticketVocabulary';
import { SlaEvent } from './slaTypes';

/** A stretch of real time during which a clock ran; `to` null = still running at the last event. */
export interface Run {
  from: number;
  to: number | null;
}

/** Records when a clock runs; zero-length runs (stopped at the instant it started) are dropped. */
class Stopwatch {
  readonly runs: Run[] = [];

  set(running: boolean, at: number): void {
    const last = this.runs[this.runs.length - 1];
    const isRunning = last !== undefined && last.to === null;
    if (running && !isRunning) this.runs.push({ from: at, to: null });
    if (!running && isRunning) {
      if (last.from === at) this.runs.pop();
      else last.to = at;
    }
  }
}

/** The ticket's history folded into clock runs: calendar-free, so a category change can swap calendars. */
export interface TicketHistory {
  createdAt: number;
  asOf: number;
  priority: Priority;
  category: string | null;
  firstReplyAt: number | null;
  firstReply: Run[];
  resolution: Run[];
  pauses: Run[];
  paused: boolean;
  closed: boolean;
  resolvedAt: number | null;
  reopenCount: number;
}

export interface PauseRules {
  pauseStatuses: ReadonlySet<string>;
  pauseWhenStaffSpokeLast: boolean;
}

/**
 * Replays the events in time order (ties keep their given order). The history must hold a `created`
 * event; events stamped before it (clock skew between Bitrix rows) count as happening at creation, and
 * a second `created` is ignored.
 */
export function foldHistory(events: readonly SlaEvent[], rules: PauseRules): TicketHistory {
  events.forEach((e, i) => {
    if (!(e.at instanceof Date) || Number.isNaN(e.at.getTime())) {
      throw new TypeError(`SLA history: event ${i} (${e.kind}) has no valid "at" Date`);
    }
  });
  const sorted = events
    .map((e, i) => ({ e, i }))
    .sort((x, y) => x.e.at.getTime() - y.e.at.getTime() || x.i - y.i);
  const created = sorted.find(({ e }) => e.kind === 'created')?.e;
  if (created?.kind !== 'created')
    throw new Error('SLA history has no "created" event: cannot start the clocks');

  const t0 = created.at.getTime();
  const h: TicketHistory = {
    createdAt: t0,
    asOf: t0,
    priority: created.priority,
    category: created.category ?? null,
    firstReplyAt: null,
    firstReply: [],
    resolution: [],
    pauses: [],
    paused: false,
    closed: false,
    resolvedAt: null,
    reopenCount: 0,
  };
  const clocks = { firstReply: new Stopwatch(), resolution: new Stopwatch(), pause: new Stopwatch() };
  let statusPause = false; // lifted by a customer message even if the status is not changed back
  let staffSpokeLast = false;

  const sync = (at: number) => {
    const open = !h.closed;
    h.paused = open && (statusPause || (rules.pauseWhenStaffSpokeLast && staffSpokeLast));
    clocks.firstReply.set(open && h.firstReplyAt === null, at);
    clocks.resolution.set(open && !h.paused, at);
    clocks.pause.set(h.paused, at);
  };
  sync(t0);

  for (const { e } of sorted) {
    if (e === created) continue;
    const at = Math.max(e.at.getTime(), t0);
    switch (e.kind) {
      case 'created':
        break;
      case 'priority':
        h.priority = e.priority;
        break;
      case 'category':
        h.category = e.category;
        break;
      case 'customer_message':
        staffSpokeLast = false;
        statusPause = false;
        break;
      case 'staff_reply':
        staffSpokeLast = true;
        h.firstReplyAt ??= at;
        break;
      case 'status':
        statusPause = rules.pauseStatuses.has(e.status);
        break;
      case 'closed':
        if (!h.closed) [h.closed, h.resolvedAt] = [true, at];
        break;
      case 'reopened':
        // Someone wants more work: the clocks run again whatever the status or the last speaker was.
        if (h.closed) {
          [h.closed, h.resolvedAt, statusPause, staffSpokeLast] = [false, null, false, false];
          h.reopenCount += 1;
        }
        break;
    }
    h.asOf = at;
    sync(at);
  }
  return {
    ...h,
    firstReply: clocks.firstReply.runs,
    resolution: clocks.resolution.runs,
    pauses: clocks.pause.runs,
  };
}
