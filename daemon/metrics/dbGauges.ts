import { Gauge, Registry } from 'prom-client';
import { Db } from '../../core/db';
import { utcToInstant } from '../../core/time';
import { probeSchema } from '../../queue/schemaProbe';
import { CURSOR_TABLE, readCursors } from '../../store/cursors';
import { oldestDueAt, outboxStateCounts } from '../../store/outbox/counts';
import { OUTBOX_TABLE } from '../../store/outbox/outboxRow';
import { countOpenQueue } from '../../store/slaColumns';

const OUTBOX_STATES = ['pending', 'sending', 'sent', 'dead'] as const;
const STREAMS = [
  { stream: 'ticket', table: 'b_ticket' },
  { stream: 'message', table: 'b_ticket_message' },
] as const;
const QUERY_TIMEOUT_MS = 5000;

/**
 * Gauges read from the database at scrape time. They describe shared state (every daemon on the site
 * reports the same numbers), so they cannot be counters kept in one process:
 * - sync lag: the native tables' highest ID minus the sync's cursor, per stream (ticket, message),
 * - outbox depth by state and the age of the oldest mail waiting,
 * - open tickets and how many are past their next SLA deadline,
 * - bxsup_db_up: 0 when the last read failed (the other gauges then keep their previous values).
 */
export class DbGauges {
  private readonly up: Gauge;
  private readonly lag: Gauge<'stream'>;
  private readonly nativeMax: Gauge<'stream'>;
  private readonly cursor: Gauge<'stream'>;
  private readonly outbox: Gauge<'state'>;
  private readonly oldestPending: Gauge;
  private readonly open: Gauge;
  private readonly overdue: Gauge;
  private inFlight: Promise<void> | null = null;

  constructor(registry: Registry) {
    const gauge = <T extends string>(name: string, help: string, labelNames: T[] = []): Gauge<T> =>
      new Gauge<T>({ name, help, labelNames, registers: [registry] });
    this.up = gauge('bxsup_db_up', '1 when the database answered the last scrape');
    this.lag = gauge('bxsup_sync_lag_ids', 'Native rows not yet looked at: MAX(ID) minus the sync cursor', [
      'stream',
    ]);
    this.nativeMax = gauge('bxsup_native_max_id', 'MAX(ID) of b_ticket / b_ticket_message', ['stream']);
    this.cursor = gauge('bxsup_sync_cursor', `The sync cursor (${CURSOR_TABLE}) per stream`, ['stream']);
    this.outbox = gauge('bxsup_outbox_rows', `${OUTBOX_TABLE} rows by state`, ['state']);
    this.oldestPending = gauge(
      'bxsup_outbox_oldest_due_seconds',
      'Age of the oldest pending mail that is due; 0 when none',
    );
    this.open = gauge('bxsup_open_tickets', 'Open tickets in the mirror');
    this.overdue = gauge('bxsup_overdue_tickets', 'Open tickets past their next SLA deadline');
  }

  /** Refreshes every gauge; concurrent scrapes share one round of queries. Never throws. */
  refresh(db: Db, now: Date): Promise<void> {
    this.inFlight ??= this.read(db, now)
      .then(() => this.up.set(1))
      .catch(() => this.up.set(0))
      .finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async read(db: Db, now: Date): Promise<void> {
    const schema = await probeSchema(db, [
      'b_ticket',
      'b_ticket_message',
      CURSOR_TABLE,
      OUTBOX_TABLE,
      'bl_support_ticket',
    ]);
    if (schema.hasTable(CURSOR_TABLE)) {
      const byName = await readCursors(
        db,
        STREAMS.map((s) => s.stream),
        { timeoutMs: QUERY_TIMEOUT_MS },
      );
      for (const { stream, table } of STREAMS) {
        if (!schema.hasTable(table)) continue;
        const [row] = await db(table).max<Array<{ m: number | null }>>({ m: 'ID' }).timeout(QUERY_TIMEOUT_MS);
        const max = Number(row.m ?? 0);
        const at = byName.get(stream) ?? 0;
        this.nativeMax.set({ stream }, max);
        this.cursor.set({ stream }, at);
        this.lag.set({ stream }, Math.max(0, max - at));
      }
    }
    if (schema.hasTable(OUTBOX_TABLE)) {
      const counts = await outboxStateCounts(db, QUERY_TIMEOUT_MS);
      for (const state of OUTBOX_STATES) this.outbox.set({ state }, counts.get(state) ?? 0);
      const at = utcToInstant(await oldestDueAt(db, now, QUERY_TIMEOUT_MS));
      this.oldestPending.set(at ? Math.max(0, (now.getTime() - at.getTime()) / 1000) : 0);
    }
    if (schema.hasTable('bl_support_ticket')) {
      const queue = await countOpenQueue(db, schema, now, { timeoutMs: QUERY_TIMEOUT_MS });
      this.open.set(queue.open);
      this.overdue.set(queue.overdue);
    }
  }
}
