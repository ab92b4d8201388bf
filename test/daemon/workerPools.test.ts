import { Db } from '../../core/db';
import { LoadWindow } from '../../daemon/dbLoad/loadWindow';
import { DbLoad, measureReadCost, NO_LOAD } from '../../daemon/dbLoad/sessionCounters';
import { createWorkerPools, WorkerPools } from '../../daemon/dbLoad/workerPools';
import { createTestDatabase, TestDatabase } from '../helpers/db';

const ROWS = 5000;

/**
 * Each worker's pool is metered from its connections' own session counters: what a worker runs is
 * counted as its load and nobody else's, the reading itself adds nothing, and a transaction or work on
 * several connections at once is counted whole.
 */
describe('worker pools: the load of each worker, from its own connections', () => {
  let t: TestDatabase;
  let pools: WorkerPools;
  let added: Array<[string, DbLoad]>;

  beforeAll(async () => {
    t = await createTestDatabase();
    await t.db.raw('CREATE TABLE probe (id INT PRIMARY KEY AUTO_INCREMENT, v INT NOT NULL) ENGINE=InnoDB');
    await t.db.raw(`INSERT INTO probe (v) SELECT seq FROM seq_1_to_${ROWS}`);
  });

  beforeEach(async () => {
    added = [];
    pools = createWorkerPools(t.target, {
      readCost: await measureReadCost(t.db),
      onLoad: (worker, load) => added.push([worker, load]),
    });
  });

  afterEach(async () => {
    await pools.destroy();
  });

  afterAll(async () => {
    await t?.drop();
  });

  const scan = (db: Db) => db.raw('SELECT COUNT(*) AS n FROM probe WHERE v + 0 > 0');

  it("counts a full scan as the worker's rows examined, and nothing of it as another worker's", async () => {
    const busy = pools.open('busy', 2);
    const quiet = pools.open('quiet', 2);
    await Promise.all([busy.raw('SELECT 1'), quiet.raw('SELECT 1')]);
    await pools.settle();
    const before = pools.totals();

    await scan(busy);
    await pools.settle();
    const after = pools.totals();
    const busyAdded = after.get('busy')!;
    expect(busyAdded.rowsExamined - before.get('busy')!.rowsExamined).toBeGreaterThanOrEqual(ROWS);
    // The scan alone: the status reads between are taken off.
    expect(busyAdded.statements - before.get('busy')!.statements).toBe(1);
    expect(busyAdded.bytesReceived).toBeGreaterThan(0);
    expect(after.get('quiet')).toEqual(before.get('quiet'));
    // Both series exist from the start, for /metrics.
    expect(added.slice(0, 2)).toEqual([
      ['busy', NO_LOAD],
      ['quiet', NO_LOAD],
    ]);
  });

  it('a settle with nothing run between adds nothing: reading the counters costs itself nothing', async () => {
    const db = pools.open('idle', 1);
    await scan(db);
    await pools.settle();
    const first = pools.totals().get('idle');
    await pools.settle();
    await pools.settle();
    expect(pools.totals().get('idle')).toEqual(first);
  });

  it('counts a transaction and concurrent statements on several connections of one pool', async () => {
    const db = pools.open('sync', 3);
    // Three connections open first, so that their setup is not counted below.
    await Promise.all([1, 2, 3].map(() => db.raw('SELECT SLEEP(0.1)')));
    await pools.settle();
    const before = pools.totals().get('sync')!;
    await Promise.all([
      db.transaction(async (trx) => {
        await scan(trx);
        await trx.raw('SELECT SLEEP(0.2)');
      }),
      (async () => {
        await scan(db);
        await db.raw('SELECT SLEEP(0.2)');
      })(),
      scan(db),
    ]);
    await pools.settle();
    const after = pools.totals().get('sync')!;
    expect(after.rowsExamined - before.rowsExamined).toBeGreaterThanOrEqual(3 * ROWS);
    // 3 scans, 2 sleeps, BEGIN and COMMIT.
    expect(after.statements - before.statements).toBe(7);
  });
});

describe('the last minute of load', () => {
  const load = (statements: number): DbLoad => ({ ...NO_LOAD, statements, rowsExamined: statements * 10 });
  const at = (s: number) => new Date(Date.UTC(2026, 0, 5, 10, 0, s));

  it('is the running total minus the newest sample at least a minute old, or the start', () => {
    const window = new LoadWindow(at(0));
    expect(window.record(at(0), new Map([['sync', load(0)]]))).toEqual({
      seconds: 0,
      workers: { sync: load(0) },
    });
    expect(window.record(at(10), new Map([['sync', load(5)]]))).toEqual({
      seconds: 10,
      workers: { sync: load(5) },
    });
    for (let s = 20; s <= 60; s += 10) window.record(at(s), new Map([['sync', load(s)]]));
    expect(window.record(at(70), new Map([['sync', load(100)]]))).toEqual({
      seconds: 60,
      workers: { sync: load(95) },
    });
    expect(
      window.record(
        at(85),
        new Map([
          ['sync', load(130)],
          ['mail', load(3)],
        ]),
      ),
    ).toEqual({
      seconds: 65,
      workers: { sync: load(110), mail: load(3) },
    });
  });
});
