import { validateConfig } from '../../config/config';
import { BxsupError } from '../../core/errors';
import { CalendarConfig } from '../../sla/calendar';
import { computeSla } from '../../sla/slaEngine';
import { DEFAULT_SLA_POLICY, SlaPolicy } from '../../sla/slaMatrix';
import { SlaEvent, SlaEventBody, SlaPolicyConfig, SlaState } from '../../sla/slaTypes';
import { REFERENCE_TIME } from '../helpers/clock';

/**
 * Expected instants are worked out by hand. Default targets (minutes): critical(4) 60/240,
 * high(3) 240/1440, normal(2) 480/2880, low(1) 1440/5760; warnings at 80 %.
 * T0 = REFERENCE_TIME = Tue 2024-03-12 07:30Z (10:30 MSK).
 */
const T0 = REFERENCE_TIME;
const d = (iso: string) => new Date(iso);
const ev = (at: string, e: SlaEventBody): SlaEvent => ({ ...e, at: d(at) });

const MSK_9_TO_18: CalendarConfig = {
  timeZone: 'Europe/Moscow',
  week: {
    mon: [['09:00', '18:00']],
    tue: [['09:00', '18:00']],
    wed: [['09:00', '18:00']],
    thu: [['09:00', '18:00']],
    fri: [['09:00', '18:00']],
  },
};
const BERLIN_OFFICE: CalendarConfig = {
  timeZone: 'Europe/Berlin',
  week: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => [
      day,
      [
        ['09:00', '13:00'],
        ['14:00', '18:00'],
      ],
    ]),
  ),
};
const NY_OFFICE: CalendarConfig = {
  timeZone: 'America/New_York',
  week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => [day, [['09:00', '17:00']]])),
};

const policy = (over: Partial<SlaPolicyConfig> = {}): SlaPolicy =>
  SlaPolicy.from({ ...DEFAULT_SLA_POLICY, ...over });
const staffPause = policy({ pauseWhenStaffSpokeLast: true });

/** Dates as ISO strings so a failing row prints readably. */
function view(state: SlaState): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(state).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]),
  );
}
const iso = (s: string) => new Date(s).toISOString();
function expectState(state: SlaState, expected: Record<string, unknown>): void {
  const normalised = Object.fromEntries(
    Object.entries(expected).map(([k, v]) => [k, typeof v === 'string' && /^\d{4}-/.test(v) ? iso(v) : v]),
  );
  expect(view(state)).toMatchObject(normalised);
}

