import { EventEmitter } from 'node:events';
import { Clock } from '../core/clock';
import { Config } from '../config/config';
import { Db } from '../core/db';
import { Logger } from '../core/logger';
import { RowBudget } from '../core/rowBudget';
import { KeptLock } from '../core/dbLock';
import { CapabilitiesCache } from './capabilitiesCache';
import { OpenSweep } from './openSweep';
import { ReconcilePace } from './reconcilePace';
import { OutboxEvent } from './store/outbox';

/** What a sync pass needs; the daemon and the CLI each build it once (no module singletons). */
export interface SyncDeps {
  db: Db;
  config: Config;
  logger: Logger;
  clock: Clock;
  /** The IANA zone native DATETIMEs are written in (bridge/siteZone.ts resolveSiteZone). */
  zone: string;
  /** Lifecycle events (SyncEventMap), emitted after the batch that caused them committed. */
  events?: EventEmitter<SyncEventMap>;
  /**
   * The process's db.maxRowsPerSecond budget (core/rowBudget.ts), which the reconciliation paces itself
   * by across passes; the daemon makes one. Without it each pass starts from a full bucket of its own.
   */
  rowBudget?: RowBudget;
  /**
   * The daemon's pace for the reconciliation in 'auto' (reconcilePace.ts, from sync.reconcileCycleMinutes):
   * a cycle spread over hours, by the clock. Without it (`bxsup sync --once`, tests) the sweep is paced
   * by the row budget alone.
   */
  reconcilePace?: ReconcilePace;
  /**
   * The daemon's turn at the paced reconciliation (core/dbLock.ts keptNamedLock): of several daemons on
   * one site only the one holding it sweeps, so that two do not sweep the same ranges from the same
   * cursors and each spend the pace. Without it (`bxsup sync --once`, tests) a pass just sweeps.
   */
  reconcileTurn?: KeptLock;
  /**
   * The daemon's rotating window over the open set (openSweep.ts): each poll compares a share of the
   * open tickets. Without it (`bxsup sync --once`, tests) a pass compares every open ticket.
   */
  openSweep?: OpenSweep;
  /** The daemon's cached capabilities (capabilitiesCache.ts); without it a pass reads them once. */
  capabilities?: CapabilitiesCache;
  /**
   * The last step of a pass that was not stopped, before 'pass:finished'. The composition roots (the
   * daemon, `bxsup sync --once`) pass the SLA refresh (escalator/state/refreshAfterSync.ts): the sync
   * mirrors and knows nothing of SLAs. Without it a pass leaves the tickets it changed marked stale.
   */
  afterPass?: (deps: SyncDeps, pass: SyncPassEnd) => Promise<unknown>;
}

/** What the step after a sync pass is told: the pass's "now", its batch size, whether it changed anything. */
export interface SyncPassEnd {
  now: Date;
  limit: number;
  changed: boolean;
}

export type SyncPhase = 'tickets' | 'messages' | 'changes' | 'reconcile';

export interface SyncProgress {
  phase: 'tickets' | 'messages' | 'reconcile';
  /** Position reached, counted from where this pass started (by primary key, not by rows). */
  done: number;
  total: number;
}

export interface BatchInfo {
  phase: SyncPhase;
  /** Native rows the batch looked at. */
  rows: number;
  /** The cursor the batch commits (0 for phases without one). */
  cursor: number;
}

export interface SyncOptions {
  /**
   * 'auto' (default): run or continue the slow reconciliation when sync.reconcileIntervalMs has passed
   * since the last cycle ended, at the pace deps.reconcilePace and the row budget allow; 'full': run a
   * whole cycle now, unpaced; 'off': skip it.
   */
  reconcile?: 'auto' | 'full' | 'off';
  /** Overrides sync.batchSize. */
  batchSize?: number;
  /** Stops between batches (daemon shutdown); what committed stays, the next pass resumes. */
  signal?: AbortSignal;
  /** Called after each committed batch of the backfill-sized phases: the CLI draws its progress bar. */
  onProgress?: (progress: SyncProgress) => void;
  /**
   * Called inside each batch's transaction just before it commits. Throwing rolls the whole batch back
   * (tests use it to crash a pass half-way).
   */
  onBatch?: (batch: BatchInfo) => void | Promise<void>;
}

export interface SyncPassResult {
  /** Tickets mirrored for the first time. */
  tickets: number;
  /** Messages mirrored (log lines are never mirrored). */
  messages: number;
  /** Outbox rows created. */
  events: number;
  /** Mirrored tickets updated because Bitrix changed them (status, priority, responsible, close…). */
  changedTickets: number;
  /** Tickets found gone from b_ticket and marked deleted. */
  deletedTickets: number;
  /** Tickets whose computed user fields a form overwrote: marked for the refresh to write them again. */
  restoredFields: number;
  /** Whether a reconciliation cycle ran to its end in this pass. */
  reconciled: boolean;
  /** False when the pass stopped early (signal): more is waiting. */
  complete: boolean;
  durationMs: number;
}

export interface TicketSyncedEvent {
  ticketId: number;
  number: string;
  kind: 'created' | 'changed' | 'deleted';
}

export interface MessageSyncedEvent {
  messageId: number;
  ticketId: number;
  isStaff: boolean;
  isInternal: boolean;
}

export interface SyncEventMap {
  'ticket:synced': [TicketSyncedEvent];
  'message:synced': [MessageSyncedEvent];
  'outbox:queued': [OutboxEvent];
  'batch:committed': [BatchInfo];
  'pass:finished': [SyncPassResult];
}
