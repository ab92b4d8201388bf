import { validateConfig } from '../../config/config';
import { cronMaxGapMs, expectedPasses } from '../../daemon/metrics/expectedPasses';
import { REFERENCE_TIME } from '../helpers/clock';

const MIN = 60_000;
/** A fixed instant: the gaps are those after it, whatever day the test runs. */
const NOW = new Date(REFERENCE_TIME);

describe('expectedPasses: what /healthz waits for, and how long', () => {
  it('defaults: sync and mail within metrics.staleAfterSeconds, escalation within two 15-minute gaps plus it', () => {
    expect(expectedPasses(validateConfig({}), NOW)).toEqual([
      { name: 'sync', staleAfterMs: 5 * MIN },
      { name: 'mail', staleAfterMs: 5 * MIN },
      { name: 'escalation', staleAfterMs: 35 * MIN },
    ]);
  });

  it('follows slow polls, a daily cron, and a disabled agent', () => {
    const daily = expectedPasses(
      validateConfig({
        sync: { pollIntervalMs: 60_000 },
        escalation: { cron: '0 3 * * *' },
        metrics: { staleAfterSeconds: 60 },
      }),
      NOW,
    );
    expect(daily.slice(0, 2)).toEqual([
      { name: 'sync', staleAfterMs: 10 * MIN },
      { name: 'mail', staleAfterMs: MIN },
    ]);
    // Two days and the margin (an hour more where the host's zone has a DST switch in the sample).
    expect(daily[2].name).toBe('escalation');
    expect(daily[2].staleAfterMs).toBeGreaterThanOrEqual(2 * 24 * 60 * MIN + MIN);
    expect(daily[2].staleAfterMs).toBeLessThanOrEqual(2 * 25 * 60 * MIN + MIN);
    expect(
      expectedPasses(validateConfig({ escalation: { enabled: false } }), NOW).map((p) => p.name),
    ).toEqual(['sync', 'mail']);
  });

  it('measures the longest gap of a cron', () => {
    expect(cronMaxGapMs('*/15 * * * *', NOW)).toBe(15 * MIN);
    // Weekdays at 09:00: Friday to Monday is the longest wait.
    const weekdays = cronMaxGapMs('0 9 * * 1-5', NOW)!;
    expect(weekdays).toBeGreaterThanOrEqual(72 * 60 * MIN);
    expect(weekdays).toBeLessThanOrEqual(73 * 60 * MIN);
    expect(cronMaxGapMs('not a cron', NOW)).toBeNull();
  });

  it('counts from the `now` it is given, not from the wall clock', () => {
    // The next two weekday 09:00s (host time): from a Thursday noon Friday and Monday, from a Monday
    // noon Tuesday and Wednesday (March 2024, no DST switch in between).
    expect(cronMaxGapMs('0 9 * * 1-5', new Date(2024, 2, 14, 12), 2)).toBe(72 * 60 * MIN);
    expect(cronMaxGapMs('0 9 * * 1-5', new Date(2024, 2, 18, 12), 2)).toBe(24 * 60 * MIN);
  });
});
