import { BxsupError } from '../../core/errors';
import { BusinessCalendar, CalendarConfig, TimeRange } from '../../sla/calendar';

/**
 * Every expected instant below is worked out by hand from the wall clock (CET = UTC+1, CEST = UTC+2,
 * EST = UTC−5, EDT = UTC−4, MSK = UTC+3 all year). 2024 switches: Berlin 03-31 (02:00→03:00) and
 * 10-27 (03:00→02:00); New York 03-10 (02:00→03:00) and 11-03 (02:00→01:00). 2024-01-01 is a Monday.
 */
const weekdays = (ranges: TimeRange[]) => ({
  mon: ranges,
  tue: ranges,
  wed: ranges,
  thu: ranges,
  fri: ranges,
});
const everyDay = (ranges: TimeRange[]) => ({ ...weekdays(ranges), sat: ranges, sun: ranges });
const LUNCH_BREAK: TimeRange[] = [
  ['09:00', '13:00'],
  ['14:00', '18:00'],
];

const calendars = {
  berlin: { timeZone: 'Europe/Berlin', week: weekdays(LUNCH_BREAK), holidays: ['2024-12-25', '2024-12-26'] },
  newYork: { timeZone: 'America/New_York', week: weekdays([['09:00', '17:00']]) },
  moscow: {
    timeZone: 'Europe/Moscow',
    week: weekdays(LUNCH_BREAK),
    holidays: ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08'],
  },
  berlinNights: { timeZone: 'Europe/Berlin', week: everyDay([['00:00', '06:00']]) },
  berlinSkipped: {
    timeZone: 'Europe/Berlin',
    week: everyDay([
      ['02:30', '04:00'],
      ['09:00', '10:00'],
    ]),
  },
  berlinInsideGap: {
    timeZone: 'Europe/Berlin',
    week: everyDay([
      ['02:15', '02:45'],
      ['09:00', '10:00'],
    ]),
  },
  newYorkSundays: { timeZone: 'America/New_York', week: { sun: [['00:00', '24:00']] } },
  moscowEvenings: { timeZone: 'Europe/Moscow', week: everyDay([['20:00', '24:00']]) },
  berlin247: { timeZone: 'Europe/Berlin' },
  newYork247: { timeZone: 'America/New_York' },
  berlin247Holiday: { timeZone: 'Europe/Berlin', holidays: ['2024-03-31'] },
} satisfies Record<string, CalendarConfig>;
type Name = keyof typeof calendars;
const cal = (name: Name) => BusinessCalendar.from(calendars[name]);

