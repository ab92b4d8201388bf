import { Db } from '../core/db';
import { Config } from '../config/config';
import { BusinessCalendar } from '../sla/calendar';
import { slaPolicyConfig } from '../sla/loadPolicy';

export interface ReportCalendar {
  calendar: BusinessCalendar;
  /** 'sla.calendar' when the SLA has working hours (written out or fromNativeSla); '24/7' otherwise. */
  source: 'sla.calendar' | '24/7';
  timeZone: string;
}

/**
 * The calendar business minutes are counted in: the SLA's own, built exactly as the escalation agent
 * builds it (site zone by default, `fromNativeSla` read from b_ticket_sla*), so the report measures
 * what the agent enforces. Without working hours that calendar is 24/7 and business minutes equal
 * wall-clock minutes.
 */
export async function reportCalendar(db: Db, config: Config, siteZone: string): Promise<ReportCalendar> {
  const spec = config.sla.calendar;
  const hasHours =
    spec.fromNativeSla !== undefined ||
    spec.week !== undefined ||
    (spec.holidays?.length ?? 0) > 0 ||
    Object.keys(spec.specialDays ?? {}).length > 0;
  const policy = await slaPolicyConfig(db, config.sla, siteZone);
  return {
    calendar: BusinessCalendar.from(policy.calendar, 'sla.calendar'),
    source: hasHours ? 'sla.calendar' : '24/7',
    timeZone: policy.calendar.timeZone,
  };
}
