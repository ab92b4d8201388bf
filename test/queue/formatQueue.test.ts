import { formatMinutes } from '../../queue/formatDuration';
import { formatQueue } from '../../queue/formatQueue';
import { QueueRow } from '../../queue/queueTypes';
import { terminalSafe } from '../../queue/terminalText';
import { watch } from '../../queue/watch';

function row(over: Partial<QueueRow>): QueueRow {
  return {
    id: 1,
    number: 'SUP-20240312-0001',
    subject: 'Subject',
    siteId: 's1',
    customer: 'Мария Иванова',
    customerUserId: 6,
    orderId: 42,
    orderNumber: '2024-0042',
    category: 'payment',
    priority: 3,
    status: 'open',
    assigneeId: 2,
    assigneeName: 'Ольга Смирнова',
    createdAt: new Date(0),
    firstReplyAt: null,
    firstReplyDeadline: null,
    slaDeadline: null,
    dueAt: new Date(0),
    dueKind: 'first_reply',
    paused: false,
    minutesLeft: 90,
    overdue: false,
    ...over,
  };
}

describe('formatMinutes', () => {
  it.each([
    [0, '0m'],
    [45, '45m'],
    [60, '1h 00m'],
    [125, '2h 05m'],
    [24 * 60 + 61, '1d 01h'],
    [-30, '-30m'],
    [-2 * 24 * 60, '-2d 00h'],
  ])('%d minutes → %s', (minutes, text) => {
    expect(formatMinutes(minutes)).toBe(text);
  });
});

describe('formatQueue', () => {
  const rows = [
    row({
      id: 1,
      minutesLeft: -30,
      overdue: true,
      subject: 'Оплата не прошла, деньги списаны дважды, помогите пожалуйста',
    }),
    row({
      id: 2,
      number: 'SUP-20240312-0002',
      minutesLeft: null,
      paused: true,
      dueAt: null,
      customer: null,
      assigneeName: null,
      orderNumber: null,
    }),
  ];

  it('prints a header and one line per ticket, cut to the terminal width', () => {
    const lines = formatQueue(rows, { width: 100, colour: false });
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^NUMBER\s+SUBJECT\s+CUSTOMER\s+ORDER\s+PRIORITY\s+STATUS\s+ASSIGNEE\s+LEFT$/);
    for (const line of lines) expect(Array.from(line).length).toBeLessThanOrEqual(100);
    expect(lines[1]).toContain('Оплата не прошла');
    expect(lines[1]).toContain('…');
    // The names gave up characters (down to 8) so the subject keeps 24.
    expect(lines[1]).toMatch(
      /^SUP-20240312-0001 {2}Оплата не прошла, деньг… {2}Мария И… {2}2024-0042 {2}high {6}open {4}Ольга С… {4}-30m$/,
    );
    expect(lines[2]).toMatch(/—\s+—\s+high\s+open\s+—\s+paused$/);
    const wide = formatQueue(rows, { width: 200, colour: false });
    expect(wide[1]).toContain('Оплата не прошла, деньги списаны дважды, помогите пожалуйста  Мария Иванова');
  });

  it('keeps a readable subject on a narrow terminal instead of dropping it', () => {
    const lines = formatQueue(rows, { width: 40, colour: false });
    expect(lines[1]).toMatch(/^SUP-20240312-0001 {2}Оплата не… {2}Мария И… {2}/);
  });

  it('colours only the overdue time, and only when asked', () => {
    const plain = formatQueue(rows, { width: 120, colour: false });
    expect(plain.join('\n')).not.toContain('\u001b[');
    const coloured = formatQueue(rows, { width: 120, colour: true });
    expect(coloured[1].endsWith('\u001b[31m  -30m\u001b[39m')).toBe(true);
    expect(coloured[2]).not.toContain('\u001b[');
  });

  it('neutralises terminal escapes and bidi overrides typed by customers', () => {
    expect(terminalSafe('a\u001b[2Jb\u202ec\u0007')).toBe('a [2Jb c ');
    const lines = formatQueue([row({ subject: 'x\u001b]0;pwned\u0007y' })], { width: 120, colour: true });
    expect(lines[1]).not.toContain('\u001b');
    expect(lines[1]).not.toContain('\u0007');
  });

  it('says so when nothing matches', () => {
    expect(formatQueue([], { width: 80, colour: false })).toEqual(['no open tickets match']);
  });
});

describe('watch', () => {
  it('redraws in place on a terminal until aborted', async () => {
    const abort = new AbortController();
    const written: string[] = [];
    let n = 0;
    const frames = await watch({
      intervalMs: 5,
      inPlace: true,
      signal: abort.signal,
      write: (text) => written.push(text),
      frame: async () => {
        n++;
        if (n === 3) abort.abort();
        if (n === 2) throw new Error('Connection lost: The server closed the connection.\nstack');
        return [`frame ${n}`];
      },
    });
    expect(frames).toBe(2);
    expect(written).toEqual([
      '\u001b[H\u001b[2Jframe 1\n',
      '\u001b[H\u001b[2Jrefresh failed: Connection lost: The server closed the connection. (retrying)\n',
    ]);
  });

  it('appends frames when the output is not a terminal', async () => {
    const abort = new AbortController();
    const written: string[] = [];
    let n = 0;
    await watch({
      intervalMs: 1,
      inPlace: false,
      signal: abort.signal,
      write: (text) => written.push(text),
      frame: async () => {
        if (++n === 2) setImmediate(() => abort.abort());
        return [`frame ${n}`];
      },
    });
    expect(written.slice(0, 2)).toEqual(['frame 1\n', '\nframe 2\n']);
  });
});
