import { createRowBudget } from '../../core/rowBudget';

/** The token bucket with its own time source: pacing is decided by elapsed milliseconds, never slept. */
describe('the row budget', () => {
  function budget(rowsPerSecond: number, burstSeconds = 2) {
    let ms = 1_000_000;
    const b = createRowBudget(rowsPerSecond, { burstSeconds, elapsedMs: () => ms });
    return { b, pass: (seconds: number) => (ms += seconds * 1000) };
  }

  it('starts with one burst and refills at the rate, never beyond the burst', () => {
    const { b, pass } = budget(1000);
    expect(b.capacity).toBe(2000);
    expect(b.available()).toBe(2000);
    b.spend(1500);
    expect(b.available()).toBe(500);
    pass(0.5);
    expect(b.available()).toBe(1000);
    pass(60);
    expect(b.available()).toBe(2000);
  });

  it('a step that cost more than there was leaves a debt the next steps wait out', () => {
    const { b, pass } = budget(1000);
    b.spend(5000);
    expect(b.available()).toBe(0);
    pass(2.9);
    expect(b.available()).toBe(0);
    pass(0.2);
    expect(b.available()).toBe(100);
  });

  it('over a long stretch, spending what is available stays within rate × (time + burst)', () => {
    const { b, pass } = budget(250, 1);
    let spent = 0;
    for (let step = 0; step < 1000; step++) {
      const rows = b.available();
      b.spend(rows);
      spent += rows;
      pass(0.37);
    }
    expect(spent).toBeLessThanOrEqual(250 * (1000 * 0.37 + 1));
    expect(spent).toBeGreaterThan(250 * 1000 * 0.37 * 0.99);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => createRowBudget(0)).toThrow(RangeError);
  });
});
