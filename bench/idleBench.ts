import { FixedClock } from '../core/clock';
import { validateConfig } from '../config/config';
import { Db } from '../core/db';
import { silentLogger } from '../core/logger';
import { instantToNative } from '../core/time';
import { throwawayServer } from '../demo/privateServer';
import { FIXTURE } from '../fixtures/seed';
import { readNativeMaxIds } from '../bridge/nativeMaxIds';
import { createCapabilitiesCache } from '../sync/capabilitiesCache';
import { openSweepFor } from '../sync/openSweep';
import { readOpenWindow } from '../sync/store/openStates';
import { syncOnce } from '../sync/syncOnce';
import { COMPUTED_USER_FIELDS } from '../schema/ticketUserFields';
import { startDaemonChild } from './daemonChild';
import { benchConfigDir, idleSite, IdleSite } from './idleSite';
import { measureServerLoad, ServerLoad } from './serverLoad';
import { refreshAfterSync } from '../escalator/state/refreshAfterSync';

/**
 * What bxsup costs the shop's database while nothing happens, at 1,000 and at 50,000 open tickets of
 * 200,000 (BXSUP_BENCH_IDLE_TICKETS) with ~7 message rows each, after the first sync:
 * - one idle poll (syncOnce as the daemon runs it: rotating window, cached capabilities), the median of
 *   POLLS; next to the floors measured in the same run: both MAX(ID)s in one SELECT, and a rotating
 *   1,000-ticket window (the mirror's states from our index and b_ticket's by primary key);
 * - one idle minute of a real `bxsup run` child (all its workers, the default 2 s poll) next to one run of
 *   the native reminder agent's two SELECTs (CTicketReminder::AgentFunction runs every 60 s), written here
 *   after what it asks. Target: the minute examines fewer rows than the agent.
 * Server figures are global counter deltas of the bench's own server (serverLoad.ts). The slow
 * reconciliation is held off (its own benchmark measures it): this is the site between two cycles.
 */
const POLLS = 10;

export async function benchIdle(): Promise<Record<string, number | string>> {
  const tickets = Number(process.env.BXSUP_BENCH_IDLE_TICKETS ?? 200_000);
  const opens = [Math.min(1000, tickets), Math.min(50_000, Math.floor(tickets / 4))];
  const server = await throwawayServer();
  const out: Record<string, number | string> = { tickets, database: server.origin };
  try {
    // The second site copies the first one's rows and opens more of them: generating 200,000 tickets
    // again would take minutes.
    let previous: IdleSite | null = null;
    for (const open of opens) {
      const label = `bench_idle_${open}`;
      const site: IdleSite = await idleSite(server, {
        tickets,
        open,
        label,
        reopenFrom: previous ?? undefined,
      });
      await previous?.close();
      previous = site;
      for (const [key, value] of Object.entries(await measureSite(site)))
        out[`${site.open} open: ${key}`] = value;
    }
    await previous?.close();
  } finally {
    await server.stop();
  }
  return out;
}

/** Between reconciliation cycles: the bench holds the next one off. */
const QUIET = { reconcileIntervalMs: 24 * 3600_000 };

async function measureSite(site: IdleSite): Promise<Record<string, number | string>> {
  const { db } = site;
  const config = validateConfig({ site: { timeZone: FIXTURE.zone }, sync: QUIET });
  // The polls run back to back, on a clock that moves the poll interval each time: the sweep sizes its
  // windows as it does in the daemon (on the system clock, back-to-back polls would shrink them).
  const clock = new FixedClock(new Date());
  const deps = {
    db,
    config,
    logger: silentLogger(),
    clock,
    zone: FIXTURE.zone,
    afterPass: refreshAfterSync,
    openSweep: openSweepFor(config.sync),
    capabilities: createCapabilitiesCache(db, clock),
  };
  // Warm: the capabilities cached and the open set counted, as after the daemon's first pass.
  await syncOnce(deps);
  const polls: Array<ServerLoad & { sent: number }> = [];
  for (let i = 0; i < POLLS; i++) {
    let sent = 0;
    const count = (): void => void sent++;
    const load = await measureServerLoad(db, async () => {
      db.on('query', count);
      try {
        clock.advance(config.sync.pollIntervalMs);
        const r = await syncOnce(deps);
        if (r.tickets || r.messages || r.changedTickets) throw new Error('bench: the idle poll found work');
      } finally {
        db.off('query', count);
      }
    });
    polls.push({ ...load, sent });
  }
  const probe = await repeat(POLLS, () => measureServerLoad(db, () => readNativeMaxIds(db)));
  // The floors go on from where the polls' sweep stands, as its next polls would: the windows just
  // compared are in the buffer pool, and a floor that read them again (as it did from the start of the
  // set) was measured on warm pages against polls that had read theirs cold.
  const windowFloor = await rotatingWindowFloor(db, 1000, deps.openSweep.position);
  // The window a poll of this site compares (open / 29 polls a minute, at least sync.batchSize).
  const pollWindow = deps.openSweep.windowAt(clock.now().getTime());
  const sameWindowFloor = await rotatingWindowFloor(db, pollWindow, windowFloor.endedAfter);
  const poll = medianLoad(polls);
  const minute = await idleMinute(site);
  const agent = await measureServerLoad(db, () => reminderAgentQueries(db));
  return {
    'poll ms': round(poll.ms, 2),
    'poll statements': poll.statements,
    'poll statements sent (knex)': median(polls.map((p) => p.sent)),
    'poll rows examined': poll.rowsExamined,
    'poll KB sent': round(poll.bytesSent / 1024, 1),
    'floor MAX(ID)s ms': round(medianLoad(probe).ms, 2),
    'floor MAX(ID)s rows examined': medianLoad(probe).rowsExamined,
    'floor 1,000-window ms': round(windowFloor.ms, 2),
    'floor 1,000-window rows examined': windowFloor.rowsExamined,
    'ratio poll / window floor': round(poll.ms / windowFloor.ms, 2),
    'target poll ratio': '<= 2',
    "poll's window (tickets)": pollWindow,
    'floor same-size window ms': round(sameWindowFloor.ms, 2),
    'ratio poll / same-size window floor': round(poll.ms / sameWindowFloor.ms, 2),
    'idle minute statements': minute.statements,
    'idle minute rows examined': minute.rowsExamined,
    'idle minute MB sent': round(minute.bytesSent / 1024 / 1024, 2),
    'reminder agent statements': agent.statements,
    'reminder agent rows examined (1 run = 1 minute)': agent.rowsExamined,
    'ratio minute rows / agent rows': round(minute.rowsExamined / Math.max(1, agent.rowsExamined), 3),
    'target minute': 'fewer rows than the agent',
  };
}

