import { FixedClock } from '../../core/clock';
import { createRowBudget } from '../../core/rowBudget';
import { openDb } from '../../core/db';
import { validateConfig } from '../../config/config';
import { escalationWorker } from '../../daemon/escalationWorker';
import { createEscalationEvents } from '../../escalator/agent/escalationEvents';
import { PassResult } from '../../escalator/agent/passResult';
import { countingBudget } from '../helpers/countingBudget';
import { memoryLogger } from '../sync/harness';
import { escalationSite, msk, Site } from './agentHarness';

/**
 * The check of every ticket against a UF_SLA_STATE list made again under new IDs
 * (escalator/state/slaStateList.ts) is a sweep of b_uts_support: it keeps to db.maxRowsPerSecond as the
 * reconciliation does, goes on over several passes where the budget is small, and the daemon's worker
 * runs those passes soon after each other instead of at its cron ticks.
 */
describe('the UF_SLA_STATE list check within the row budget', () => {
  let site: Site;
  /** b_uts_support's highest VALUE_ID: the key range the check reads. */
  let last: number;
  /** The tickets the daemon wrote a state for. */
  let withState: number[];

  beforeAll(async () => {
    site = await escalationSite({
      escalation: { levels: [{ name: 'breach', on: 'breach', notify: ['supervisor'] }] },
    });
    // Every fixture ticket mirrored and its state written against the installed list.
    await site.sync(msk('2024-03-12 20:00:00'), { reconcile: 'full' });
    await site.pass(msk('2024-03-12 20:01:00'));
    const row = await site.t.db('b_uts_support').max({ n: 'VALUE_ID' }).first();
    last = Number(row?.n);
    withState = await site.t.db('b_uts_support').whereNotNull('UF_SLA_STATE').pluck('VALUE_ID');
  });
  afterAll(async () => {
    await site.t.drop();
  });

  /** The values deleted and added again in the field's settings: the same XML_IDs under new IDs. */
  const listMadeAgain = async (): Promise<number[]> => {
    const field = await site.t
      .db('b_user_field')
      .where({ ENTITY_ID: 'SUPPORT', FIELD_NAME: 'UF_SLA_STATE' })
      .first('ID');
    const before = await site.t.db('b_user_field_enum').where('USER_FIELD_ID', field.ID).orderBy('ID');
    await site.t.db('b_user_field_enum').where('USER_FIELD_ID', field.ID).delete();
    await site.t
      .db('b_user_field_enum')
      .insert(before.map(({ ID: _id, ...value }) => value as Record<string, unknown>));
    return (await site.t.db('b_user_field_enum').where('USER_FIELD_ID', field.ID)).map((v) => Number(v.ID));
  };

  /** Those of them whose state is none of the list's values now (what the admin list shows blank). */
  const blankStates = async (valid: number[]): Promise<number[]> =>
    site.t
      .db('b_uts_support')
      .whereIn('VALUE_ID', withState)
      .where((q) => q.whereNull('UF_SLA_STATE').orWhereNotIn('UF_SLA_STATE', valid))
      .orderBy('VALUE_ID')
      .pluck('VALUE_ID');

  it('a small budget spreads it over passes, none reading more key range than the bucket held', async () => {
    const valid = await listMadeAgain();
    const blankBefore = await blankStates(valid);
    expect(blankBefore.length).toBeGreaterThan(3);
    // A bucket of a third of the key range, full again at each pass (time moves only between them).
    const capacity = Math.ceil(last / 3);
    let ms = 0;
    const budget = countingBudget(createRowBudget(1, { burstSeconds: capacity, elapsedMs: () => ms }));
    const ranges: string[] = [];
    const listen = (q: { sql: string; bindings?: unknown[] }) => {
      if (/FROM b_uts_support WHERE VALUE_ID >/.test(q.sql)) ranges.push(String(q.bindings));
    };
    const results: PassResult[] = [];
    const spent: number[] = [];
    site.t.db.on('query', listen);
    try {
      for (let minute = 10; results.at(-1)?.listCheckPending !== false && minute < 20; minute++) {
        const before = budget.spent;
        results.push(await site.pass(msk(`2024-03-12 20:${minute}:00`), { rowBudget: budget }));
        spent.push(budget.spent - before);
        if (results.length === 1) {
          // Half-way: the rows past the first range still show no state.
          const blank = await blankStates(valid);
          expect(blank.length).toBeGreaterThan(0);
          expect(blank.every((id) => id > capacity)).toBe(true);
        }
        ms += 2 * capacity * 1000;
      }
    } finally {
      site.t.db.off('query', listen);
    }
    expect(results.map((r) => r.listCheckPending)).toEqual([
      ...Array.from({ length: Math.ceil(last / capacity) - 1 }, () => true),
      false,
    ]);
    // One range a pass, each as large as the bucket, from where the last one stopped.
    expect(ranges).toEqual(results.map((_, i) => `${i * capacity},${Math.min((i + 1) * capacity, last)}`));
    // A pass spends its range and a row for each ticket it marks: never more than the bucket and those.
    expect(spent.every((rows) => rows <= capacity + blankBefore.length)).toBe(true);
    expect(await blankStates(valid)).toEqual([]);
    expect(site.logLines().join('\n')).toMatch(
      new RegExp(`\\(checked up to ticket ${capacity} of ${last}, the rest within db\\.maxRowsPerSecond\\)`),
    );

    // Done: the next pass reads no range.
    ranges.length = 0;
    site.t.db.on('query', listen);
    try {
      await site.pass(msk('2024-03-12 20:30:00'), { rowBudget: budget });
    } finally {
      site.t.db.off('query', listen);
    }
    expect(ranges).toEqual([]);
  });

  it('the list made again half-way: the check starts over against the new IDs', async () => {
    const capacity = Math.ceil(last / 3);
    let ms = 0;
    const budget = createRowBudget(1, { burstSeconds: capacity, elapsedMs: () => ms });
    await listMadeAgain();
    const first = await site.pass(msk('2024-03-12 20:31:00'), { rowBudget: budget });
    expect(first.listCheckPending).toBe(true);
    // The rows the first pass checked hold IDs the list made again does not have.
    const valid = await listMadeAgain();
    for (let minute = 32; minute < 40; minute++) {
      ms += 2 * capacity * 1000;
      if (!(await site.pass(msk(`2024-03-12 20:${minute}:00`), { rowBudget: budget })).listCheckPending)
        break;
    }
    expect(await blankStates(valid)).toEqual([]);
  });

  it("the daemon's worker goes on with it in passes of its own, soon after each other, not at its cron", async () => {
    const valid = await listMadeAgain();
    // A bucket of a few rows that refills in milliseconds; the cron would not fire for a year.
    const capacity = Math.max(2, Math.ceil(last / 4));
    const budget = createRowBudget(1000, { burstSeconds: capacity / 1000 });
    const config = validateConfig({
      site: { timeZone: site.config.site?.timeZone },
      escalation: { cron: '0 0 1 1 *', levels: [{ name: 'breach', on: 'breach', notify: ['supervisor'] }] },
    });
    const events = createEscalationEvents();
    const passes: PassResult[] = [];
    const done = new Promise<void>((resolve) =>
      events.on('pass:finished', (r) => {
        passes.push(r);
        if (!r.listCheckPending) resolve();
      }),
    );
    const db = openDb(site.t.target, { poolMax: 3 });
    const worker = escalationWorker({
      db,
      target: site.t.target,
      config,
      logger: memoryLogger().logger,
      clock: new FixedClock(msk('2024-03-12 20:40:00')),
      events,
      rowBudget: budget,
    });
    // Bounded, so that a worker that stops going on fails the test (and stops) instead of hanging it.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the list check did not finish within 20 s')), 20_000);
    });
    try {
      worker.start();
      await Promise.race([done, deadline]);
    } finally {
      clearTimeout(timer);
      await worker.stop();
      await db.destroy();
    }
    expect(passes.length).toBeGreaterThan(1);
    expect(passes.slice(0, -1).every((p) => p.listCheckPending && p.ran)).toBe(true);
    expect(await blankStates(valid)).toEqual([]);
  });
});
