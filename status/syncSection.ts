import { maxMessageId } from '../bridge/nativeMessages';
import { maxTicketId } from '../bridge/nativeTickets';
import { utcToInstant } from '../core/time';
import { tableExists } from '../schema/migrator';
import { readCursors, SYNC_CURSORS } from '../sync/store/cursors';
import { StatusCollector } from './section';

/**
 * How far the mirror is behind Bitrix (newest native IDs against the sync cursors) and whether a daemon
 * is alive (bl_support_daemon heartbeats). A database nobody has synced yet is not a problem (the schema
 * section says what to install); a daemon whose heartbeat stopped is.
 */
const MIN_STALE_MS = 60_000;

export const syncSection: StatusCollector = async ({ db, config, now }) => {
  if (!(await tableExists(db, 'bl_support_cursor'))) {
    return { key: 'sync', data: { installed: false }, lines: [['sync', 'not installed']], problems: [] };
  }
  const problems: string[] = [];
  const cursors = await readCursors(db, [
    SYNC_CURSORS.ticket,
    SYNC_CURSORS.message,
    SYNC_CURSORS.reconcileDoneAt,
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

  const staleAfterMs = Math.max(MIN_STALE_MS, 10 * config.sync.pollIntervalMs);
  const daemons = (await tableExists(db, 'bl_support_daemon'))
    ? (
        await db('bl_support_daemon')
          .orderBy('heartbeat_at', 'desc')
          .select<Array<{ instance_id: string; host: string; pid: number; heartbeat_at: string }>>(
            'instance_id',
            'host',
            'pid',
            'heartbeat_at',
          )
      ).map((d) => {
        const seen = utcToInstant(d.heartbeat_at);
        const ageMs = seen ? Math.max(0, now.getTime() - seen.getTime()) : null;
        return {
          instanceId: d.instance_id,
          host: d.host,
          pid: Number(d.pid),
          ageMs,
          alive: ageMs !== null && ageMs <= staleAfterMs,
        };
      })
    : [];
  for (const d of daemons.filter((x) => !x.alive)) {
    problems.push(
      `daemon ${d.instanceId} on ${d.host} last sent a heartbeat ${d.ageMs === null ? 'never' : `${Math.round(d.ageMs / 1000)} s ago`}: check that bxsup run is still running there`,
    );
  }

  const synced = ticketCursor !== null;
  const alive = daemons.filter((d) => d.alive);
  return {
    key: 'sync',
    data: {
      installed: true,
      synced,
      cursors: { ticket: ticketCursor, message: messageCursor },
      newest: { ticket: newestTicket, message: newestMessage },
      lag,
      reconciledAt: reconciledMs ? new Date(reconciledMs).toISOString() : null,
      daemons,
    },
    lines: [
      [
        'sync',
        synced
          ? `${lag.tickets} ticket(s) and ${lag.messages} message(s) behind (cursors ${ticketCursor}/${messageCursor}, newest ${newestTicket}/${newestMessage})`
          : 'never run: bxsup run (or bxsup sync --once) mirrors the tickets',
      ],
      ['reconciled', reconciledMs ? new Date(reconciledMs).toISOString() : 'not yet'],
      [
        'daemon',
        alive.length
          ? alive.map((d) => `${d.host} pid ${d.pid} (${Math.round((d.ageMs ?? 0) / 1000)} s ago)`).join(', ')
          : daemons.length
            ? 'none alive'
            : 'none has run',
      ],
    ],
    problems,
  };
};
