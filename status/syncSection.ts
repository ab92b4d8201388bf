import { maxMessageId } from '../bridge/nativeMessages';
import { maxTicketId } from '../bridge/nativeTickets';
import { resolveSiteZone } from '../bridge/siteZone';
import { Db } from '../core/db';
import { nativeToInstant } from '../core/time';
import { columnExists, tableExists } from '../schema/migrator';
import { CURSOR_TABLE, readCursors, RECONCILE_CURSORS, SYNC_CURSORS } from '../store/cursors';
import { DAEMON_TABLE, listDaemons } from '../store/daemons';
import { StatusCollector } from './section';

/**
 * How far the mirror is behind Bitrix (newest native IDs against the sync cursors, and how long the
 * oldest row not mirrored yet has waited), whether a daemon is alive (bl_support_daemon heartbeats), and
 * whether its workers' passes keep failing. A database nobody has synced yet is not a problem (the schema
 * section says what to install); a daemon whose heartbeat stopped is — unless a daemon started later on
 * the same host beats (systemd restarted it: the old row is history, not a missing daemon).
 */
const MIN_STALE_MS = 60_000;
/** A worker whose passes have failed this long is a problem (one failed pass is not). */
const FAILING_FOR_MS = 30_000;

interface DaemonRow {
  instanceId: string;
  host: string;
  pid: number;
  startedAt: Date | null;
  seenAt: Date | null;
  ageMs: number | null;
  alive: boolean;
  supersededBy: string | null;
  failing: Record<string, { since: string; error: string }>;
}

export const syncSection: StatusCollector = async ({ db, config, now }) => {
  if (!(await tableExists(db, CURSOR_TABLE))) {
    return { key: 'sync', data: { installed: false }, lines: [['sync', 'not installed']], problems: [] };
  }
  const problems: string[] = [];
  const cursors = await readCursors(db, [
    SYNC_CURSORS.ticket,
    SYNC_CURSORS.message,
    SYNC_CURSORS.reconcileDoneAt,
    SYNC_CURSORS.reconcilePosition,
    RECONCILE_CURSORS.startedAt,
    RECONCILE_CURSORS.cycleRows,
  ]);
  const hasNative = (await tableExists(db, 'b_ticket')) && (await tableExists(db, 'b_ticket_message'));
  const newestTicket = hasNative ? await maxTicketId(db) : 0;
  const newestMessage = hasNative ? await maxMessageId(db) : 0;
  const ticketCursor = cursors.get(SYNC_CURSORS.ticket) ?? null;
  const messageCursor = cursors.get(SYNC_CURSORS.message) ?? null;
  const reconciledMs = cursors.get(SYNC_CURSORS.reconcileDoneAt) ?? 0;
  const lag = {
    tickets: Math.max(0, newestTicket - (ticketCursor ?? 0)),
    messages: Math.max(0, newestMessage - (messageCursor ?? 0)),
  };
  const synced = ticketCursor !== null;
  const cycle = runningCycle(
    {
      position: cursors.get(SYNC_CURSORS.reconcilePosition) ?? 0,
      startedMs: cursors.get(RECONCILE_CURSORS.startedAt) ?? 0,
      rows: cursors.get(RECONCILE_CURSORS.cycleRows) ?? 0,
    },
    Math.max(ticketCursor ?? 0, newestTicket),
    now,
  );

  const oldestWaiting =
    synced && (lag.tickets || lag.messages)
      ? await oldestUnmirrored(db, config.site.timeZone, ticketCursor, messageCursor ?? 0)
      : null;
  const waitingMinutes = oldestWaiting ? Math.floor((now.getTime() - oldestWaiting.getTime()) / 60_000) : 0;
  if (oldestWaiting && waitingMinutes >= config.sync.lagAlertMinutes) {
    problems.push(
      `the mirror is ${lag.tickets} ticket(s) and ${lag.messages} message(s) behind, the oldest waiting for ${waitingMinutes} min (sync.lagAlertMinutes is ${config.sync.lagAlertMinutes}): is bxsup run running, and are its sync passes failing (see its log)?`,
    );
  }

  const staleAfterMs = Math.max(MIN_STALE_MS, 10 * config.sync.pollIntervalMs);
  const daemons = await readDaemons(db, now, staleAfterMs);
  for (const d of daemons.filter((x) => !x.alive && !x.supersededBy)) {
    problems.push(
      `daemon ${d.instanceId} on ${d.host} last sent a heartbeat ${d.ageMs === null ? 'never' : `${Math.round(d.ageMs / 1000)} s ago`}: check that bxsup run is still running there`,
    );
  }
  for (const d of daemons.filter((x) => x.alive)) {
    for (const [worker, failure] of Object.entries(d.failing)) {
      const since = new Date(failure.since);
      if (now.getTime() - since.getTime() < FAILING_FOR_MS) continue;
      problems.push(
        `${worker} passes of the daemon on ${d.host} (pid ${d.pid}) have failed since ${since.toISOString()}: ${failure.error}`,
      );
    }
  }

  const alive = daemons.filter((d) => d.alive);
  const superseded = daemons.filter((d) => d.supersededBy);
  return {
    key: 'sync',
    data: {
      installed: true,
      synced,
      cursors: { ticket: ticketCursor, message: messageCursor },
      newest: { ticket: newestTicket, message: newestMessage },
      lag,
      oldestWaitingMinutes: oldestWaiting ? waitingMinutes : null,
      reconciledAt: reconciledMs ? new Date(reconciledMs).toISOString() : null,
      reconcileCycle: cycle,
      daemons: daemons.map((d) => ({
        instanceId: d.instanceId,
        host: d.host,
        pid: d.pid,
        ageMs: d.ageMs,
        alive: d.alive,
        supersededBy: d.supersededBy,
        failing: d.failing,
      })),
    },
    lines: [
      [
        'sync',
        synced
          ? `${lag.tickets} ticket(s) and ${lag.messages} message(s) behind (cursors ${ticketCursor}/${messageCursor}, newest ${newestTicket}/${newestMessage})${oldestWaiting ? `, the oldest waiting ${waitingMinutes} min` : ''}`
          : 'never run: bxsup run (or bxsup sync --once) mirrors the tickets',
      ],
      ['reconciled', reconciledMs ? new Date(reconciledMs).toISOString() : 'not yet'],
      ...(cycle ? [['reconciling', cycleLine(cycle)] as [string, string]] : []),
      [
        'daemon',
        (alive.length
          ? alive
              .map(
                (d) =>
                  `${d.host} pid ${d.pid} (${Math.round((d.ageMs ?? 0) / 1000)} s ago)${Object.keys(d.failing).length ? `, failing: ${Object.keys(d.failing).join(', ')}` : ''}`,
              )
              .join(', ')
          : daemons.length
            ? 'none alive'
            : 'none has run') +
          (superseded.length ? `; ${superseded.length} earlier instance(s) superseded on the same host` : ''),
      ],
    ],
    problems,
  };
};

