import { FixedClock } from '../../core/clock';

/** The fixed reference time of the test suite: a Tuesday, mid-morning in Moscow (UTC+3, no DST). */
export const REFERENCE_TIME = '2024-03-12T07:30:00.000Z';
export const FIXTURE_ZONE = 'Europe/Moscow';

export function referenceClock(): FixedClock {
  return new FixedClock(REFERENCE_TIME);
}
