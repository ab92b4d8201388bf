import { BusinessCalendar } from './calendar';
import { Priority } from '../core/ticketVocabulary';
import { SlaPolicyConfig, SlaTargets } from './slaTypes';

/**
 * Defaults: targets per priority in working minutes, a 24/7 calendar (a site configures its own hours),
 * and no pauses: Bitrix ships no "waiting for customer" status, and pausing whenever staff spoke last
 * would let a one-line "we are looking into it" stop the clock, so both are opt-in.
 */
export const DEFAULT_SLA_POLICY: SlaPolicyConfig = {
  targets: {
    4: { firstReplyMinutes: 60, resolutionMinutes: 240 },
    3: { firstReplyMinutes: 240, resolutionMinutes: 1440 },
    2: { firstReplyMinutes: 480, resolutionMinutes: 2880 },
    1: { firstReplyMinutes: 1440, resolutionMinutes: 5760 },
  },
  warningPercent: 80,
  calendar: { timeZone: 'UTC' },
  pauseStatuses: [],
  pauseWhenStaffSpokeLast: false,
};

/**
 * The SLA matrix: targets per priority (and per category and priority where overridden), the warning
 * share, the calendars and the pause rules, with the calendars built once for computeSla
 * (slaEngine.ts) to use on every ticket.
 */
export class SlaPolicy {
  private constructor(
    private readonly config: SlaPolicyConfig,
    private readonly calendar: BusinessCalendar,
    private readonly categoryCalendars: ReadonlyMap<string, BusinessCalendar>,
    readonly pauseStatuses: ReadonlySet<string>,
  ) {}

  /**
   * `config` is already checked: the `sla` section by its zod schema (slaSchema.ts, whose errors name
   * the keys users write), then turned into numbers by slaPolicyConfig. Only the calendars are built
   * here; `path` names their keys in an error.
   */
  static from(config: SlaPolicyConfig, path = 'sla'): SlaPolicy {
    return new SlaPolicy(
      config,
      BusinessCalendar.from(config.calendar, `${path}.calendar`),
      new Map(
        Object.entries(config.categoryCalendars ?? {}).map(([c, cal]) => [
          c,
          BusinessCalendar.from(cal, `${path}.categoryCalendars.${c}`),
        ]),
      ),
      new Set(config.pauseStatuses),
    );
  }

  get warningPercent(): number {
    return this.config.warningPercent;
  }

  get pauseWhenStaffSpokeLast(): boolean {
    return this.config.pauseWhenStaffSpokeLast;
  }

  targetsFor(priority: Priority, category: string | null): SlaTargets {
    const base = this.config.targets[priority];
    const override = category === null ? undefined : this.config.categoryOverrides?.[category]?.[priority];
    return { ...base, ...override };
  }

  calendarFor(category: string | null): BusinessCalendar {
    return (category === null ? undefined : this.categoryCalendars.get(category)) ?? this.calendar;
  }
}
