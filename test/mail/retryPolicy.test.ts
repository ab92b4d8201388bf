import { backoffDelay } from '../../core/backoff';
import { decideRetry } from '../../mail/retryPolicy';
import { describeSendError, isPermanentSendError, PermanentMailError } from '../../mail/mailErrors';

const policy = { baseMs: 30_000, maxMs: 3_600_000, maxAttempts: 5 };

describe('retry policy (pure)', () => {
  it.each([
    // attempts, random, expected: cap = min(max, base·2^(attempts-1)); delay = cap/2 + random·cap/2
    [1, 0, 15_000],
    [1, 1, 30_000],
    [2, 0.5, 45_000],
    [3, 0, 60_000],
    [4, 1, 240_000],
    [8, 0.5, 2_700_000], // cap 3 840 000 → 3 600 000 (max): 1 800 000 + 0.5·1 800 000
    [40, 0, 1_800_000], // huge attempt counts stay at the cap, no overflow
  ])('after %i failures with random %f waits %i ms', (attempts, random, expected) => {
    expect(backoffDelay(attempts, policy, () => random)).toBe(expected);
  });

  it('never waits less than half the cap, nor more than the cap, whatever the random source says', () => {
    expect(backoffDelay(1, policy, () => -5)).toBe(15_000);
    expect(backoffDelay(1, policy, () => 7)).toBe(30_000);
  });

  it('gives up once maxAttempts are used', () => {
    expect(decideRetry(4, policy, () => 0)).toEqual({ kind: 'retry', delayMs: 120_000 });
    expect(decideRetry(5, policy, () => 0)).toEqual({ kind: 'give_up' });
  });
});

describe('send errors', () => {
  it('SMTP 5xx and our own permanent errors are permanent; 4xx, network and authentication are not', () => {
    expect(isPermanentSendError({ responseCode: 550, response: '550 5.1.1 no such user' })).toBe(true);
    expect(isPermanentSendError(new PermanentMailError('no address'))).toBe(true);
    expect(isPermanentSendError({ responseCode: 451, response: '451 4.3.0 try later' })).toBe(false);
    expect(isPermanentSendError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' })).toBe(false);
    expect(isPermanentSendError({ code: 'EAUTH', responseCode: 535, response: '535 bad credentials' })).toBe(
      false,
    );
  });

  it('describes an error in one line without passwords', () => {
    expect(describeSendError({ responseCode: 550, response: '550 5.1.1 <x@y>:\r\n no such user' })).toBe(
      '550 5.1.1 <x@y>: no such user',
    );
    expect(
      describeSendError(
        Object.assign(new Error('connect to smtp://bob:s3cret@mail:25 failed'), { code: 'ECONNECTION' }),
      ),
    ).toBe('ECONNECTION: connect to smtp://bob:***@mail:25 failed');
  });
});