describe('BusinessCalendar.addWorkingMinutes', () => {
  const rows: Array<[string, Name, string, number, string]> = [
    ['inside a morning', 'berlin', '2024-01-15T08:00:00Z', 60, '2024-01-15T09:00:00Z'],
    // Mon 12:30 CET: 30 min to 13:00, lunch, 30 min from 14:00 → 14:30 CET.
    ['across lunch', 'berlin', '2024-01-15T11:30:00Z', 60, '2024-01-15T13:30:00Z'],
    // Mon 17:30 CET: 30 min to 18:00, then Tue 09:00 + 30 → 09:30 CET.
    ['across a night', 'berlin', '2024-01-15T16:30:00Z', 60, '2024-01-16T08:30:00Z'],
    // Fri 17:00 CET: 60 min Friday, weekend closed, Mon 09:00 + 60 → 10:00 CET.
    ['across a weekend', 'berlin', '2024-01-19T16:00:00Z', 120, '2024-01-22T09:00:00Z'],
    // Saturday: the clock waits for Mon 09:00 CET, + 30.
    ['from a closed day', 'berlin', '2024-01-20T10:00:00Z', 30, '2024-01-22T08:30:00Z'],
    ['zero minutes is the start itself', 'berlin', '2024-01-20T10:00:00Z', 0, '2024-01-20T10:00:00Z'],
    // A full day (240 + 240) ends at 18:00 CET the same day, not at the next opening.
    ['used up at close of business', 'berlin', '2024-01-15T08:00:00Z', 480, '2024-01-15T17:00:00Z'],
    // Tue 12-24 17:00 CET: 60 min, 25th and 26th holidays, Fri 27th 09:00 + 60 → 10:00 CET.
    ['across holidays', 'berlin', '2024-12-24T16:00:00Z', 120, '2024-12-27T09:00:00Z'],
    // Fri 03-29 17:00 CET: 60 min, then Mon 04-01 09:00 CEST (07:00Z) + 60 → 08:00Z.
    ['Berlin spring forward weekend', 'berlin', '2024-03-29T16:00:00Z', 120, '2024-04-01T08:00:00Z'],
    // Fri 10-25 17:00 CEST (15:00Z): 60 min, then Mon 10-28 09:00 CET (08:00Z) + 60 → 09:00Z.
    ['Berlin fall back weekend', 'berlin', '2024-10-25T15:00:00Z', 120, '2024-10-28T09:00:00Z'],
    // 2024 has 262 weekdays (52 weeks + Mon 12-30, Tue 12-31), minus 2 holidays = 260 × 480 = 124800;
    // the last minute ends Tue 12-31 18:00 CET.
    ['a whole year', 'berlin', '2024-01-01T00:00:00Z', 124800, '2024-12-31T17:00:00Z'],
    // Fri 03-08 16:00 EST (21:00Z): 60 min, Mon 03-11 09:00 EDT (13:00Z) + 60 → 14:00Z.
    ['New York spring forward weekend', 'newYork', '2024-03-08T21:00:00Z', 120, '2024-03-11T14:00:00Z'],
    // Fri 11-01 16:00 EDT (20:00Z): 60 min, Mon 11-04 09:00 EST (14:00Z) + 60 → 15:00Z.
    ['New York fall back weekend', 'newYork', '2024-11-01T20:00:00Z', 120, '2024-11-04T15:00:00Z'],
    // No DST in Moscow: Fri 03-29 17:00 MSK, 60 min, Mon 04-01 09:00 MSK (06:00Z) + 60 → 07:00Z.
    ['Moscow, no switch', 'moscow', '2024-03-29T14:00:00Z', 120, '2024-04-01T07:00:00Z'],
    // Fri 2023-12-29 17:00 MSK: 60 min; Jan 1–8 are holidays or weekend; Tue 01-09 09:00 + 60 → 07:00Z.
    ['Moscow new-year holidays', 'moscow', '2023-12-29T14:00:00Z', 120, '2024-01-09T07:00:00Z'],
    // Night shift on 03-31 runs 00:00 CET (03-30 23:00Z) to 06:00 CEST (03-31 04:00Z): 5 real hours.
    ['a short night shift used up', 'berlinNights', '2024-03-30T23:00:00Z', 300, '2024-03-31T04:00:00Z'],
    // One minute more: next shift opens 04-01 00:00 CEST = 03-31 22:00Z.
    [
      'a short night shift and one minute',
      'berlinNights',
      '2024-03-30T23:00:00Z',
      301,
      '2024-03-31T22:01:00Z',
    ],
    // '24:00' end: Mon 23:00 MSK, 60 min to midnight, Tue 20:00 MSK (17:00Z) + 60 → 18:00Z.
    ["a range ending at '24:00'", 'moscowEvenings', '2024-04-01T20:00:00Z', 120, '2024-04-02T18:00:00Z'],
    // 24/7 counts real time: 24 real hours after Sat 03-30 00:00 CET is Mon 01:00 CEST on the wall clock.
    ['24/7 across spring forward', 'berlin247', '2024-03-30T23:00:00Z', 1440, '2024-03-31T23:00:00Z'],
  ];
  it.each(rows)('%s', (_label, name, start, minutes, expected) => {
    expect(cal(name).addWorkingMinutes(new Date(start), minutes).toISOString()).toBe(
      new Date(expected).toISOString(),
    );
  });

  it('rejects negative or non-finite minutes', () => {
    expect(() => cal('berlin').addWorkingMinutes(new Date('2024-01-15T08:00:00Z'), -1)).toThrow(RangeError);
    expect(() => cal('berlin').addWorkingMinutes(new Date('2024-01-15T08:00:00Z'), NaN)).toThrow(RangeError);
  });
});