describe('computeSla', () => {
  const rows: Array<[string, SlaPolicy, SlaEvent[], Record<string, unknown>]> = [
    [
      // 24/7: 480 min = 8 h → 15:30Z; warning 384 min = 6 h 24 → 13:54Z; resolution 2880 min = 48 h;
      // its warning 2304 min = 38 h 24 → 03-13 21:54Z. The earliest pending point is the first-reply warning.
      'a new normal ticket',
      policy(),
      [ev(T0, { kind: 'created', priority: 2 })],
      {
        firstReplyAt: null,
        firstReplyDeadline: '2024-03-12T15:30:00Z',
        firstReplyWarningAt: '2024-03-12T13:54:00Z',
        resolutionDeadline: '2024-03-14T07:30:00Z',
        resolutionWarningAt: '2024-03-13T21:54:00Z',
        nextDueAt: '2024-03-12T13:54:00Z',
        paused: false,
        pausedMinutes: 0,
        reopenCount: 0,
        closed: false,
      },
    ],
    [
      // Reply after 2 h: the first-reply clock stops short of its target (no deadline any more);
      // the resolution clock is not paused by default, so its deadline is unchanged.
      'a timely first reply',
      policy(),
      [ev(T0, { kind: 'created', priority: 2 }), ev('2024-03-12T09:30:00Z', { kind: 'staff_reply' })],
      {
        firstReplyAt: '2024-03-12T09:30:00Z',
        firstReplyDeadline: null,
        firstReplyWarningAt: null,
        firstReplyElapsedMinutes: 120,
        resolutionDeadline: '2024-03-14T07:30:00Z',
        nextDueAt: '2024-03-13T21:54:00Z',
      },
    ],
    [
      // Reply after 9 h: the 8 h target was reached at 15:30Z, which stays as the (missed) deadline.
      'a late first reply keeps the missed deadline',
      policy(),
      [ev(T0, { kind: 'created', priority: 2 }), ev('2024-03-12T16:30:00Z', { kind: 'staff_reply' })],
      {
        firstReplyDeadline: '2024-03-12T15:30:00Z',
        firstReplyWarningAt: '2024-03-12T13:54:00Z',
        firstReplyElapsedMinutes: 540,
        nextDueAt: '2024-03-13T21:54:00Z',
      },
    ],
    [
      // Normal → critical after 3 h: as if critical from the start. First reply 60 min → 08:30Z (past),
      // warning 48 min → 08:18Z; resolution 240 min → 11:30Z, warning 192 min = 3 h 12 → 10:42Z.
      'priority raised mid-way',
      policy(),
      [
        ev(T0, { kind: 'created', priority: 2 }),
        ev('2024-03-12T10:30:00Z', { kind: 'priority', priority: 4 }),
      ],
      {
        priority: 4,
        firstReplyDeadline: '2024-03-12T08:30:00Z',
        firstReplyWarningAt: '2024-03-12T08:18:00Z',
        resolutionDeadline: '2024-03-12T11:30:00Z',
        resolutionWarningAt: '2024-03-12T10:42:00Z',
        nextDueAt: '2024-03-12T08:18:00Z',
      },
    ],
    [
      // High → low after 1 h: targets 1440/5760 from T0 → 03-13 07:30Z and T0 + 4 days.
      'priority lowered mid-way',
      policy(),
      [
        ev(T0, { kind: 'created', priority: 3 }),
        ev('2024-03-12T08:30:00Z', { kind: 'priority', priority: 1 }),
      ],
      { firstReplyDeadline: '2024-03-13T07:30:00Z', resolutionDeadline: '2024-03-16T07:30:00Z' },
    ],
    [
      // 24/7, staff spoke last pauses: ran 20:00–22:00 (120), paused 22:00–02:00 over midnight (240),
      // running again. Deadline = created + 2880 + 240 min = 03-15 00:00Z; warning = + 2304 + 240 min
      // = 42 h 24 after 03-12 20:00Z = 03-14 14:24Z.
      'staff-spoke-last pause spanning midnight',
      staffPause,
      [
        ev('2024-03-12T20:00:00Z', { kind: 'created', priority: 2 }),
        ev('2024-03-12T22:00:00Z', { kind: 'staff_reply' }),
        ev('2024-03-13T02:00:00Z', { kind: 'customer_message' }),
      ],
      {
        paused: false,
        pausedSince: null,
        pausedMinutes: 240,
        resolutionDeadline: '2024-03-15T00:00:00Z',
        resolutionWarningAt: '2024-03-14T14:24:00Z',
        resolutionElapsedMinutes: 120,
      },
    ],
    [
      // The same ticket while it waits for the customer: no resolution deadline, nothing due.
      'while paused',
      staffPause,
      [
        ev('2024-03-12T20:00:00Z', { kind: 'created', priority: 2 }),
        ev('2024-03-12T22:00:00Z', { kind: 'staff_reply' }),
      ],
      {
        paused: true,
        pausedSince: '2024-03-12T22:00:00Z',
        pausedMinutes: 0,
        resolutionDeadline: null,
        resolutionWarningAt: null,
        nextDueAt: null,
      },
    ],
    [
      // Moscow 09–18 Mon–Fri. Created Tue 10:30 MSK, replied 11:00, status pause Tue 17:00 MSK, customer
      // writes Wed 10:00 MSK (status left as is). Used before the pause: 10:30–17:00 = 390. Paused
      // working time: Tue 17–18 + Wed 09–10 = 120. Remaining 2490 from Wed 10:00: Wed 480, Thu 540,
      // Fri 540, Mon 540 (= 2100), Tue 03-19 09:00 + 390 = 15:30 MSK. Warning 2304 − 390 = 1914:
      // Wed 480, Thu 540, Fri 540 (= 1560), Mon 03-18 09:00 + 354 = 14:54 MSK.
      'status pause over a night on a business calendar',
      policy({ calendar: MSK_9_TO_18, pauseStatuses: ['awaiting_reply'] }),
      [
        ev(T0, { kind: 'created', priority: 2 }),
        ev('2024-03-12T08:00:00Z', { kind: 'staff_reply' }),
        ev('2024-03-12T14:00:00Z', { kind: 'status', status: 'awaiting_reply' }),
        ev('2024-03-13T07:00:00Z', { kind: 'customer_message' }),
      ],
      {
        firstReplyElapsedMinutes: 30,
        pausedMinutes: 120,
        paused: false,
        resolutionDeadline: '2024-03-19T12:30:00Z',
        resolutionWarningAt: '2024-03-18T11:54:00Z',
      },
    ],
    [
      // Closed after 180 min, reopened a day later: 2880 − 180 = 2700 min (45 h) from the reopen →
      // 03-15 07:30Z; warning 2304 − 180 = 2124 min (35 h 24) → 03-14 21:54Z.
      'reopen keeps the time used before the close',
      policy(),
      [
        ev(T0, { kind: 'created', priority: 2 }),
        ev('2024-03-12T08:30:00Z', { kind: 'staff_reply' }),
        ev('2024-03-12T10:30:00Z', { kind: 'closed' }),
        ev('2024-03-13T10:30:00Z', { kind: 'reopened' }),
        ev('2024-03-13T10:30:00Z', { kind: 'customer_message' }),
      ],
      {
        closed: false,
        resolvedAt: null,
        reopenCount: 1,
        resolutionElapsedMinutes: 180,
        resolutionDeadline: '2024-03-15T07:30:00Z',
        resolutionWarningAt: '2024-03-14T21:54:00Z',
      },
    ],
    [
      'closed',
      policy(),
      [
        ev(T0, { kind: 'created', priority: 2 }),
        ev('2024-03-12T08:30:00Z', { kind: 'staff_reply' }),
        ev('2024-03-12T10:30:00Z', { kind: 'closed' }),
      ],
      {
        closed: true,
        resolvedAt: '2024-03-12T10:30:00Z',
        resolutionDeadline: null,
        paused: false,
        nextDueAt: null,
      },
    ],
    [
      // billing/normal overrides the first reply only: 120 min → 09:30Z; resolution stays 48 h.
      'category override',
      policy({ categoryOverrides: { billing: { 2: { firstReplyMinutes: 120 } } } }),
      [ev(T0, { kind: 'created', priority: 2, category: 'billing' })],
      {
        targets: { firstReplyMinutes: 120, resolutionMinutes: 2880 },
        firstReplyDeadline: '2024-03-12T09:30:00Z',
        resolutionDeadline: '2024-03-14T07:30:00Z',
      },
    ],
    [
      'category changed into an override mid-way',
      policy({ categoryOverrides: { billing: { 2: { firstReplyMinutes: 120 } } } }),
      [
        ev(T0, { kind: 'created', priority: 2, category: 'general' }),
        ev('2024-03-12T08:30:00Z', { kind: 'category', category: 'billing' }),
      ],
      { category: 'billing', firstReplyDeadline: '2024-03-12T09:30:00Z' },
    ],
    [
      // vip runs on a 24/7 calendar: Fri 18:30 MSK + 60 min.
      'category calendar (24/7 vip)',
      policy({ calendar: MSK_9_TO_18, categoryCalendars: { vip: { timeZone: 'Europe/Moscow' } } }),
      [ev('2024-03-15T15:30:00Z', { kind: 'created', priority: 4, category: 'vip' })],
      { firstReplyDeadline: '2024-03-15T16:30:00Z' },
    ],
    [
      // Other categories use the office: Fri 18:30 MSK is closed → Mon 09:00 + 60 = 10:00 MSK.
      'default calendar for other categories',
      policy({ calendar: MSK_9_TO_18, categoryCalendars: { vip: { timeZone: 'Europe/Moscow' } } }),
      [ev('2024-03-15T15:30:00Z', { kind: 'created', priority: 4, category: 'general' })],
      { firstReplyDeadline: '2024-03-18T07:00:00Z' },
    ],
    [
      // Berlin office with lunch. Created Fri 03-29 17:00 CET (critical 60/240). First reply: used up
      // at 18:00 CET = 17:00Z; warning 48 min → 17:48 CET. Resolution: 60 Fri + 180 Mon 04-01 from
      // 09:00 CEST → 12:00 CEST = 10:00Z; warning 192 = 60 + 132 → 11:12 CEST = 09:12Z.
      'Berlin business hours across spring forward',
      policy({ calendar: BERLIN_OFFICE }),
      [ev('2024-03-29T16:00:00Z', { kind: 'created', priority: 4 })],
      {
        firstReplyDeadline: '2024-03-29T17:00:00Z',
        firstReplyWarningAt: '2024-03-29T16:48:00Z',
        resolutionDeadline: '2024-04-01T10:00:00Z',
        resolutionWarningAt: '2024-04-01T09:12:00Z',
      },
    ],
    [
      // Berlin, normal (480/2880), created Fri 10-25 16:00 CEST (14:00Z): first reply 120 Fri (to 18:00),
      // Mon 10-28 09:00 CET + 240 (09–13) + 120 (14–16) = 16:00 CET = 15:00Z.
      'Berlin business hours across fall back',
      policy({ calendar: BERLIN_OFFICE }),
      [ev('2024-10-25T14:00:00Z', { kind: 'created', priority: 2 })],
      { firstReplyDeadline: '2024-10-28T15:00:00Z' },
    ],
    [
      // New York 09–17, high (240/1440), created Fri 11-01 15:00 EDT (19:00Z). First reply: 120 Fri,
      // Mon 11-04 09:00 EST + 120 → 11:00 EST = 16:00Z; warning 192 = 120 + 72 → 10:12 EST = 15:12Z.
      // Resolution 1440: 120 Fri + 480 Mon + 480 Tue = 1080, Wed 11-06 09:00 + 360 → 15:00 EST = 20:00Z.
      'New York business hours across fall back',
      policy({ calendar: NY_OFFICE }),
      [ev('2024-11-01T19:00:00Z', { kind: 'created', priority: 3 })],
      {
        firstReplyDeadline: '2024-11-04T16:00:00Z',
        firstReplyWarningAt: '2024-11-04T15:12:00Z',
        resolutionDeadline: '2024-11-06T20:00:00Z',
      },
    ],
    [
      // New York 24/7, critical, created Sat 03-09 23:00 EST (03-10 04:00Z): 240 real minutes → 08:00Z,
      // which the wall clock shows as 04:00 EDT: 5 wall-clock hours later, because 02:00–03:00 never happened.
      'New York 24/7 across spring forward',
      policy({ calendar: { timeZone: 'America/New_York' } }),
      [ev('2024-03-10T04:00:00Z', { kind: 'created', priority: 4 })],
      { resolutionDeadline: '2024-03-10T08:00:00Z' },
    ],
  ];

  it.each(rows)('%s', (_label, p, events, expected) => {
    expectState(computeSla(events, p), expected);
  });

  it('reads events in time order whatever order they come in', () => {
    const events = [
      ev(T0, { kind: 'created', priority: 2 }),
      ev('2024-03-12T08:30:00Z', { kind: 'staff_reply' }),
      ev('2024-03-12T10:30:00Z', { kind: 'closed' }),
    ];
    expect(computeSla([...events].reverse(), policy())).toEqual(computeSla(events, policy()));
  });

  it('accepts a plain config as well as a compiled policy', () => {
    const events = [ev(T0, { kind: 'created', priority: 2 })];
    expect(computeSla(events, DEFAULT_SLA_POLICY)).toEqual(computeSla(events, policy()));
  });

  it('refuses a history without a created event', () => {
    expect(() => computeSla([ev(T0, { kind: 'staff_reply' })], policy())).toThrow(/no "created" event/);
  });
});

