import { Knex } from 'knex';
import { FixedClock } from '../../core/clock';
import { openDb } from '../../core/db';
import { generateTickets } from '../../fixtures/generate';
import { addMessage, changeTicket, createTicket } from '../../fixtures/nativeWriter';
import { FIXTURE } from '../../fixtures/seed';
import { createCapabilitiesCache } from '../../sync/capabilitiesCache';
import { openSweepFor } from '../../sync/openSweep';
import { syncOnce } from '../../sync/syncOnce';
import { SyncDeps } from '../../sync/types';
import { FIXTURE_ZONE, REFERENCE_TIME } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { installedSite, msk, syncDeps } from './harness';

/**
 * The daemon's idle poll: an "anything new?" probe, then a rotating window over the open set. What it
 * sends stays the same whatever the number of open tickets; every open ticket is still compared within
 * sync.openSweepSeconds, and what new rows reveal is picked up at once.
 */
const CONFIG = { sync: { batchSize: 100, pollIntervalMs: 2000, openSweepSeconds: 60 } };

/** A site whose generated tickets (history: before the install) leave `open` of them open. */
async function siteWithOpen(open: number): Promise<TestDatabase> {
  const tickets = 3000;
  return installedSite({
    beforeInstall: async (t) => {
      await generateTickets(t.db, {
        tickets,
        messagesPerTicket: 2,
        zone: FIXTURE_ZONE,
        startAt: msk('2023-06-01 09:00:00'),
        closedPercent: (100 * (tickets - open)) / tickets,
      });
      await t.db.raw('ANALYZE TABLE b_ticket, b_ticket_message, b_uts_support');
    },
  });
}

/** The deps the daemon's sync worker builds: one sweep and one capabilities cache across its passes. */
function daemonDeps(t: TestDatabase, clock: FixedClock, db?: Knex): SyncDeps {
  const deps = syncDeps(t, { config: CONFIG, clock });
  const pool = (db ?? deps.db) as SyncDeps['db'];
  return {
    ...deps,
    db: pool,
    openSweep: openSweepFor(deps.config.sync),
    capabilities: createCapabilitiesCache(pool, clock),
  };
}

interface Sent {
  statements: string[];
  rows: number;
}

/** One poll through its own pool, counting the statements it sends and the rows they return. */
async function countedPoll(deps: SyncDeps, db: Knex): Promise<Sent> {
  const sent: Sent = { statements: [], rows: 0 };
  const onQuery = (q: { sql: string }): void => void sent.statements.push(q.sql);
  const onResponse = (response: unknown): void => {
    if (Array.isArray(response)) sent.rows += response.length;
  };
  db.on('query', onQuery);
  db.on('query-response', onResponse);
  try {
    const result = await syncOnce({ ...deps, db: db as SyncDeps['db'] }, { reconcile: 'off' });
    expect(result).toMatchObject({ tickets: 0, messages: 0, changedTickets: 0 });
  } finally {
    db.off('query', onQuery);
    db.off('query-response', onResponse);
  }
  return sent;
}

