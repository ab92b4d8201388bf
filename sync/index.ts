/** The sync engine's public surface, for the daemon (`bxsup run`), the CLI and the demo. */
export { syncOnce } from './syncOnce';
export { computeSlaDeadlines, SLA_TARGET_MINUTES } from './slaDeadlines';
export type { Priority, SlaDeadlines, SlaInput } from './slaDeadlines';
export type {
  BatchInfo,
  MessageSyncedEvent,
  SyncDeps,
  SyncEventMap,
  SyncOptions,
  SyncPassResult,
  SyncPhase,
  SyncProgress,
  TicketSyncedEvent,
} from './types';
export type { OutboxEvent, OutboxEventType } from './store/outbox';
export { SYNC_CURSORS } from '../store/cursors';
