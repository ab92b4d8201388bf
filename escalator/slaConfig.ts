import { BxsupError } from '../core/errors';
import { BusinessCalendar } from './calendar';
import { PRIORITIES, Priority } from '../core/ticketVocabulary';
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

const TARGET_KEYS: ReadonlyArray<keyof SlaTargets> = ['firstReplyMinutes', 'resolutionMinutes'];

function invalid(key: string, problem: string): BxsupError {
  return new BxsupError('CONFIG_INVALID', `invalid configuration: ${key} ${problem}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function minutes(value: unknown, key: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalid(key, `is ${JSON.stringify(value)}: give a number of working minutes greater than 0`);
  }
  return value;
}

function priorityKeys(value: unknown, key: string): Record<string, unknown> {
  if (!isRecord(value)) throw invalid(key, 'must be an object keyed by priority 1 (low) … 4 (critical)');
  for (const p of Object.keys(value)) {
    if (!PRIORITIES.map(String).includes(p)) {
      throw invalid(`${key}.${p}`, 'is not a priority: use 1 (low), 2 (normal), 3 (high) or 4 (critical)');
    }
  }
  return value;
}

/** A validated policy with its calendars built once, for computeSla to use on every ticket. */
export class SlaPolicy {
  private constructor(
    private readonly config: SlaPolicyConfig,
    private readonly calendar: BusinessCalendar,
    private readonly categoryCalendars: ReadonlyMap<string, BusinessCalendar>,
    readonly pauseStatuses: ReadonlySet<string>,
  ) {}

  /** Throws a CONFIG_INVALID BxsupError naming `path.key` and saying how to fix it. */
  static from(config: SlaPolicyConfig, path = 'sla'): SlaPolicy {
    const raw: unknown = config;
    if (!isRecord(raw)) throw invalid(path, 'must be an object (see DEFAULT_SLA_POLICY)');
    const targets = priorityKeys(raw.targets, `${path}.targets`);
    for (const p of PRIORITIES) {
      const t = targets[p];
      if (!isRecord(t))
        throw invalid(`${path}.targets.${p}`, 'is missing: give { firstReplyMinutes, resolutionMinutes }');
      for (const k of TARGET_KEYS) minutes(t[k], `${path}.targets.${p}.${k}`);
    }
    const overrides = raw.categoryOverrides ?? {};
    if (!isRecord(overrides))
      throw invalid(`${path}.categoryOverrides`, 'must be an object keyed by category code');
    for (const [category, byPriority] of Object.entries(overrides)) {
      const key = `${path}.categoryOverrides.${category}`;
      for (const [p, t] of Object.entries(priorityKeys(byPriority, key))) {
        if (!isRecord(t))
          throw invalid(`${key}.${p}`, 'must be an object with firstReplyMinutes and/or resolutionMinutes');
        for (const k of Object.keys(t)) {
          if (!(TARGET_KEYS as readonly string[]).includes(k)) {
            throw invalid(`${key}.${p}.${k}`, `is unknown: use ${TARGET_KEYS.join(' or ')}`);
          }
          minutes(t[k], `${key}.${p}.${k}`);
        }
      }
    }
    const pct = raw.warningPercent;
    if (typeof pct !== 'number' || !(pct > 0 && pct <= 100)) {
      throw invalid(
        `${path}.warningPercent`,
        `is ${JSON.stringify(pct)}: give a percentage greater than 0 and at most 100`,
      );
    }
    if (!Array.isArray(raw.pauseStatuses) || !raw.pauseStatuses.every((s) => typeof s === 'string')) {
      throw invalid(
        `${path}.pauseStatuses`,
        "must be a list of status codes, e.g. ['awaiting_reply'] ([] = none)",
      );
    }
    if (typeof raw.pauseWhenStaffSpokeLast !== 'boolean') {
      throw invalid(`${path}.pauseWhenStaffSpokeLast`, 'must be true or false');
    }
    const calendars = raw.categoryCalendars ?? {};
    if (!isRecord(calendars))
      throw invalid(`${path}.categoryCalendars`, 'must be an object keyed by category code');
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
