import { BusinessCalendar } from '../../sla/calendar';
import { BusinessClock } from '../../report/businessClock';

/** The report's hour cache must give exactly the calendar's numbers, whatever the calendar. */
describe('BusinessClock matches BusinessCalendar.workingMsBetween', () => {
  const weekdays = (ranges: Array<[string, string]>) =>
    Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, ranges]));
  const calendars: Array<[string, BusinessCalendar]> = [
    ['24/7', BusinessCalendar.from({ timeZone: 'Europe/Moscow' })],
    [
      'Mon–Fri 9–18 Moscow',
      BusinessCalendar.from({ timeZone: 'Europe/Moscow', week: weekdays([['09:00', '18:00']]) }),
    ],
    [
      'split ranges off the hour, Berlin with DST and a holiday',
      BusinessCalendar.from({
        timeZone: 'Europe/Berlin',
        week: {
          ...weekdays([
            ['08:30', '12:15'],
            ['13:00', '17:45'],
          ]),
          sat: [['00:00', '03:10']],
        },
        holidays: ['2024-03-29'],
      }),
    ],
    [
      'India, +05:30',
      BusinessCalendar.from({ timeZone: 'Asia/Kolkata', week: weekdays([['10:00', '19:00']]) }),
    ],
  ];

  it.each(calendars)('%s', (_name, calendar) => {
    const clock = new BusinessClock(calendar);
    // A deterministic spread of starts over March–April 2024 (across the DST switch) and spans up to 9 days.
    let seed = 42;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const base = Date.parse('2024-03-01T00:00:00Z');
    for (let i = 0; i < 3000; i++) {
      const a = base + Math.floor(random() * 50 * 86_400_000);
      const b = a + Math.floor(random() * 9 * 86_400_000);
      expect(clock.between(a, b)).toBe(calendar.workingMsBetween(a, b));
    }
    expect(clock.between(base, base)).toBe(0);
  });
});