describe('BusinessCalendar.workingMinutesBetween', () => {
  const rows: Array<[string, Name, string, string, number]> = [
    // Mon 08:00 CET → Tue 18:00 CET: two full days of 480.
    ['two full days', 'berlin', '2024-01-15T07:00:00Z', '2024-01-16T17:00:00Z', 960],
    // Fri 13:00 CET (lunch) → Mon 10:00 CET: Fri 14–18 (240) + Mon 09–10 (60).
    ['over a weekend', 'berlin', '2024-01-19T12:00:00Z', '2024-01-22T09:00:00Z', 300],
    ['reversed arguments are negative', 'berlin', '2024-01-22T09:00:00Z', '2024-01-19T12:00:00Z', -300],
    ['an empty span', 'berlin', '2024-01-22T09:00:00Z', '2024-01-22T09:00:00Z', 0],
    // Mon 09:00 CET → Mon 09:00 CEST: five days of 9–18 minus lunch, the switch does not shorten any.
    ['a week over spring forward', 'berlin', '2024-03-25T08:00:00Z', '2024-04-01T07:00:00Z', 2400],
    ['a week over fall back', 'berlin', '2024-10-21T07:00:00Z', '2024-10-28T08:00:00Z', 2400],
    [
      'a whole year (see addWorkingMinutes)',
      'berlin',
      '2024-01-01T00:00:00Z',
      '2025-01-01T00:00:00Z',
      124800,
    ],
    // Mon 09:00 EST → Mon 09:00 EDT: 5 × 480.
    ['New York week over spring forward', 'newYork', '2024-03-04T14:00:00Z', '2024-03-11T13:00:00Z', 2400],
    ['Moscow Fri → Mon', 'moscow', '2024-10-25T06:00:00Z', '2024-10-28T06:00:00Z', 480],
    // The 03-31 night shift: 00:00 CET (03-30 23:00Z) → 06:00 CEST (04:00Z) = 5 h.
    ['night shift on spring forward', 'berlinNights', '2024-03-30T12:00:00Z', '2024-03-31T12:00:00Z', 300],
    // The 10-27 night shift: 00:00 CEST (10-26 22:00Z) → 06:00 CET (05:00Z) = 7 h.
    ['night shift on fall back', 'berlinNights', '2024-10-26T12:00:00Z', '2024-10-27T12:00:00Z', 420],
    // A normal Sunday: 02:30–04:00 (90) + 09:00–10:00 (60).
    ['range at 02:30, normal Sunday', 'berlinSkipped', '2024-03-23T22:30:00Z', '2024-03-24T22:00:00Z', 150],
    // 03-31: 02:30 does not exist, the range opens at the switch 03:00 CEST (01:00Z) and closes at
    // 04:00 CEST (02:00Z): 60; plus 09–10: 60.
    ['range at 02:30, spring forward', 'berlinSkipped', '2024-03-30T22:30:00Z', '2024-03-31T21:00:00Z', 120],
    // 10-27: opens at the first 02:30 (CEST, 00:30Z), closes at 04:00 CET (03:00Z): 150; plus 09–10: 60.
    ['range at 02:30, fall back', 'berlinSkipped', '2024-10-26T21:00:00Z', '2024-10-27T22:00:00Z', 210],
    // 02:15–02:45 lies wholly in the skipped hour: 0 real minutes; only 09–10 counts.
    ['range inside the skipped hour', 'berlinInsideGap', '2024-03-30T22:30:00Z', '2024-03-31T21:00:00Z', 60],
    // Sunday 03-10 00:00 EST (05:00Z) → 03-11 00:00 EDT (04:00Z): 23 real hours.
    [
      'a 00:00–24:00 day on spring forward',
      'newYorkSundays',
      '2024-03-09T12:00:00Z',
      '2024-03-12T12:00:00Z',
      1380,
    ],
    // Sunday 11-03 00:00 EDT (04:00Z) → 11-04 00:00 EST (05:00Z): 25 real hours.
    [
      'a 00:00–24:00 day on fall back',
      'newYorkSundays',
      '2024-11-02T12:00:00Z',
      '2024-11-05T12:00:00Z',
      1500,
    ],
    ['24/7 New York spring forward day', 'newYork247', '2024-03-10T05:00:00Z', '2024-03-11T04:00:00Z', 1380],
    ['24/7 New York fall back day', 'newYork247', '2024-11-03T04:00:00Z', '2024-11-04T05:00:00Z', 1500],
    // 48 real hours minus the 23-hour holiday 03-31 (03-30 23:00Z → 03-31 22:00Z).
    [
      '24/7 with a holiday on a switch day',
      'berlin247Holiday',
      '2024-03-30T12:00:00Z',
      '2024-04-01T12:00:00Z',
      1500,
    ],
  ];
  it.each(rows)('%s', (_label, name, a, b, expected) => {
    expect(cal(name).workingMinutesBetween(new Date(a), new Date(b))).toBe(expected);
  });
});

