import { nextSlaStateChange, slaStateAt } from '../../escalator/state/slaStateField';
import { SlaState } from '../../sla/slaTypes';

/** UF_SLA_STATE at an instant, and when it changes next, table-driven. */
const at = (hhmm: string) => new Date(`2024-03-12T${hhmm}:00Z`);

function state(over: Partial<SlaState>): SlaState {
  return {
    createdAt: at('09:00'),
    asOf: at('09:00'),
    priority: 2,
    category: null,
    targets: { firstReplyMinutes: 60, resolutionMinutes: 240 },
    firstReplyAt: null,
    firstReplyDeadline: at('10:00'),
    firstReplyWarningAt: at('09:48'),
    firstReplyElapsedMinutes: 0,
    resolutionDeadline: at('13:00'),
    resolutionWarningAt: at('12:12'),
    resolutionElapsedMinutes: 0,
    paused: false,
    pausedSince: null,
    pausedMinutes: 0,
    closed: false,
    resolvedAt: null,
    reopenCount: 0,
    nextDueAt: at('09:48'),
    ...over,
  } as SlaState;
}

const none = { firstReply: null, resolution: null };

describe('UF_SLA_STATE', () => {
  it.each([
    ['unanswered, before the warning', state({}), at('09:30'), 'on_time', at('09:48')],
    ['unanswered, past the warning', state({}), at('09:50'), 'warning', at('10:00')],
    ['unanswered, past the first-reply deadline', state({}), at('10:00'), 'breached', null],
    [
      'answered, the resolution clock running',
      state({ firstReplyAt: at('09:40'), firstReplyDeadline: null }),
      at('11:00'),
      'on_time',
      at('12:12'),
    ],
    [
      'answered, past the resolution warning',
      state({ firstReplyAt: at('09:40'), firstReplyDeadline: null }),
      at('12:30'),
      'warning',
      at('13:00'),
    ],
    [
      'answered, past the resolution deadline',
      state({ firstReplyAt: at('09:40'), firstReplyDeadline: null }),
      at('13:05'),
      'breached',
      null,
    ],
    [
      'waiting for the customer',
      state({ firstReplyAt: at('09:40'), paused: true, resolutionDeadline: null, resolutionWarningAt: null }),
      at('15:00'),
      'paused',
      null,
    ],
    [
      'no target for this priority',
      state({ firstReplyDeadline: null, firstReplyWarningAt: null }),
      at('23:00'),
      'on_time',
      null,
    ],
  ])('%s', (_name, s, now, expected, next) => {
    expect(slaStateAt({ state: s, stored: none }, now)).toBe(expected);
    expect(nextSlaStateChange({ state: s, stored: none }, now)).toEqual(next);
  });

  it('closed: met when both came in time, breached when either was late', () => {
    const closed = (replied: string, resolved: string) =>
      state({
        closed: true,
        firstReplyAt: at(replied),
        resolvedAt: at(resolved),
        firstReplyDeadline: null,
        resolutionDeadline: null,
      });
    const stored = { firstReply: at('10:00'), resolution: at('13:00') };
    expect(slaStateAt({ state: closed('09:30', '12:00'), stored }, at('20:00'))).toBe('met');
    expect(slaStateAt({ state: closed('10:30', '12:00'), stored }, at('20:00'))).toBe('breached');
    expect(slaStateAt({ state: closed('09:30', '13:30'), stored }, at('20:00'))).toBe('breached');
    expect(nextSlaStateChange({ state: closed('09:30', '12:00'), stored }, at('20:00'))).toBeNull();
    // Closed without a reply: the close counts as the answer.
    const silent = state({
      closed: true,
      resolvedAt: at('09:45'),
      firstReplyDeadline: null,
      resolutionDeadline: null,
    });
    expect(slaStateAt({ state: silent, stored }, at('20:00'))).toBe('met');
  });
});