/**
 * The floor of a rotating window: the next `size` open tickets (from the start again when the set
 * ends, as the sweep does), the mirror's states and b_ticket's (with b_uts_support's) joined by primary
 * key, the least a comparison has to read.
 */
async function rotatingWindowFloor(
  db: Db,
  size: number,
  /** The ticket ID the first window starts after. */
  startAfter: number,
): Promise<ServerLoad & { endedAfter: number }> {
  const uf = { orderId: true, computed: COMPUTED_USER_FIELDS.map((f) => f.fieldName) };
  const upToId = Number.MAX_SAFE_INTEGER;
  let after = startAfter;
  const loads = await repeat(POLLS, () =>
    measureServerLoad(db, async () => {
      const tail = await readOpenWindow(db, { afterId: after, upToId, limit: size }, uf);
      const head =
        tail.length < size && after > 0
          ? await readOpenWindow(db, { afterId: 0, upToId: after, limit: size - tail.length }, uf)
          : [];
      const last = head.length ? head : tail;
      after = last.length ? last[last.length - 1].id : 0;
    }),
  );
  return { ...medianLoad(loads), endedAfter: after };
}

/** A real daemon for a minute, after its first passes (the open set counted, the escalation caught up). */
async function idleMinute(site: IdleSite): Promise<ServerLoad> {
  const cwd = benchConfigDir({
    sync: QUIET,
    mail: { transport: 'files', dir: 'mail' },
    log: { level: 'info' },
  });
  const daemon = await startDaemonChild(site.url, cwd);
  try {
    await sleep(10_000);
    return await measureServerLoad(site.db, () => sleep(60_000));
  } finally {
    await daemon.stop();
  }
}

/**
 * What the support module's reminder agent asks every minute (CTicketReminder::AgentFunction): open
 * tickets whose last word is the customer's with a warning due and not yet sent, then those past their
 * deadline and not yet overdue (with the SLA's name and the message the deadline counts from). Neither
 * condition has an index, so each reads b_ticket whole. The site's wall clock, as the agent binds it.
 */
async function reminderAgentQueries(db: Db): Promise<void> {
  const now = instantToNative(new Date(), FIXTURE.zone);
  await db.raw(
    `SELECT t.ID, t.SITE_ID, t.SUPPORT_DEADLINE_NOTIFY, t.SUPPORT_DEADLINE, t.ID_1_USER_M_AFTER_SUP_M
       FROM b_ticket t
      WHERE t.DATE_CLOSE IS NULL AND t.LAST_MESSAGE_BY_SUPPORT_TEAM = 'N' AND t.IS_OVERDUE = 'N'
        AND t.IS_NOTIFIED = 'N' AND t.ID_1_USER_M_AFTER_SUP_M > 0
        AND t.SUPPORT_DEADLINE_NOTIFY IS NOT NULL AND t.SUPPORT_DEADLINE_NOTIFY <= ?`,
    [now],
  );
  await db.raw(
    `SELECT t.*, m.ID AS TM_ID, m.C_NUMBER AS TM_C_NUMBER, s.NAME AS SLA_NAME
       FROM b_ticket t
       LEFT JOIN b_ticket_sla s ON s.ID = t.SLA_ID
       LEFT JOIN b_ticket_message m ON m.ID = t.ID_1_USER_M_AFTER_SUP_M
      WHERE t.DATE_CLOSE IS NULL AND t.LAST_MESSAGE_BY_SUPPORT_TEAM = 'N' AND t.IS_OVERDUE = 'N'
        AND t.SUPPORT_DEADLINE <= ?`,
    [now],
  );
}

async function repeat<T>(n: number, run: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await run());
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function medianLoad(loads: ServerLoad[]): ServerLoad {
  return {
    ms: median(loads.map((l) => l.ms)),
    statements: median(loads.map((l) => l.statements)),
    rowsExamined: median(loads.map((l) => l.rowsExamined)),
    innodbRowsRead: median(loads.map((l) => l.innodbRowsRead)),
    pagesReadFromDisk: median(loads.map((l) => l.pagesReadFromDisk)),
    bytesSent: median(loads.map((l) => l.bytesSent)),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
