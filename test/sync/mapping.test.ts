import { DictionaryEntry } from '../../bridge/dictionaries';
import { nativeToInstant } from '../../core/time';
import { buildCategoryResolver } from '../../sync/mapping/category';
import { extractOrderMentions } from '../../sync/mapping/orderMentions';
import { buildPriorityResolver, priorityFromPosition } from '../../core/ticketVocabulary';
import { buildStatusResolver, resolveStatus } from '../../sync/mapping/status';
import { assignNumbers, formatTicketNumber } from '../../sync/mapping/ticketNumber';
import { createNativeTimeReader } from '../../sync/nativeTime';
import { computeSlaDeadlines } from '../../sync/slaDeadlines';

/** The pure parts of the sync, table-driven. */
const entry = (
  id: number,
  type: 'C' | 'K' | 'S',
  name: string,
  sort = 100,
  sid = '',
  sites = ['s1'],
): DictionaryEntry => ({
  id,
  type,
  sid,
  name,
  sort,
  siteIds: sites,
});

describe('priority from a criticality', () => {
  const entries = [
    entry(7, 'K', 'Низкая', 100),
    entry(8, 'K', 'Средняя', 200),
    entry(9, 'K', 'Высокая', 300),
    entry(40, 'K', 'Критическая', 1000, 'critical'),
    entry(10, 'K', 'Low', 400, '', ['s2']),
    entry(11, 'K', 'Middle', 500, '', ['s2']),
    entry(12, 'K', 'High', 600, '', ['s2']),
    entry(50, 'K', 'Urgent!', 700, '', ['s2']),
    // A site whose levels have names we do not know: by C_SORT.
    entry(60, 'K', 'Уровень А', 30, '', ['s3']),
    entry(61, 'K', 'Уровень Б', 20, '', ['s3']),
    entry(62, 'K', 'Уровень В', 10, '', ['s3']),
  ];
  const priorityOf = buildPriorityResolver(entries, { '9': 4 });
  it.each([
    [7, 's1', 1],
    [8, 's1', 2],
    [9, 's1', 4], // configured
    [40, 's1', 4],
    [10, 's2', 1],
    [11, 's2', 2],
    [12, 's2', 3],
    [50, 's2', 4],
    [62, 's3', 1],
    [61, 's3', 2],
    [60, 's3', 3],
    [null, 's1', 2],
    [0, 's1', 2],
    [999, 's1', 2],
  ])('criticality %p on %s → %p', (id, site, expected) => {
    expect(priorityOf(id as number | null, site as string)).toBe(expected);
  });
  it('spreads more than four levels over 1..4', () => {
    expect([0, 1, 2, 3, 4, 5].map((p) => priorityFromPosition(p, 6))).toEqual([1, 1, 2, 3, 3, 4]);
  });
});

describe('status', () => {
  const statusOf = buildStatusResolver(
    [
      entry(13, 'S', 'Принято к рассмотрению'),
      entry(14, 'S', 'В стадии решения'),
      entry(15, 'S', 'Не представляется возможным решить'),
      entry(16, 'S', 'Успешно решено'),
      entry(17, 'S', 'Request accepted'),
      entry(18, 'S', 'Problem solving in progress'),
      entry(19, 'S', 'Could not be solved'),
      entry(20, 'S', 'Successfully solved'),
      entry(41, 'S', 'Новое', 200, 'new'),
      entry(42, 'S', 'Ожидает ответа клиента', 220, 'awaiting_reply'),
      entry(43, 'S', 'Что-то своё'),
    ],
    { '43': 'in_progress' },
  );
  it.each([
    [13, 'open'],
    [14, 'in_progress'],
    [15, 'resolved'],
    [16, 'resolved'],
    [17, 'open'],
    [18, 'in_progress'],
    [19, 'resolved'],
    [20, 'resolved'],
    [41, 'open'],
    [42, 'awaiting_reply'],
    [43, 'in_progress'],
    [0, null],
  ])('status %p → %p', (id, expected) => {
    expect(statusOf(id)).toBe(expected);
  });
  it('closed wins; without a status, who spoke last decides', () => {
    expect(resolveStatus({ mapped: 'in_progress', closed: true, staffSpokeLast: false })).toBe('closed');
    expect(resolveStatus({ mapped: null, closed: false, staffSpokeLast: true })).toBe('awaiting_reply');
    expect(resolveStatus({ mapped: null, closed: false, staffSpokeLast: false })).toBe('open');
  });
});

