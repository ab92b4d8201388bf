import { validateConfig } from '../../config/config';
import { cronMaxGapMs, expectedPasses } from '../../daemon/metrics/expectedPasses';

const MIN = 60_000;

describe('expectedPasses: what /healthz waits for, and how long', () => {
  it('defaults: sync and mail within metrics.staleAfterSeconds, escalation within two 15-minute gaps plus it', () => {
    expect(expectedPasses(validateConfig({}))).toEqual([
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
    );
    expect(daily.slice(0, 2)).toEqual([
      { name: 'sync', staleAfterMs: 10 * MIN },
      { name: 'mail', staleAfterMs: MIN },
    ]);
    // Two days and the margin (an hour more where the host's zone has a DST switch in the sample).
    expect(daily[2].name).toBe('escalation');
    expect(daily[2].staleAfterMs).toBeGreaterThanOrEqual(2 * 24 * 60 * MIN + MIN);
    expect(daily[2].staleAfterMs).toBeLessThanOrEqual(2 * 25 * 60 * MIN + MIN);
    expect(expectedPasses(validateConfig({ escalation: { enabled: false } })).map((p) => p.name)).toEqual([
      'sync',
      'mail',
    ]);
  });

  it('measures the longest gap of a cron', () => {
    expect(cronMaxGapMs('*/15 * * * *', new Date())).toBe(15 * MIN);
    // Weekdays at 09:00: Friday to Monday is the longest wait.
    const weekdays = cronMaxGapMs('0 9 * * 1-5', new Date())!;
    expect(weekdays).toBeGreaterThanOrEqual(72 * 60 * MIN);
    expect(weekdays).toBeLessThanOrEqual(73 * 60 * MIN);
    expect(cronMaxGapMs('not a cron', new Date())).toBeNull();
  });
});
