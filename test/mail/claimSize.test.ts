import { claimHorizonMs, claimShare, wantedClaimSize } from '../../mail/outbox/claimSize';

/** The claim size: what the workers need at first, then about `horizonMs` of the pass's own rate. */
describe('claim size', () => {
  const base = { smallest: 20, batchSize: 200, horizonMs: 1000 };

  it('takes what the workers need until the pass has a rate', () => {
    expect(wantedClaimSize({ ...base, finished: 0, elapsedMs: 0 })).toBe(20);
    expect(wantedClaimSize({ ...base, finished: 0, elapsedMs: 5000 })).toBe(20);
  });

  it.each([
    // [mails finished, ms elapsed, claim size]
    [5, 1000, 20], // a slow mail server: 5 mails a second keeps the smallest claim
    [30, 1000, 30],
    [150, 1000, 150],
    [100, 250, 200], // 400 a second, capped at mail.batchSize
    [10_000, 1000, 200],
  ])('%i mails in %i ms: claims %i', (finished, elapsedMs, expected) => {
    expect(wantedClaimSize({ ...base, finished, elapsedMs })).toBe(expected);
  });

  it('never exceeds mail.batchSize, even when it is below what the workers would take', () => {
    expect(wantedClaimSize({ ...base, batchSize: 8, finished: 0, elapsedMs: 0 })).toBe(8);
    expect(wantedClaimSize({ ...base, batchSize: 8, finished: 1000, elapsedMs: 100 })).toBe(8);
  });

  it('shares mail.batchSize among the live daemons, never below what the workers take', () => {
    expect(claimShare(200, 20, 0)).toBe(200);
    expect(claimShare(200, 20, 1)).toBe(200);
    expect(claimShare(200, 20, 2)).toBe(100);
    expect(claimShare(200, 20, 3)).toBe(66);
    expect(claimShare(200, 20, 50)).toBe(20);
    expect(claimShare(8, 20, 1)).toBe(8);
  });

  it('holds at most a second of sending, and less with a short lease', () => {
    expect(claimHorizonMs(120_000)).toBe(1000);
    expect(claimHorizonMs(10_000)).toBe(500);
    expect(claimHorizonMs(5000)).toBe(250);
  });
});