describe('the idle poll of the daemon', () => {
  let few: TestDatabase;
  let many: TestDatabase;
  beforeAll(async () => {
    [few, many] = await Promise.all([siteWithOpen(250), siteWithOpen(3000)]);
    // One pass with room for every ticket's SLA refresh: the site is settled when the tests begin.
    for (const t of [few, many])
      await syncOnce(syncDeps(t, { config: CONFIG }), { reconcile: 'off', batchSize: 5000 });
  }, 120000);
  afterAll(async () => {
    await few?.drop();
    await many?.drop();
  });

  it('sends the same few read-only statements and reads a bounded number of rows, 250 or 3,000 open', async () => {
    const polls: Sent[] = [];
    for (const t of [few, many]) {
      const db = openDb(t.target, { poolMax: 2 });
      try {
        const clock = new FixedClock(REFERENCE_TIME);
        const deps = daemonDeps(t, clock, db);
        await syncOnce(deps, { reconcile: 'off' }); // the first pass counts the open set and caches
        clock.advance(2000);
        polls.push(await countedPoll(deps, db));
      } finally {
        await db.destroy();
      }
    }
    const [small, large] = polls;
    for (const poll of polls) {
      expect(poll.statements.filter((s) => !/^\s*select\b/i.test(s))).toEqual([]);
      // The capabilities are cached (the schema check's one-row TABLES lookup is not this).
      expect(poll.statements.some((s) => /information_schema`?\.`?COLUMNS/i.test(s))).toBe(false);
      // A window of sync.batchSize (100), or a 29th of the open set (3,000 / 29 = 104): a row per ticket
      // (the mirror's state joined with b_ticket's), plus the cursor rows and a few one-row probes.
      expect(poll.rows).toBeLessThanOrEqual(104 + 15);
    }
    expect(large.statements.length).toBe(small.statements.length);
    // Schema and cursors, MAX(ID)s, the window, the reconciliation's cursors, the SLA refresh's probe.
    expect(large.statements.length).toBeLessThanOrEqual(5);
    // Nothing new: the probe is the only statement that touches b_ticket_message.
    expect(large.statements.filter((s) => /b_ticket_message/.test(s))).toHaveLength(1);
  });

  it('compares every open ticket within sync.openSweepSeconds, also changes no log line tells', async () => {
    const t = many;
    const clock = new FixedClock(REFERENCE_TIME);
    const deps = daemonDeps(t, clock);
    await syncOnce(deps, { reconcile: 'off' });
    // A new owner from the admin form writes no log line: only the comparison can see it.
    const open = (await t.db('bl_support_ticket').where('is_open', 1).orderBy('id').pluck('id')) as number[];
    const picked = [open[5], open[900], open[1700], open[2500], open[open.length - 1]];
    for (const ticketId of picked) {
      await changeTicket(t.db, FIXTURE_ZONE, {
        ticketId,
        ownerUserId: FIXTURE.users.customerJohn,
        byUserId: FIXTURE.users.operatorOlga,
        at: new Date(REFERENCE_TIME),
      });
    }
    const seenAfter = new Map<number, number>();
    let changedFirst = 0;
    for (let poll = 1; poll <= 30 && seenAfter.size < picked.length; poll++) {
      clock.advance(2000);
      const result = await syncOnce(deps, { reconcile: 'off' });
      if (poll === 1) changedFirst = result.changedTickets;
      const owners = await t.db('bl_support_ticket').whereIn('id', picked).select('id', 'user_id');
      for (const row of owners)
        if (Number(row.user_id) === FIXTURE.users.customerJohn && !seenAfter.has(Number(row.id)))
          seenAfter.set(Number(row.id), poll);
    }
    expect([...seenAfter.keys()].sort((a, b) => a - b)).toEqual([...picked].sort((a, b) => a - b));
    // A rotation, not a full read each poll: the first window held some of them, not all.
    expect(changedFirst).toBeLessThan(picked.length);
  });

  it('sees a change a log line tells, a new message and a new ticket on the very next poll', async () => {
    const t = many;
    const clock = new FixedClock(REFERENCE_TIME);
    const deps = daemonDeps(t, clock);
    await syncOnce(deps, { reconcile: 'off' });
    clock.advance(2000);
    await syncOnce(deps, { reconcile: 'off' });
    // Far from where the window stands (it starts at the lowest IDs).
    const last = Number((await t.db('bl_support_ticket').where('is_open', 1).max({ m: 'id' }))[0].m);
    const before = (await t.db('b_ticket').where('ID', last).first('RESPONSIBLE_USER_ID'))
      .RESPONSIBLE_USER_ID;
    const other =
      Number(before) === FIXTURE.users.operatorIvan ? FIXTURE.users.operatorOlga : FIXTURE.users.operatorIvan;
    await changeTicket(t.db, FIXTURE_ZONE, {
      ticketId: last,
      responsibleUserId: other,
      byUserId: FIXTURE.users.operatorOlga,
      at: new Date(REFERENCE_TIME),
    });
    clock.advance(2000);
    const changed = await syncOnce(deps, { reconcile: 'off' });
    expect(changed.changedTickets).toBe(1);
    expect((await t.db('bl_support_ticket').where('id', last).first('assigned_to')).assigned_to).toBe(other);

    const at = new Date(new Date(REFERENCE_TIME).getTime() + 60_000);
    await addMessage(t.db, FIXTURE_ZONE, {
      ticketId: last,
      authorUserId: FIXTURE.users.operatorOlga,
      bySupport: true,
      text: 'We are on it.',
      at,
    });
    clock.advance(2000);
    expect(await syncOnce(deps, { reconcile: 'off' })).toMatchObject({ messages: 1, events: 1 });
    const created = await createTicket(t.db, FIXTURE_ZONE, {
      siteId: 's1',
      ownerUserId: FIXTURE.users.customerMaria,
      title: 'A new one',
      message: 'Hello',
      at,
    });
    clock.advance(2000);
    expect(await syncOnce(deps, { reconcile: 'off' })).toMatchObject({ tickets: 1 });
    expect(await t.db('bl_support_ticket').where('id', created).first('id')).toBeTruthy();
  });

  it('reads information_schema once a minute, not every poll', async () => {
    const t = few;
    const db = openDb(t.target, { poolMax: 2 });
    const reads: string[] = [];
    db.on('query', (q: { sql: string }) => {
      if (/information_schema`?\.`?COLUMNS/i.test(q.sql)) reads.push(q.sql);
    });
    try {
      const clock = new FixedClock(REFERENCE_TIME);
      const deps = daemonDeps(t, clock, db);
      for (let poll = 0; poll < 5; poll++) {
        await syncOnce(deps, { reconcile: 'off' });
        clock.advance(2000);
      }
      expect(reads).toHaveLength(1);
      clock.advance(60_000);
      await syncOnce(deps, { reconcile: 'off' });
      expect(reads).toHaveLength(2);
    } finally {
      await db.destroy();
    }
  });
});