async function readDaemons(db: Db, now: Date, staleAfterMs: number): Promise<DaemonRow[]> {
  if (!(await tableExists(db, DAEMON_TABLE))) return [];
  const withFailing = await columnExists(db, DAEMON_TABLE, 'failing');
  const rows = await listDaemons(db, { withFailing });
  const daemons: DaemonRow[] = rows.map((d) => {
    const seenAt = d.heartbeatAt;
    const ageMs = seenAt ? Math.max(0, now.getTime() - seenAt.getTime()) : null;
    return {
      instanceId: d.instanceId,
      host: d.host,
      pid: d.pid,
      startedAt: d.startedAt,
      seenAt,
      ageMs,
      alive: ageMs !== null && ageMs <= staleAfterMs,
      supersededBy: null,
      failing: parseFailing(d.failing),
    };
  });
  for (const dead of daemons.filter((d) => !d.alive)) {
    const successor = daemons.find(
      (d) => d.alive && d.host === dead.host && d.startedAt && (!dead.seenAt || d.startedAt >= dead.seenAt),
    );
    dead.supersededBy = successor?.instanceId ?? null;
  }
  return daemons;
}

function parseFailing(text: string | null): Record<string, { since: string; error: string }> {
  if (!text) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object'
      ? (parsed as Record<string, { since: string; error: string }>)
      : {};
  } catch {
    return {};
  }
}

/**
 * When the oldest native row the mirror has not reached was written (its DATE_CREATE, read in the site's
 * zone): one primary-key lookup after each cursor. A ticket whose date is unreadable (a zero date) counts
 * as written now, so it raises no alarm of its own.
 */
async function oldestUnmirrored(
  db: Db,
  configuredZone: string | undefined,
  ticketCursor: number,
  messageCursor: number,
): Promise<Date | null> {
  const zone = (await resolveSiteZone(db, configuredZone)).zone;
  const [ticket] = (await db('b_ticket')
    .where('ID', '>', ticketCursor)
    .orderBy('ID')
    .limit(1)
    .select('DATE_CREATE')) as Array<{
    DATE_CREATE: string | null;
  }>;
  const [message] = (await db('b_ticket_message')
    .where('ID', '>', messageCursor)
    .orderBy('ID')
    .limit(1)
    .select('DATE_CREATE')) as Array<{ DATE_CREATE: string | null }>;
  const dates = [ticket, message]
    .map((r) => (r ? nativeToInstant(r.DATE_CREATE, zone) : null))
    .filter((d): d is Date => d !== null);
  return dates.length ? new Date(Math.min(...dates.map((d) => d.getTime()))) : null;
}

interface RunningCycle {
  /** The last b_ticket.ID the running cycle has compared, and where the cycle ends (the newest ID). */
  position: number;
  end: number;
  percent: number;
  rowsExamined: number;
  startedAt: string | null;
  /** When the cycle ends if it keeps the pace it has kept so far; null until that can be told. */
  expectedDoneAt: string | null;
}

/**
 * Where the reconciliation's running cycle stands (its cursors; position 0 means between cycles): the
 * sweep is paced over hours (sync.reconcileCycleMinutes), so an admin asking "is it stuck?" needs its
 * progress, not only when the last cycle ended. The finish is projected from the cycle's own pace so far.
 */
function runningCycle(
  stored: { position: number; startedMs: number; rows: number },
  newestTicket: number,
  now: Date,
): RunningCycle | null {
  if (stored.position <= 0) return null;
  const end = Math.max(stored.position, newestTicket);
  const fraction = stored.position / end;
  const elapsedMs = stored.startedMs > 0 ? now.getTime() - stored.startedMs : 0;
  return {
    position: stored.position,
    end,
    percent: Math.floor(fraction * 1000) / 10,
    rowsExamined: stored.rows,
    startedAt: stored.startedMs > 0 ? new Date(stored.startedMs).toISOString() : null,
    expectedDoneAt:
      elapsedMs > 0 ? new Date(stored.startedMs + Math.round(elapsedMs / fraction)).toISOString() : null,
  };
}

function cycleLine(c: RunningCycle): string {
  return (
    `cycle at ticket ${c.position} of ${c.end} (${c.percent} %), ${c.rowsExamined} rows examined` +
    (c.startedAt ? `, started ${c.startedAt}` : '') +
    (c.expectedDoneAt ? `, at this pace done about ${c.expectedDoneAt}` : '')
  );
}
