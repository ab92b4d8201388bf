import { DEFAULT_LEVELS, EscalationLevel } from '../../escalator/escalationConfig';
import { EscalationPlan, planEscalations } from '../../escalator/agent/plan';
import { FiredEscalation } from '../../store/escalations';
import { deadlinesInForce } from '../../escalator/state/deadlinesInForce';
import { computeSla } from '../../sla/slaEngine';
import { DEFAULT_SLA_POLICY, SlaPolicy } from '../../sla/slaMatrix';
import { SlaEvent, SlaEventBody, SlaPolicyConfig } from '../../sla/slaTypes';
import { REFERENCE_TIME } from '../helpers/clock';

/**
 * The agent's decisions, pure: which level is due when, and the "once" key (ticket + target + level +
 * cycle). Times by hand, default targets: normal (2) 480/2880 min, critical (4) 60/240; warnings at 80 %.
 * T0 = Tue 2024-03-12 07:30Z. A normal ticket: first-reply warning 13:54Z, deadline 15:30Z;
 * resolution warning 03-13 21:54Z, deadline 03-14 07:30Z.
 */
const T0 = REFERENCE_TIME;
const d = (iso: string) => new Date(iso);
const ev = (at: string, e: SlaEventBody): SlaEvent => ({ ...e, at: d(at) });
const policy = (over: Partial<SlaPolicyConfig> = {}) => SlaPolicy.from({ ...DEFAULT_SLA_POLICY, ...over });
const HEAD: EscalationLevel = {
  name: 'head',
  on: 'breach',
  afterMinutes: 240,
  targets: ['resolution'],
  notify: ['head'],
  raisePriority: false,
};
const created = ev(T0, { kind: 'created', priority: 2 });

function plan(
  events: SlaEvent[],
  now: string,
  options: {
    fired?: FiredEscalation[];
    levels?: EscalationLevel[];
    installedAt?: string;
    p?: SlaPolicy;
  } = {},
): EscalationPlan {
  const state = computeSla(events, options.p ?? policy());
  return planEscalations(
    state,
    options.levels ?? DEFAULT_LEVELS,
    options.fired ?? [],
    d(now),
    options.installedAt ? d(options.installedAt) : null,
  );
}
const due = (p: EscalationPlan) =>
  p.due.map((x) => `${x.target}/${x.level.name}/${x.cycle}/${x.outcome}@${x.at.toISOString()}`);
const fire = (p: EscalationPlan): FiredEscalation[] =>
  p.due.map((x) => ({ target: x.target, level: x.level.name, cycle: x.cycle, dueAt: x.at }));

