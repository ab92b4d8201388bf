import { OpenSweep, sweepWindow } from '../../sync/openSweep';

/** The window arithmetic of the open-set sweep (pure; the behaviour on a real site is openSweep.test.ts). */
describe('sweepWindow', () => {
  const base = { pollMs: 2000, minWindow: 1000, maxWindow: 10000 };
  it.each([
    // remaining, ms left in the cycle, expected window
    [50_000, 60_000, Math.ceil(50_000 / 29)], // 30 polls left, one kept in hand
    [500, 60_000, 1000], // never below the smallest window
    [50_000, 3_000, 10000], // late in the cycle: the rest at once, up to the largest window
    [5_000, 1_000, 5000], // time is up: what is left
    [0, 60_000, 1000],
    [-20, 60_000, 1000], // the open set shrank below the estimate
  ])('%i left with %i ms to go: %i', (remaining, msLeft, expected) => {
    expect(sweepWindow({ ...base, remaining, msLeft })).toBe(expected);
  });
});

describe('OpenSweep', () => {
  it('moves on window by window and starts the next cycle in the window that ended the last', () => {
    const sweep = new OpenSweep({ sweepMs: 60_000, pollMs: 2000, minWindow: 10, maxWindow: 100 });
    sweep.setEstimate(25);
    expect(sweep.windowAt(0)).toBe(10);
    sweep.moveOn({ tail: { count: 10, lastId: 40 }, head: null }, 0);
    expect(sweep.position).toBe(40);
    sweep.moveOn({ tail: { count: 10, lastId: 90 }, head: null }, 2000);
    // The set ends after 5 more; 5 from the start fill the window and begin the next cycle.
    sweep.moveOn({ tail: { count: 5, lastId: 120 }, head: { count: 5, lastId: 17 } }, 4000);
    expect(sweep.position).toBe(17);
    expect(sweep.needsEstimate).toBe(false);
  });
});
