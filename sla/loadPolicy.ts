import { Knex } from 'knex';
import { readNativeSlaSchedule } from '../bridge/nativeSla';
import { CalendarConfig } from './calendarConfig';
import { calendarFromNativeSchedule } from './nativeSchedule';
import { Priority, PriorityName, priorityNamed } from '../core/ticketVocabulary';
import { CalendarSpec, PriorityTargets, SlaSection } from './slaSchema';
import { DEFAULT_SLA_POLICY, SlaPolicy } from './slaMatrix';
import { SlaPolicyConfig, SlaTargets } from './slaTypes';

/**
 * Builds the SlaPolicy from the `sla` section: names become priority numbers, defaults fill what is
 * left out, calendars get the site's zone unless they name one, and `fromNativeSla` calendars are read
 * from the site's own SLA tables. Done once at start-up (and per CLI run): native schedules change rarely.
 */
export async function loadSlaPolicy(db: Knex, section: SlaSection, siteZone: string): Promise<SlaPolicy> {
  return SlaPolicy.from(await slaPolicyConfig(db, section, siteZone), 'sla');
}

export async function slaPolicyConfig(
  db: Knex,
  section: SlaSection,
  siteZone: string,
): Promise<SlaPolicyConfig> {
  const targets = { ...DEFAULT_SLA_POLICY.targets };
  for (const [p, t] of priorityEntries(section.targets)) targets[p] = { ...targets[p], ...t };
  const categoryOverrides: NonNullable<SlaPolicyConfig['categoryOverrides']> = {};
  for (const [category, byName] of Object.entries(section.categoryOverrides)) {
    categoryOverrides[category] = Object.fromEntries(priorityEntries(byName));
  }
  const categoryCalendars: Record<string, CalendarConfig> = {};
  for (const [category, spec] of Object.entries(section.categoryCalendars)) {
    categoryCalendars[category] = await buildCalendar(
      db,
      spec,
      siteZone,
      `sla.categoryCalendars.${category}`,
    );
  }
  return {
    targets,
    categoryOverrides,
    warningPercent: section.warningPercent,
    calendar: await buildCalendar(db, section.calendar, siteZone, 'sla.calendar'),
    categoryCalendars,
    pauseStatuses: section.pauseStatuses,
    pauseWhenStaffSpokeLast: section.pauseWhenStaffSpokeLast,
  };
}

function priorityEntries(byName: PriorityTargets): Array<[Priority, Partial<SlaTargets>]> {
  return Object.entries(byName)
    .filter((entry): entry is [PriorityName, Partial<SlaTargets>] => entry[1] !== undefined)
    .map(([name, t]) => [priorityNamed(name)!, t]);
}

async function buildCalendar(
  db: Knex,
  spec: CalendarSpec,
  siteZone: string,
  key: string,
): Promise<CalendarConfig> {
  const timeZone = spec.timeZone ?? siteZone;
  if (spec.fromNativeSla !== undefined) {
    // Native schedules are in the web server's wall-clock time, which is the site zone.
    const native = await readNativeSlaSchedule(db, spec.fromNativeSla, `${key}.fromNativeSla`);
    return calendarFromNativeSchedule(native.schedule, native.holidays, timeZone);
  }
  const { fromNativeSla: _unused, ...own } = spec;
  return { ...(own as Omit<CalendarConfig, 'timeZone'>), timeZone };
}
