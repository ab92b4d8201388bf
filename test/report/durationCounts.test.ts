import { DurationCounts } from '../../report/durationCounts';
import { summarise } from '../../report/percentiles';

/** A small deterministic generator, so a failure names the seed that reproduces it. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function countsOf(minutes: number[]): DurationCounts {
  const counts = new DurationCounts();
  for (const m of minutes) counts.add(m);
  return counts;
}

describe('durations kept as counts per second', () => {
  it('gives the numbers of the sorted-sample summary for the examples of the report tests', () => {
    expect(countsOf([30, 1020, 45, 795, 785]).summary()).toEqual({
      count: 5,
      median: 785,
      p90: 1020,
      mean: 535,
    });
    expect(countsOf([45, 1020]).summary()).toEqual({ count: 2, median: 45, p90: 1020, mean: 532.5 });
    expect(countsOf([]).summary()).toEqual({ count: 0, median: null, p90: null, mean: null });
  });

  it.each([1, 2, 3, 42, 2024])('matches summarise on random whole-second durations (seed %d)', (seed) => {
    const random = lcg(seed);
    // Mostly short first replies, a long tail of weeks, many ties, a few zero-length spans.
    const minutes = Array.from({ length: 5000 }, () => {
      const r = random();
      const seconds =
        r < 0.05 ? 0 : r < 0.8 ? Math.floor(random() * 7200) : Math.floor(random() * 40 * 86400);
      return seconds / 60;
    });
    const expected = summarise(minutes);
    const got = countsOf(minutes).summary();
    expect(got.count).toBe(expected.count);
    expect(got.median).toBe(expected.median);
    expect(got.p90).toBe(expected.p90);
    expect(got.mean).toBeCloseTo(expected.mean!, 9);
  });

  it('counts a value that sits exactly on a page boundary and values in far-apart pages', () => {
    const seconds = [1023, 1024, 1025, 10_000_000, 0];
    const minutes = seconds.map((s) => s / 60);
    expect(countsOf(minutes).summary()).toEqual(summarise(minutes));
  });

  it('rounds to the whole second and clamps negative spans at zero', () => {
    expect(countsOf([0.5 / 60 + 1, -3]).summary()).toMatchObject({ median: 0, p90: 61 / 60 });
  });
});
