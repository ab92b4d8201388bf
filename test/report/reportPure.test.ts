import { BxsupError } from '../../core/errors';
import { csvCell } from '../../report/csvReport';
import { nearestRank, summarise } from '../../report/percentiles';
import { parseReportWindow } from '../../report/reportWindow';
import { firstReplyOutcome, resolutionOutcome } from '../../report/slaOutcome';
import { TicketFact } from '../../report/ticketFacts';

describe('nearest-rank percentiles', () => {
  it.each([
    [[7], 50, 7],
    [[1, 2], 50, 1], // lower middle, not 1.5
    [[1, 2, 3, 4], 50, 2],
    [[1, 2, 3, 4, 5], 50, 3],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9], // rank exactly 9, not rounded up by float noise
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90, 10], // rank ⌈9.9⌉ = 10
    [[5, 6], 100, 6],
  ])('%j p%d = %d', (values, p, expected) => {
    expect(nearestRank(values, p)).toBe(expected);
  });

  it('summarises unsorted samples and an empty one', () => {
    expect(summarise([30, 1020, 45, 795, 785])).toEqual({ count: 5, median: 785, p90: 1020, mean: 535 });
    expect(summarise([])).toEqual({ count: 0, median: null, p90: null, mean: null });
  });

  it('rejects a percentile outside (0, 100]', () => {
    expect(() => nearestRank([1], 0)).toThrow(RangeError);
  });
});

describe('SLA outcomes', () => {
  const T0 = Date.parse('2024-03-04T07:00:00Z');
  const fact = (over: Partial<TicketFact>): TicketFact => ({
    id: 1,
    siteId: 's1',
    category: null,
    priority: 2,
    assignedTo: null,
    isOpen: true,
    reopenCount: 0,
    orderLinked: false,
    createdMs: T0,
    firstReplyMs: null,
    resolvedMs: null,
    firstReplyDeadlineMs: T0 + 3_600_000,
    slaDeadlineMs: T0 + 7_200_000,
    firstReplyBreached: null,
    resolutionBreached: null,
    ...over,
  });
  const now = T0 + 5_400_000; // after the first-reply deadline, before the resolution one

  it('a reply in the deadline second is in time', () => {
    expect(firstReplyOutcome(fact({ firstReplyMs: T0 + 3_600_000 }), now)).toBe('met');
    expect(firstReplyOutcome(fact({ firstReplyMs: T0 + 3_601_000 }), now)).toBe('breached');
  });

  it('a running clock is breached past its deadline, pending before it', () => {
    expect(firstReplyOutcome(fact({}), now)).toBe('breached');
    expect(resolutionOutcome(fact({}), now)).toBe('pending');
  });

  it('a ticket closed without a reply stops the first-reply clock at the close', () => {
    const closed = fact({ isOpen: false, resolvedMs: T0 + 600_000 });
    expect(firstReplyOutcome(closed, now)).toBe('met');
    expect(resolutionOutcome(closed, now)).toBe('met');
  });

  it('no deadline, no outcome; a breach flagged by the escalation agent counts', () => {
    expect(firstReplyOutcome(fact({ firstReplyDeadlineMs: null }), now)).toBe('none');
    expect(resolutionOutcome(fact({ resolutionBreached: true }), now)).toBe('breached');
    expect(resolutionOutcome(fact({ resolutionBreached: false }), now)).toBe('pending');
  });
});

describe('CSV cells', () => {
  it('quotes what needs quoting and defuses spreadsheet formulas', () => {
    expect(csvCell(12.5)).toBe('12.5');
    expect(csvCell(null)).toBe('');
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a, "b"')).toBe('"a, ""b"""');
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('-1+1')).toBe("'-1+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
  });
});

describe('report window', () => {
  const now = new Date('2024-03-12T07:30:00Z');

  it('dates are local days; --to includes its day', () => {
    expect(parseReportWindow({ from: '2024-03-04', to: '2024-03-10' }, 'Europe/Moscow', now)).toEqual({
      from: new Date('2024-03-03T21:00:00Z'),
      to: new Date('2024-03-10T21:00:00Z'),
      zone: 'Europe/Moscow',
    });
  });

  it('a day with a DST switch still starts at local midnight', () => {
    const w = parseReportWindow({ from: '2024-03-31', to: '2024-03-31' }, 'Europe/Berlin', now);
    expect(w.from.toISOString()).toBe('2024-03-30T23:00:00.000Z');
    expect(w.to.toISOString()).toBe('2024-03-31T22:00:00.000Z'); // 23 hours long
  });

  it('defaults to the 30 local days before now, and takes ISO date-times as instants', () => {
    const w = parseReportWindow({}, 'Europe/Moscow', now);
    expect(w.to).toEqual(now);
    expect(w.from.toISOString()).toBe('2024-02-10T21:00:00.000Z');
    expect(parseReportWindow({ from: '2024-03-01T10:00:00Z' }, 'Europe/Moscow', now).from.toISOString()).toBe(
      '2024-03-01T10:00:00.000Z',
    );
  });

  it.each([
    [{ from: '2024-13-01' }, /--from 2024-13-01: write a date as YYYY-MM-DD/],
    [{ from: 'yesterday' }, /--from yesterday/],
    [{ from: '2024-03-10', to: '2024-03-01' }, /--from 2024-03-10 is not before --to 2024-03-01/],
  ])('%j is a usage error', (input, message) => {
    expect(() => parseReportWindow(input, 'UTC', now)).toThrow(BxsupError);
    expect(() => parseReportWindow(input, 'UTC', now)).toThrow(message);
  });
});