describe('a bad sla section names the key the user wrote', () => {
  // Checked once, by the config schema (sla/slaSchema.ts): priorities by name, not the numbers
  // SlaPolicy holds them by.
  const rows: Array<[string, unknown, RegExp]> = [
    ['warning percent 0', { warningPercent: 0 }, /sla\.warningPercent: number must be greater than 0/],
    [
      'negative target',
      { targets: { high: { firstReplyMinutes: -5 } } },
      /sla\.targets\.high\.firstReplyMinutes: must be a number of working minutes greater than 0/,
    ],
    [
      'a priority by number',
      { targets: { 4: { firstReplyMinutes: 30 } } },
      /sla\.targets\.4: unknown key: fix or remove it/,
    ],
    [
      'unknown priority in an override',
      { categoryOverrides: { billing: { urgent: {} } } },
      /sla\.categoryOverrides\.billing\.urgent: unknown key/,
    ],
    [
      'unknown target in an override',
      { categoryOverrides: { billing: { normal: { replyMinutes: 5 } } } },
      /sla\.categoryOverrides\.billing\.normal\.replyMinutes: unknown key/,
    ],
    [
      'bad category calendar',
      { categoryCalendars: { vip: { timeZone: 'Moscow' } } },
      /sla\.categoryCalendars\.vip: timezone is "moscow": use an iana time zone name/,
    ],
    [
      'bad calendar hours',
      { calendar: { timeZone: 'UTC', week: { mon: [['18:00', '09:00']] } } },
      /sla\.calendar: week\.mon\[0\]/,
    ],
    ['pause statuses not a list', { pauseStatuses: 'awaiting_reply' }, /sla\.pauseStatuses: expected array/],
    [
      'pause flag not a boolean',
      { pauseWhenStaffSpokeLast: 'yes' },
      /sla\.pauseWhenStaffSpokeLast: expected boolean/,
    ],
  ];
  it.each(rows)('%s', (_label, sla, message) => {
    const build = () => validateConfig({ sla });
    expect(build).toThrow(BxsupError);
    expect(build).toThrow(message);
  });
});
