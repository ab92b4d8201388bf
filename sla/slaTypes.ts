import type { CalendarConfig } from './calendarConfig';
import type { Priority } from '../core/ticketVocabulary';

export interface SlaTargets {
  firstReplyMinutes: number;
  resolutionMinutes: number;
}

export interface SlaPolicyConfig {
  targets: Record<Priority, SlaTargets>;
  /** Per category code, per priority, any of the two targets. */
  categoryOverrides?: Record<string, Partial<Record<Priority, Partial<SlaTargets>>>>;
  /** A warning when this share of a target is used up: 0 < warningPercent ≤ 100. */
  warningPercent: number;
  calendar: CalendarConfig;
  categoryCalendars?: Record<string, CalendarConfig>;
  /** Status codes (as mapped from b_ticket.STATUS_ID) that stop the resolution clock. */
  pauseStatuses: string[];
  /** Stop the resolution clock while the last visible message is from staff. */
  pauseWhenStaffSpokeLast: boolean;
}

/** What happened, without when. `staff_reply` is a visible staff message (not a note, not a log line). */
export type SlaEventBody =
  | { kind: 'created'; priority: Priority; category?: string | null }
  | { kind: 'priority'; priority: Priority }
  | { kind: 'category'; category: string | null }
  | { kind: 'customer_message' }
  | { kind: 'staff_reply' }
  | { kind: 'status'; status: string }
  | { kind: 'closed' }
  | { kind: 'reopened' };

/** One fact of a ticket's history. */
export type SlaEvent = { at: Date } & SlaEventBody;

/** What the history says, as of its last event (`asOf`). Plain data: safe to serialise or compare. */
export interface SlaState {
  createdAt: Date;
  asOf: Date;
  priority: Priority;
  category: string | null;
  /** Targets in force: the current priority's, with the current category's overrides. */
  targets: SlaTargets;
  firstReplyAt: Date | null;
  firstReplyDeadline: Date | null;
  firstReplyWarningAt: Date | null;
  /** Working minutes the first-reply clock ran up to asOf (the time to first reply once replied). */
  firstReplyElapsedMinutes: number;
  resolutionDeadline: Date | null;
  resolutionWarningAt: Date | null;
  resolutionElapsedMinutes: number;
  /** The resolution clock is stopped by a pause status or because staff spoke last (never while closed). */
  paused: boolean;
  pausedSince: Date | null;
  /** Working minutes the resolution clock was paused, up to asOf. */
  pausedMinutes: number;
  closed: boolean;
  resolvedAt: Date | null;
  reopenCount: number;
  /** The earliest warning or deadline of a running clock (possibly past): the escalator's index. */
  nextDueAt: Date | null;
}

export type SlaTarget = 'firstReply' | 'resolution';