describe('category label', () => {
  it('is the SID, else the NAME cut to 64 characters', () => {
    const categoryOf = buildCategoryResolver([
      entry(1, 'C', 'Доставка', 100, 'delivery'),
      entry(2, 'C', 'Ошибки'),
      entry(3, 'C', 'Я'.repeat(80)),
    ]);
    expect([categoryOf(1), categoryOf(2), categoryOf(3)?.length, categoryOf(0), categoryOf(9)]).toEqual([
      'delivery',
      'Ошибки',
      64,
      null,
      null,
    ]);
  });
});

describe('order mentions', () => {
  it.each([
    ['Где мой заказ №2024-0042?', ['2024-0042']],
    ['заказ 1234', ['1234']],
    ['По заказу № 41 ничего', ['41']],
    ['order #1234', ['1234']],
    ['Order no. 43, please', ['43']],
    ['my order number 77.', ['77']],
    ['order 2024-0042 and order 41', ['2024-0042', '41']],
    ['<p>заказ&nbsp;№&nbsp;41</p>', ['41']],
    ['заказ оформлен 5 дней назад', []],
    ['reorder 55', []],
    ['Ответ поддержки №1 по обращению 12', []],
  ])('%p → %p', (text, expected) => {
    expect(extractOrderMentions(text)).toEqual(expected);
  });
});

describe('ticket numbers', () => {
  it('formats four digits at least, more when needed', () => {
    expect(formatTicketNumber('20240312', 7)).toBe('SUP-20240312-0007');
    expect(formatTicketNumber('20240312', 10000)).toBe('SUP-20240312-10000');
  });
  it('hands a reserved range out per day in ID order', () => {
    const numbers = assignNumbers(
      [
        { id: 12, day: '20240312' },
        { id: 10, day: '20240311' },
        { id: 11, day: '20240312' },
      ],
      new Map([
        ['20240311', 4],
        ['20240312', 9],
      ]),
    );
    expect(Object.fromEntries(numbers)).toEqual({
      10: 'SUP-20240311-0004',
      11: 'SUP-20240312-0008',
      12: 'SUP-20240312-0009',
    });
  });
});

describe('SLA deadlines', () => {
  it.each([
    [4, '2024-03-12T08:00:00.000Z', '2024-03-12T11:00:00.000Z'],
    [3, '2024-03-12T11:00:00.000Z', '2024-03-13T07:00:00.000Z'],
    [2, '2024-03-12T15:00:00.000Z', '2024-03-14T07:00:00.000Z'],
    [1, '2024-03-13T07:00:00.000Z', '2024-03-16T07:00:00.000Z'],
  ] as const)('priority %p', (priority, firstReply, resolution) => {
    const d = computeSlaDeadlines({ createdAt: new Date('2024-03-12T07:00:00Z'), priority, category: null });
    expect([d.firstReplyDeadline.toISOString(), d.resolutionDeadline.toISOString()]).toEqual([
      firstReply,
      resolution,
    ]);
  });
  it('runs in elapsed time across a DST change', () => {
    // Berlin springs forward on 31 March 2024 at 02:00: 60 minutes after 01:30 CET is 03:30 CEST.
    const d = computeSlaDeadlines({
      createdAt: new Date('2024-03-31T00:30:00Z'),
      priority: 4,
      category: null,
    });
    expect(d.firstReplyDeadline.toISOString()).toBe('2024-03-31T01:30:00.000Z');
  });
});

describe('the fast native time reader', () => {
  it.each([
    'Europe/Moscow',
    'Europe/Berlin',
    'America/New_York',
    'Australia/Lord_Howe',
    'Pacific/Chatham',
    'UTC',
  ])('agrees with core/time nativeToInstant in %s, DST switches included', (zone) => {
    const read = createNativeTimeReader(zone);
    const samples: string[] = [];
    for (let day = 0; day < 366; day += 1)
      for (const time of [
        '00:00:00',
        '01:30:00',
        '02:00:00',
        '02:15:00',
        '02:30:00',
        '02:44:59',
        '02:45:00',
        '02:59:59',
        '03:00:00',
        '03:45:00',
        '12:34:56',
        '23:59:59',
      ]) {
        const d = new Date(Date.UTC(2024, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
        samples.push(`${d} ${time}`);
      }
    for (const value of [...samples, '0000-00-00 00:00:00', '', null])
      expect([value, read(value)?.toISOString() ?? null]).toEqual([
        value,
        nativeToInstant(value, zone)?.toISOString() ?? null,
      ]);
  });
});