describe('planEscalations', () => {
  it('nothing is due before the first warning; next_due_at is the warning', () => {
    const p = plan([created], '2024-03-12T13:53:59Z');
    expect(p.due).toEqual([]);
    expect(p.nextDueAt).toEqual(d('2024-03-12T13:54:00Z'));
  });

  it('the warning is due at its instant, once; then next_due_at moves to the deadline', () => {
    const p = plan([created], '2024-03-12T13:54:00Z');
    expect(due(p)).toEqual(['first_reply/warning/0/apply@2024-03-12T13:54:00.000Z']);
    const after = plan([created], '2024-03-12T14:00:00Z', { fired: fire(p) });
    expect(after.due).toEqual([]);
    expect(after.nextDueAt).toEqual(d('2024-03-12T15:30:00Z'));
  });

  it('a breach is due at the deadline; the warning it overtook is superseded, not sent late', () => {
    const p = plan([created], '2024-03-12T15:45:00Z');
    expect(due(p)).toEqual([
      'first_reply/warning/0/superseded@2024-03-12T13:54:00.000Z',
      'first_reply/breach/0/apply@2024-03-12T15:30:00.000Z',
    ]);
    expect(p.firstReplyBreached).toBe(true);
  });

  it('a reply before the deadline clears it: nothing due, nothing pending for the first reply', () => {
    const p = plan([created, ev('2024-03-12T15:00:00Z', { kind: 'staff_reply' })], '2024-03-12T15:45:00Z', {
      fired: [{ target: 'first_reply', level: 'warning', cycle: 0, dueAt: d('2024-03-12T13:54:00Z') }],
    });
    expect(p.due).toEqual([]);
    expect(p.firstReplyBreached).toBe(false);
    expect(p.nextDueAt).toEqual(d('2024-03-13T21:54:00Z'));
  });

  it('an operator reply does not re-arm a resolution breach (the cycle does not grow)', () => {
    const events = [created, ev('2024-03-14T08:00:00Z', { kind: 'staff_reply' })];
    const fired: FiredEscalation[] = [
      { target: 'resolution', level: 'breach', cycle: 0, dueAt: d('2024-03-14T07:30:00Z') },
      { target: 'resolution', level: 'warning', cycle: 0, dueAt: d('2024-03-13T21:54:00Z') },
      { target: 'first_reply', level: 'breach', cycle: 0, dueAt: d('2024-03-12T15:30:00Z') },
      { target: 'first_reply', level: 'warning', cycle: 0, dueAt: d('2024-03-12T13:54:00Z') },
    ];
    expect(plan(events, '2024-03-14T09:00:00Z', { fired }).due).toEqual([]);
  });

  it('a reopen starts a new cycle: the levels fire again', () => {
    const events = [
      created,
      ev('2024-03-12T08:00:00Z', { kind: 'staff_reply' }),
      ev('2024-03-12T09:00:00Z', { kind: 'closed' }),
      ev('2024-03-15T09:00:00Z', { kind: 'reopened' }),
    ];
    const fired: FiredEscalation[] = [
      { target: 'resolution', level: 'breach', cycle: 0, dueAt: d('2024-03-14T07:30:00Z') },
    ];
    // Used 1.5 h before the close; 46.5 h left from the reopen → 03-17 07:30Z.
    const p = plan(events, '2024-03-17T08:00:00Z', { fired });
    expect(due(p)).toEqual([
      'resolution/warning/1/superseded@2024-03-16T21:54:00.000Z',
      'resolution/breach/1/apply@2024-03-17T07:30:00.000Z',
    ]);
  });

  it('nothing fires during a pause, and the clock resumes when the customer writes', () => {
    const p = policy({ pauseWhenStaffSpokeLast: true });
    const answered = [created, ev('2024-03-12T08:30:00Z', { kind: 'staff_reply' })];
    // Paused since 08:30Z, long past the unpaused resolution deadline: nothing due, nothing pending.
    const paused = plan(answered, '2024-03-20T00:00:00Z', { p });
    expect(paused.due).toEqual([]);
    expect(paused.nextDueAt).toBeNull();
    // The customer writes on 03-20 00:00Z: 1 h used, 47 h left → 03-21 23:00Z; warning at 38.4 h → 03-21 13:24Z.
    const resumed = [...answered, ev('2024-03-20T00:00:00Z', { kind: 'customer_message' })];
    expect(plan(resumed, '2024-03-20T00:00:00Z', { p }).nextDueAt).toEqual(d('2024-03-21T13:24:00Z'));
  });

  it('nothing fires outside the calendar: a Friday-evening ticket is warned on Monday', () => {
    const p = policy({
      calendar: {
        timeZone: 'Europe/Moscow',
        week: Object.fromEntries(
          ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => [day, [['09:00', '18:00']]]),
        ),
      },
    });
    // Fri 2024-03-15 17:00 MSK; 480 min: 1 h on Friday, 7 h on Monday → Mon 16:00 MSK; warning 384 min → 14:24.
    const friday = [ev('2024-03-15T14:00:00Z', { kind: 'created', priority: 2 })];
    expect(plan(friday, '2024-03-17T12:00:00Z', { p }).due).toEqual([]);
    expect(plan(friday, '2024-03-17T12:00:00Z', { p }).nextDueAt).toEqual(d('2024-03-18T11:24:00Z'));
    expect(due(plan(friday, '2024-03-18T11:24:00Z', { p }))).toEqual([
      'first_reply/warning/0/apply@2024-03-18T11:24:00.000Z',
    ]);
  });

  it('a raised priority moves the deadlines, but a fired breach is not fired again (no cascade)', () => {
    const raised = [created, ev('2024-03-12T15:30:00Z', { kind: 'priority', priority: 3 })];
    const fired: FiredEscalation[] = [
      { target: 'first_reply', level: 'warning', cycle: 0, dueAt: d('2024-03-12T13:54:00Z') },
      { target: 'first_reply', level: 'breach', cycle: 0, dueAt: d('2024-03-12T15:30:00Z') },
    ];
    // High: resolution 1440 min → 03-13 07:30Z (warning 03-13 02:42Z): the first reply is done with.
    const p = plan(raised, '2024-03-12T16:00:00Z', { fired });
    expect(p.due).toEqual([]);
    expect(p.nextDueAt).toEqual(d('2024-03-13T02:42:00Z'));
  });

  it('breach + N counts from the deadline the breach fired for, not from one a raise moved', () => {
    const levels = [...DEFAULT_LEVELS, HEAD].filter((l) => l.name !== 'warning');
    // The breach at 03-14 07:30Z raised the ticket to critical: its resolution deadline is now
    // 03-12 11:30Z (240 min), but the head of support is told 4 h after the breach that fired.
    const raised = [created, ev('2024-03-14T07:30:00Z', { kind: 'priority', priority: 4 })];
    const fired: FiredEscalation[] = [
      { target: 'resolution', level: 'breach', cycle: 0, dueAt: d('2024-03-14T07:30:00Z') },
    ];
    const resolution = (p: EscalationPlan) => due(p).filter((x) => x.startsWith('resolution'));
    const p = plan(raised, '2024-03-14T08:00:00Z', { fired, levels });
    expect(resolution(p)).toEqual([]);
    expect(p.nextDueAt).toEqual(d('2024-03-14T11:30:00Z'));
    expect(resolution(plan(raised, '2024-03-14T11:30:00Z', { fired, levels }))).toEqual([
      'resolution/head/0/apply@2024-03-14T11:30:00.000Z',
    ]);
  });

  it('points before the install are baseline: recorded, not acted on', () => {
    const p = plan([created], '2024-03-12T16:00:00Z', { installedAt: '2024-03-12T15:00:00Z' });
    expect(due(p)).toEqual([
      'first_reply/warning/0/baseline@2024-03-12T13:54:00.000Z',
      'first_reply/breach/0/apply@2024-03-12T15:30:00.000Z',
    ]);
  });

  it('a closed ticket has nothing due and no next point', () => {
    const p = plan([created, ev('2024-03-12T08:00:00Z', { kind: 'closed' })], '2024-03-20T00:00:00Z');
    expect(p).toMatchObject({ due: [], nextDueAt: null });
  });
});

