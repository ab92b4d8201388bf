import { DateTime } from 'luxon';
import { instantToNative } from '../../core/time';

/** instantToNative's direct path gives what luxon's DateTime gives, across zones and DST switches. */
const ZONES = [
  'Europe/Moscow',
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'UTC',
  'utc',
  'Etc/GMT-3',
  'UTC+3',
];

const luxon = (instant: Date, zone: string) =>
  DateTime.fromJSDate(instant, { zone }).toFormat('yyyy-MM-dd HH:mm:ss');

describe('instantToNative', () => {
  it.each(ZONES)('matches luxon every 5 h 17 min 13 s over 2011 and 2024 in %s', (zone) => {
    const step = ((5 * 60 + 17) * 60 + 13) * 1000 + 7;
    for (const year of [2011, 2024]) {
      const from = Date.UTC(year, 0, 1);
      const to = Date.UTC(year + 1, 0, 1);
      const differ: string[] = [];
      for (let ms = from; ms < to; ms += step) {
        const instant = new Date(ms);
        if (instantToNative(instant, zone) !== luxon(instant, zone)) differ.push(instant.toISOString());
      }
      expect(differ).toEqual([]);
    }
  });

  it('matches luxon a second either side of the switches', () => {
    // Berlin 2024-03-31 01:00 UTC and 2024-10-27 01:00 UTC; New York 2024-03-10 07:00 and 2024-11-03 06:00.
    const switches = [
      ['Europe/Berlin', Date.UTC(2024, 2, 31, 1)],
      ['Europe/Berlin', Date.UTC(2024, 9, 27, 1)],
      ['America/New_York', Date.UTC(2024, 2, 10, 7)],
      ['America/New_York', Date.UTC(2024, 10, 3, 6)],
      ['Europe/Moscow', Date.UTC(2011, 2, 26, 23)],
    ] as const;
    for (const [zone, at] of switches) {
      for (const delta of [-1000, 0, 1000]) {
        const instant = new Date(at + delta);
        expect(instantToNative(instant, zone)).toBe(luxon(instant, zone));
      }
    }
    expect(instantToNative(new Date(Date.UTC(2024, 2, 31, 0, 59, 59)), 'Europe/Berlin')).toBe(
      '2024-03-31 01:59:59',
    );
    expect(instantToNative(new Date(Date.UTC(2024, 2, 31, 1, 0, 0)), 'Europe/Berlin')).toBe(
      '2024-03-31 03:00:00',
    );
  });

  it('leaves an invalid zone and a year out of range to luxon', () => {
    const instant = new Date(Date.UTC(2024, 0, 1));
    expect(instantToNative(instant, 'Nowhere/Bogus')).toBe(luxon(instant, 'Nowhere/Bogus'));
    const far = new Date(Date.UTC(12000, 0, 1));
    expect(instantToNative(far, 'Europe/Moscow')).toBe(luxon(far, 'Europe/Moscow'));
    const early = new Date(Date.UTC(900, 5, 1, 12));
    expect(instantToNative(early, 'Europe/Moscow')).toBe(luxon(early, 'Europe/Moscow'));
  });
});
