import { seededRandom } from './seededRandom';

/** The kill loops' randomness: the printed seed, given back in BXSUP_FAULT_SEED, replays the same run. */
describe('seededRandom', () => {
  const saved = process.env.BXSUP_FAULT_SEED;
  let log: jest.SpyInstance;
  beforeEach(() => {
    log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => {
    log.mockRestore();
    if (saved === undefined) delete process.env.BXSUP_FAULT_SEED;
    else process.env.BXSUP_FAULT_SEED = saved;
  });
  const draw = (random: () => number): number[] => Array.from({ length: 5 }, random);

  it('prints the seed it drew, and that seed in BXSUP_FAULT_SEED repeats the sequence', () => {
    delete process.env.BXSUP_FAULT_SEED;
    const first = draw(seededRandom('scenario'));
    const line = String(log.mock.calls[0][0]);
    const seed = /^scenario: seed (\d+) \(BXSUP_FAULT_SEED=(\d+) repeats it\)$/.exec(line);
    expect(seed).not.toBeNull();
    expect(seed![2]).toBe(seed![1]);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(first).size).toBe(first.length);

    process.env.BXSUP_FAULT_SEED = seed![1];
    expect(draw(seededRandom('scenario'))).toEqual(first);
    expect(log.mock.calls[1][0]).toBe(line);
  });

  it('gives other sequences for other seeds', () => {
    process.env.BXSUP_FAULT_SEED = '1';
    const one = draw(seededRandom('scenario'));
    process.env.BXSUP_FAULT_SEED = '2';
    expect(draw(seededRandom('scenario'))).not.toEqual(one);
  });

  it('refuses a seed it cannot repeat rather than running at random', () => {
    for (const bad of ['12a', '-3', '1.5', '99999999999']) {
      process.env.BXSUP_FAULT_SEED = bad;
      expect(() => seededRandom('scenario')).toThrow(
        `BXSUP_FAULT_SEED must be the whole number a run printed`,
      );
    }
  });
});
