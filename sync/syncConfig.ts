import { z } from 'zod';

/** The `sync` section of bxsup.config.json (config/config.ts composes the sections). */
export const syncConfigSchema = z
  .object({
    pollIntervalMs: z.number().int().min(100).default(2000),
    batchSize: z.number().int().min(1).max(10000).default(1000),
    /** The pause between one reconciliation cycle's end and the next one's start. */
    reconcileIntervalMs: z.number().int().min(1000).default(300000),
    /**
     * How long the daemon spreads one reconciliation cycle over: its pace is the cycle's estimated rows
     * over this time, never above db.maxRowsPerSecond (sync/reconcilePace.ts). From a minute to a week.
     */
    reconcileCycleMinutes: z.number().int().min(1).max(10080).default(240),
    /** The daemon compares every open ticket with b_ticket at least once within this time (a share per poll). */
    openSweepSeconds: z.number().int().min(1).max(86400).default(60),
    /** `bxsup status` reports a problem when a native ticket or message has waited this long unmirrored. */
    lagAlertMinutes: z.number().int().min(1).default(10),
  })
  .strict();
