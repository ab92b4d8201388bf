import type { SampleSummary } from './percentiles';

export const REPORT_DIMENSIONS = ['category', 'operator', 'priority', 'site', 'week'] as const;
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];

/** The tickets a report is about: created in [from, to), site-local dates in `zone`. */
export interface ReportWindow {
  from: Date;
  to: Date;
  zone: string;
}

/** A duration sample in wall-clock minutes and in business minutes of the SLA calendar. */
export interface DurationStats {
  wall: SampleSummary;
  business: SampleSummary;
}

/**
 * Met: the clock stopped (first reply; resolution) at or before the deadline. Breached: it stopped
 * after it, or is still running past it. Pending: still running, deadline ahead: not counted in
 * `percent` = met / (met + breached) · 100 (null when nothing is decided yet).
 */
export interface Compliance {
  met: number;
  breached: number;
  pending: number;
  percent: number | null;
}

export interface GroupStats {
  key: string;
  label: string;
  tickets: number;
  firstReply: DurationStats;
  resolution: DurationStats;
  firstReplyCompliance: Compliance;
  resolutionCompliance: Compliance;
  /** Tickets with a breach of that target; `tickets`: with at least one. */
  breaches: { firstReply: number; resolution: number; tickets: number };
  /** Tickets reopened at least once, of those ever resolved; rate in percent. */
  reopen: { reopened: number; everResolved: number; percent: number | null };
  orderLinked: number;
  notOrderLinked: number;
}

/** Per operator (the ticket's current assignee, b_ticket.RESPONSIBLE_USER_ID). */
export interface OperatorStats {
  operatorId: number | null;
  name: string;
  ticketsHandled: number;
  /** Of their tickets, those that got a first reply. */
  firstReplies: number;
  medianFirstReplyMinutes: number | null;
  medianFirstReplyBusinessMinutes: number | null;
  /** Their tickets with a first-reply or resolution breach. */
  breaches: number;
}

export interface WeekPoint {
  /** Monday of the week, local date YYYY-MM-DD. */
  weekStart: string;
  /** ISO week, e.g. 2024-W11. */
  label: string;
  tickets: number;
  firstReplyCompliance: Compliance;
  resolutionCompliance: Compliance;
}

export interface HistogramBin {
  label: string;
  fromMinutes: number;
  /** Exclusive; null = no upper bound. */
  toMinutes: number | null;
  tickets: number;
}

export interface EscalationCount {
  level: string;
  firstReply: number;
  resolution: number;
  /** Other targets (assignment) and the two above together. */
  total: number;
}

export interface Report {
  generatedAt: Date;
  window: ReportWindow;
  calendar: { source: 'sla.calendar' | '24/7'; timeZone: string };
  percentileMethod: 'nearest-rank';
  totals: GroupStats;
  by: { dimension: ReportDimension; groups: GroupStats[] } | null;
  weekly: WeekPoint[];
  /** First-reply times in business minutes. */
  firstReplyDistribution: HistogramBin[];
  /** Open tickets now by age (wall clock), whatever the window. */
  backlog: { asOf: Date; total: number; buckets: HistogramBin[] };
  /**
   * Escalations the agent applied in the window (fired_at in [from, to); baseline records of tickets
   * already overdue at install are not counted), by level name; null without bl_support_escalation.
   */
  escalations: { total: number; byLevel: EscalationCount[] } | null;
  operators: OperatorStats[];
}
