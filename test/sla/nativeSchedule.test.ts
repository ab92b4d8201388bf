import {
  BusinessCalendar,
  NativeHolidayRow,
  NativeScheduleRow,
  calendarFromNativeSchedule,
} from '../../sla/calendar';

/** Rows shaped like b_ticket_sla_shedule / b_ticket_holidays as mysql2 returns them. */
const custom = (weekday: number, from: number | null, till: number | null): NativeScheduleRow => ({
  WEEKDAY_NUMBER: weekday,
  OPEN_TIME: 'CUSTOM',
  MINUTE_FROM: from,
  MINUTE_TILL: till,
});

const schedule: NativeScheduleRow[] = [
  // Mon–Thu (0–3): 540–780 = 09:00–13:00, 840–1080 = 14:00–18:00.
  ...[0, 1, 2, 3].flatMap((d) => [custom(d, 540, 780), custom(d, 840, 1080)]),
  // Friday: a reversed row (the module takes min/max), an overlapping one (merged), a short afternoon.
  custom(4, 780, 540),
  custom(4, 600, 720),
  custom(4, 840, 1020),
  // Saturday: a '24H' row wins over CUSTOM rows of the same day.
  { WEEKDAY_NUMBER: '5', OPEN_TIME: '24H', MINUTE_FROM: null, MINUTE_TILL: null },
  custom(5, 600, 700),
  { WEEKDAY_NUMBER: 6, OPEN_TIME: 'CLOSED', MINUTE_FROM: 0, MINUTE_TILL: 0 },
];

const holiday = (
  OPEN_TIME: string,
  DATE_FROM: string | null,
  DATE_TILL: string | null,
): NativeHolidayRow => ({
  OPEN_TIME,
  DATE_FROM,
  DATE_TILL,
});

const holidays: NativeHolidayRow[] = [
  // Both dates inclusive: the module walks days while day-begin ≤ DATE_TILL.
  holiday('HOLIDAY', '2024-01-01 00:00:00', '2024-01-02 00:00:00'),
  // A short Thursday before a holiday: 16:00–18:00 cut out.
  holiday('HOLIDAY_H', '2024-03-07 16:00:00', '2024-03-07 18:00:00'),
  // Sunday 03-10 opened 10:00–12:00.
  holiday('WORKDAY_H', '2024-03-10 10:00:00', '2024-03-10 12:00:00'),
  // Sunday 04-28 works like a Monday (WORKDAY_0, 0 = Monday).
  holiday('WORKDAY_0', '2024-04-28 00:00:00', '2024-04-28 00:00:00'),
  // Monday 05-06 "works like a Sunday", which is CLOSED: a day off.
  holiday('WORKDAY_6', '2024-05-06 00:00:00', '2024-05-06 00:00:00'),
  // Cut from Wed 05-08 12:00 to Thu 05-09 10:00: Wed keeps 09–12, Thu keeps 10–13 and 14–18.
  holiday('HOLIDAY_H', '2024-05-08 12:00:00', '2024-05-09 10:00:00'),
  // Saturday 06-01 works like a Saturday: same as the weekly hours, so no entry.
  holiday('WORKDAY_5', '2024-06-01 00:00:00', '2024-06-01 00:00:00'),
  // Zero dates and NULLs mean "none": ignored as the module ignores them.
  holiday('HOLIDAY', '0000-00-00 00:00:00', '0000-00-00 00:00:00'),
  holiday('HOLIDAY', null, null),
];

describe('calendarFromNativeSchedule', () => {
  it('maps weekly rows and holiday rows the way the support module reads them', () => {
    const nineToSix: Array<[string, string]> = [
      ['09:00', '13:00'],
      ['14:00', '18:00'],
    ];
    expect(calendarFromNativeSchedule(schedule, holidays, 'Europe/Moscow')).toEqual({
      timeZone: 'Europe/Moscow',
      week: {
        mon: nineToSix,
        tue: nineToSix,
        wed: nineToSix,
        thu: nineToSix,
        fri: [
          ['09:00', '13:00'],
          ['14:00', '17:00'],
        ],
        sat: [['00:00', '24:00']],
        sun: [],
      },
      holidays: ['2024-01-01', '2024-01-02', '2024-05-06'],
      specialDays: {
        '2024-03-07': [
          ['09:00', '13:00'],
          ['14:00', '16:00'],
        ],
        '2024-03-10': [['10:00', '12:00']],
        '2024-04-28': nineToSix,
        '2024-05-08': [['09:00', '12:00']],
        '2024-05-09': [
          ['10:00', '13:00'],
          ['14:00', '18:00'],
        ],
      },
    });
  });

  it('builds a calendar BusinessCalendar accepts', () => {
    const calendar = BusinessCalendar.from(calendarFromNativeSchedule(schedule, holidays, 'Europe/Moscow'));
    // Sunday 03-10 03:00 MSK → Monday 03:00 MSK: only the special 10:00–12:00.
    expect(
      calendar.workingMinutesBetween(new Date('2024-03-10T00:00:00Z'), new Date('2024-03-11T00:00:00Z')),
    ).toBe(120);
    // Tue 2024-01-02 is a holiday: Mon 01-01 and Tue closed, Wed 01-03 09:00 MSK (06:00Z) + 60.
    expect(calendar.addWorkingMinutes(new Date('2023-12-31T21:00:00Z'), 60).toISOString()).toBe(
      '2024-01-03T07:00:00.000Z',
    );
  });

  it('treats no rows as 24/7 (the module then inserts 24H rows) and a day without rows as closed', () => {
    expect(calendarFromNativeSchedule([], [], 'UTC')).toEqual({ timeZone: 'UTC' });
    const allDay = [0, 1, 2, 3, 4, 5, 6].map((d) => ({
      WEEKDAY_NUMBER: d,
      OPEN_TIME: '24H',
      MINUTE_FROM: 0,
      MINUTE_TILL: 0,
    }));
    expect(calendarFromNativeSchedule(allDay, [], 'UTC')).toEqual({ timeZone: 'UTC' });
    expect(calendarFromNativeSchedule([custom(0, 540, 1080)], [], 'UTC').week).toEqual({
      mon: [['09:00', '18:00']],
      tue: [],
      wed: [],
      thu: [],
      fri: [],
      sat: [],
      sun: [],
    });
  });

  it('reads a day end of 23:59:59 as 24:00', () => {
    const config = calendarFromNativeSchedule(
      [custom(0, 540, 1080)],
      [holiday('WORKDAY_H', '2024-03-09 20:00:00', '2024-03-10 23:59:59')],
      'UTC',
    );
    expect(config.specialDays).toEqual({
      '2024-03-09': [['20:00', '24:00']],
      '2024-03-10': [['00:00', '24:00']],
    });
  });
});
