/**
 * "Now" is read once at the edge and passed in: pure code (SLA policy, escalation decisions) takes a
 * Clock or an instant, never calls Date.now() itself, so tests can pin time.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still at `at` until moved; tests use it as the fixed reference time. */
export class FixedClock implements Clock {
  private current: Date;
  constructor(at: Date | string) {
    this.current = new Date(at);
  }
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(at: Date | string): void {
    this.current = new Date(at);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