describe('deadlinesInForce', () => {
  it('keeps the deadline a ticket was held to after its clock stopped short of it', () => {
    const events = [
      created,
      ev('2024-03-12T09:30:00Z', { kind: 'staff_reply' }),
      ev('2024-03-12T12:00:00Z', { kind: 'closed' }),
    ];
    const state = computeSla(events, policy());
    expect(state.firstReplyDeadline).toBeNull();
    expect(state.resolutionDeadline).toBeNull();
    expect(deadlinesInForce(events, policy(), state)).toEqual({
      firstReply: d('2024-03-12T15:30:00Z'),
      resolution: d('2024-03-14T07:30:00Z'),
    });
  });

  it('keeps the deadlines of a ticket answered and closed in the second it was created', () => {
    const events = [
      created,
      ev(T0, { kind: 'category', category: 'bugs' }),
      ev(T0, { kind: 'staff_reply' }),
      ev(T0, { kind: 'closed' }),
    ];
    const p = policy({ categoryOverrides: { bugs: { 2: { firstReplyMinutes: 60 } } } });
    expect(deadlinesInForce(events, p, computeSla(events, p))).toEqual({
      firstReply: d('2024-03-12T08:30:00Z'),
      resolution: d('2024-03-14T07:30:00Z'),
    });
  });

  it('has no resolution deadline while paused', () => {
    const p = policy({ pauseStatuses: ['awaiting_reply'] });
    const events = [created, ev('2024-03-12T08:00:00Z', { kind: 'status', status: 'awaiting_reply' })];
    expect(deadlinesInForce(events, p, computeSla(events, p)).resolution).toBeNull();
  });
});
