import { Knex } from 'knex';
import { DictionaryEntry, readDictionary } from '../bridge/dictionaries';
import { readServerInfo } from '../bridge/serverInfo';
import { NativeCapabilities } from '../bridge/nativeCapabilities';
import { UfColumns } from '../bridge/nativeTickets';
import { createRowBudget, RowBudget } from '../core/rowBudget';
import { detectSyncCapabilities } from './capabilitiesCache';
import { instantToNative } from '../core/time';
import { buildCategoryResolver, CategoryResolver } from './mapping/category';
import { buildPriorityResolver, PriorityResolver } from '../core/ticketVocabulary';
import { buildStatusResolver, StatusResolver } from './mapping/status';
import { createNativeTimeReader, NativeTimeReader } from './nativeTime';
import { wallOffsets } from './nativeTimeSql';
import { buildTicketSql, TicketSql } from './mapping/ticketSql';
import { HistoryBaseline } from './preflight';
import { SYNC_CURSORS } from '../store/cursors';
import { setAside as recordSetAside, SetAsideEntry } from '../store/setAside';
import { TicketLane } from './ticketLane';
import { SyncDeps, SyncEventMap, SyncOptions, SyncPassResult } from './types';

/**
 * What one pass shares between its phases: "now" read once, the history baseline, and lookups that are
 * loaded on first use (an idle poll never reads the dictionary; the capabilities come from the daemon's
 * cache, or from information_schema once per pass).
 */
export interface DictionaryMappers {
  priorityOf: PriorityResolver;
  statusOf: StatusResolver;
  categoryOf: CategoryResolver;
  /** The entries they were built from. */
  entries: DictionaryEntry[];
}

export interface PassContext {
  deps: SyncDeps;
  options: SyncOptions;
  now: Date;
  /** "now" as the site's wall-clock text, for comparisons with native DATETIMEs. */
  nowNative: string;
  batchSize: number;
  baseline: HistoryBaseline;
  toInstant: NativeTimeReader;
  capabilities(): Promise<NativeCapabilities>;
  /** The b_uts_support columns to read with tickets; `computed`: also the computed fields (change checks). */
  ufColumns(computed: boolean): Promise<UfColumns>;
  mappers(): Promise<DictionaryMappers>;
  /**
   * The ticket mapping as SQL for the backfill's server-side copy (sync/mapping/ticketSql.ts), or null
   * where the server cannot compute it as Node does (no window functions, deadlines that are not a fixed
   * span). Load it before a batch transaction, as `preload`.
   */
  ticketSql(): Promise<TicketSql | null>;
  /**
   * Loads both lookups. Phases call it before opening a batch transaction: loading them inside would
   * need a second pooled connection while the transaction holds one.
   */
  preload(): Promise<void>;
  result: SyncPassResult;
  /** The rows-per-second budget the slow sweeps pace themselves by (SyncDeps.rowBudget). */
  rowBudget: RowBudget;
  /**
   * The last value of a cursor this pass knows (read at its start, then as its own batches commit). A
   * hint for probes only: batches lock and re-read the real row, since another sync may have moved it.
   */
  cursor(name: string): number;
  /** A cursor's value when the pass started. */
  atStart(name: string): number;
  noteCursor(name: string, value: number): void;
  /**
   * Tickets the new message rows of this pass belong to (log lines too: Bitrix logs nearly every field
   * change): the change phase compares them at once, whatever the rotating window holds.
   */
  touched: Set<number>;
  /** The ticket phase as the message phase running alongside it sees it. */
  lane: TicketLane;
  emit<K extends keyof SyncEventMap>(event: K, ...args: SyncEventMap[K]): void;
  /**
   * Sets a ticket aside (store/setAside.ts) in `db` (a transaction that also moves a cursor, or the
   * pool), and remembers it: the reconciliation clears only set-aside tickets that went through.
   */
  setAside(db: Knex | Knex.Transaction, entry: Omit<SetAsideEntry, never>): Promise<void>;
  /** Tickets this pass set aside. */
  readonly setAsideNow: ReadonlySet<number>;
  /** Stops the pass between batches, as the signal does: one phase failed, the other must not go on. */
  halt(): void;
  stopped(): boolean;
}

