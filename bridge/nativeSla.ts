import { Knex } from 'knex';
import { BxsupError } from '../core/errors';

/** A row of b_ticket_sla_shedule (sic) for one SLA / timetable; the caller selects the rows. */
export interface NativeScheduleRow {
  WEEKDAY_NUMBER: number | string; // 0 = Monday … 6 = Sunday
  OPEN_TIME: string; // '24H' | 'CLOSED' | 'CUSTOM'
  MINUTE_FROM: number | string | null; // minutes since local midnight
  MINUTE_TILL: number | string | null;
}

/** A row of b_ticket_holidays linked to the SLA (b_ticket_sla_2_holidays); dates are native local time. */
export interface NativeHolidayRow {
  OPEN_TIME: string; // 'HOLIDAY' | 'HOLIDAY_H' | 'WORKDAY_H' | 'WORKDAY_0' … 'WORKDAY_6'
  DATE_FROM: string | null;
  DATE_TILL: string | null;
}

/**
 * Reads a native SLA level's weekly schedule and holidays, for calendarFromNativeSchedule. Newer modules
 * key b_ticket_sla_shedule (sic) by the level's TIMETABLE_ID and write SLA_ID = 0; older ones key it by
 * SLA_ID: the timetable's rows win when there are any.
 */
type Reader = Knex | Knex.Transaction;

export interface NativeSlaSchedule {
  name: string;
  schedule: NativeScheduleRow[];
  holidays: NativeHolidayRow[];
}

export async function readNativeSlaSchedule(
  db: Reader,
  slaId: number,
  key: string,
): Promise<NativeSlaSchedule> {
  const sla = (await db('b_ticket_sla').where({ ID: slaId }).first('ID', 'NAME', 'TIMETABLE_ID')) as
    { ID: number; NAME: string; TIMETABLE_ID: number | null } | undefined;
  if (!sla) {
    throw new BxsupError(
      'CONFIG_INVALID',
      `${key}: there is no native SLA level with ID ${slaId} (b_ticket_sla): use an ID from Services > Helpdesk > SLA`,
    );
  }
  const columns = ['WEEKDAY_NUMBER', 'OPEN_TIME', 'MINUTE_FROM', 'MINUTE_TILL'];
  let schedule: NativeScheduleRow[] = [];
  if (sla.TIMETABLE_ID) {
    schedule = await db('b_ticket_sla_shedule').where({ TIMETABLE_ID: sla.TIMETABLE_ID }).select(columns);
  }
  if (schedule.length === 0)
    schedule = await db('b_ticket_sla_shedule').where({ SLA_ID: slaId }).select(columns);
  const holidays = (await db('b_ticket_holidays as h')
    .join('b_ticket_sla_2_holidays as l', 'l.HOLIDAYS_ID', 'h.ID')
    .where('l.SLA_ID', slaId)
    .select('h.OPEN_TIME', 'h.DATE_FROM', 'h.DATE_TILL')) as NativeHolidayRow[];
  return { name: sla.NAME, schedule, holidays };
}