describe('BusinessCalendar.isWorkingTime', () => {
  const rows: Array<[string, Name, string, boolean]> = [
    ['opening minute (09:00 CET)', 'berlin', '2024-01-15T08:00:00Z', true],
    ['before opening (08:59 CET)', 'berlin', '2024-01-15T07:59:00Z', false],
    ['last minute before lunch (12:59)', 'berlin', '2024-01-15T11:59:00Z', true],
    ['lunch starts (13:00, ends are exclusive)', 'berlin', '2024-01-15T12:00:00Z', false],
    ['after lunch (14:00)', 'berlin', '2024-01-15T13:00:00Z', true],
    ['Saturday', 'berlin', '2024-01-20T10:00:00Z', false],
    ['a holiday', 'berlin', '2024-12-25T09:00:00Z', false],
    ['09:00 CEST after the switch', 'berlin', '2024-04-01T07:00:00Z', true],
    ['08:30 CEST (would be 07:30 in CET)', 'berlin', '2024-04-01T06:30:00Z', false],
    ['01:59 CET, just before the gap', 'berlinSkipped', '2024-03-31T00:59:00Z', false],
    ['03:00 CEST, first instant after the gap', 'berlinSkipped', '2024-03-31T01:00:00Z', true],
    ['24/7', 'berlin247', '2024-03-31T01:30:00Z', true],
  ];
  it.each(rows)('%s', (_label, name, at, expected) => {
    expect(cal(name).isWorkingTime(new Date(at))).toBe(expected);
  });
});

describe('BusinessCalendar.from validation', () => {
  const base = calendars.berlin;
  const rows: Array<[string, unknown, RegExp]> = [
    ['unknown zone', { timeZone: 'Europe/Berlinn' }, /calendar\.timeZone .*IANA time zone/],
    ['unknown key', { timeZone: 'UTC', weeks: {} }, /calendar\.weeks is unknown/],
    [
      'unknown weekday',
      { ...base, week: { monday: LUNCH_BREAK } },
      /calendar\.week\.monday is not a weekday: use mon/,
    ],
    [
      'time without leading zero',
      { ...base, week: { mon: [['9:00', '13:00']] } },
      /calendar\.week\.mon\[0\]\[0\].*'HH:mm'/,
    ],
    ['24:00 as a start', { ...base, week: { mon: [['24:00', '24:00']] } }, /calendar\.week\.mon\[0\]\[0\]/],
    [
      'minutes out of range',
      { ...base, week: { mon: [['09:00', '17:60']] } },
      /calendar\.week\.mon\[0\]\[1\]/,
    ],
    [
      'crossing midnight',
      { ...base, week: { fri: [['22:00', '06:00']] } },
      /week\.fri\[0\].*split it into \['22:00', '24:00'\]/,
    ],
    [
      'overlap',
      {
        ...base,
        week: {
          mon: [
            ['09:00', '13:00'],
            ['12:00', '18:00'],
          ],
        },
      },
      /calendar\.week\.mon has overlapping ranges/,
    ],
    [
      'no hours at all',
      { ...base, week: { sat: [] } },
      /calendar\.week has no working hours.*leave "week" out/,
    ],
    [
      'impossible date',
      { ...base, holidays: ['2024-02-30'] },
      /calendar\.holidays\[0\] is "2024-02-30".*'YYYY-MM-DD'/,
    ],
    [
      'special day also a holiday',
      { ...base, specialDays: { '2024-12-25': [] } },
      /specialDays\.2024-12-25 is also a holiday/,
    ],
  ];
  it.each(rows)('%s', (_label, config, message) => {
    const build = () => BusinessCalendar.from(config as CalendarConfig);
    expect(build).toThrow(BxsupError);
    expect(build).toThrow(message);
  });

  it('names the caller’s path in the message', () => {
    expect(() => BusinessCalendar.from({ timeZone: 'Mars/Olympus' }, 'sla.calendar')).toThrow(
      /sla\.calendar\.timeZone/,
    );
  });

  it('accepts adjacent ranges and a special day', () => {
    const c = BusinessCalendar.from({
      timeZone: 'Europe/Berlin',
      week: {
        mon: [
          ['09:00', '12:00'],
          ['12:00', '13:00'],
        ],
      },
      specialDays: { '2024-01-16': [['10:00', '11:00']] }, // a Tuesday, normally closed
    });
    // Mon 01-15 09:00 CET → Wed 01-17: Monday 240 + Tuesday 60.
    expect(c.workingMinutesBetween(new Date('2024-01-15T08:00:00Z'), new Date('2024-01-17T00:00:00Z'))).toBe(
      300,
    );
  });
});