function memo<T>(load: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= load());
}

export function createPassContext(
  deps: SyncDeps,
  options: SyncOptions,
  baseline: HistoryBaseline,
  cursors: Map<string, number> = new Map(),
): PassContext {
  const now = deps.clock.now();
  const known = new Map(cursors);
  const setAsideNow = new Set<number>();
  let halted = false;
  const ctx: PassContext = {
    deps,
    options,
    now,
    nowNative: instantToNative(now, deps.zone),
    batchSize: options.batchSize ?? deps.config.sync.batchSize,
    baseline,
    toInstant: createNativeTimeReader(deps.zone),
    // Once per pass at most; the daemon's cache reads information_schema once a minute.
    capabilities: memo(() => deps.capabilities?.get() ?? detectSyncCapabilities(deps.db)),
    async ufColumns(computed) {
      const caps = await ctx.capabilities();
      return { orderId: caps.ufOrderId !== null, computed: computed ? caps.computedFields : [] };
    },
    mappers: memo(async () => {
      const entries = await readDictionary(deps.db);
      return {
        priorityOf: buildPriorityResolver(entries, deps.config.mapping.criticality),
        statusOf: buildStatusResolver(entries, deps.config.mapping.status),
        categoryOf: buildCategoryResolver(entries),
        entries,
      };
    }),
    ticketSql: memo(async () => {
      const [server, mappers, caps] = await Promise.all([
        readServerInfo(deps.db),
        ctx.mappers(),
        ctx.capabilities(),
      ]);
      // ROW_NUMBER() numbers the tickets of a day.
      if (!server.supportsWindowFunctions) return null;
      const offsets = wallOffsets(deps.zone, 2000, now.getUTCFullYear() + 3);
      if (!offsets) return null;
      return buildTicketSql({
        mappers,
        entries: mappers.entries,
        configured: {
          criticality: Object.keys(deps.config.mapping.criticality),
          status: Object.keys(deps.config.mapping.status),
        },
        offsets,
        supportGroups: caps.supportGroups,
        baselineTicketId: baseline.ticketId,
        installSecond: new Date(Math.floor(baseline.installedAt.getTime() / 1000) * 1000),
      });
    }),
    async preload() {
      await Promise.all([ctx.capabilities(), ctx.mappers()]);
    },
    rowBudget: deps.rowBudget ?? createRowBudget(deps.config.db.maxRowsPerSecond),
    result: {
      tickets: 0,
      messages: 0,
      events: 0,
      changedTickets: 0,
      deletedTickets: 0,
      restoredFields: 0,
      reconciled: false,
      complete: true,
      durationMs: 0,
    },
    cursor: (name) => known.get(name) ?? 0,
    atStart: (name) => cursors.get(name) ?? 0,
    noteCursor(name, value) {
      known.set(name, Math.max(value, known.get(name) ?? 0));
      if (name === SYNC_CURSORS.ticket) ctx.lane.reach(value);
    },
    touched: new Set(),
    lane: new TicketLane(cursors.get(SYNC_CURSORS.ticket) ?? 0),
    emit(event, ...args) {
      // EventEmitter<T>'s conditional argument type does not narrow through a generic K.
      (deps.events?.emit as ((e: string, ...a: unknown[]) => boolean) | undefined)?.call(
        deps.events,
        event,
        ...args,
      );
    },
    async setAside(db, entry) {
      await recordSetAside(db, entry, now);
      setAsideNow.add(entry.ticketId);
    },
    setAsideNow,
    halt() {
      halted = true;
    },
    stopped: () => halted || options.signal?.aborted === true,
  };
  return ctx;
}
