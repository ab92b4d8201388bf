import { setFlagsFromString } from 'node:v8';

/**
 * Bounds how far the heap grows between full collections, for the long-running commands (the daemon,
 * a backfill). What a sync pass keeps alive is small (~30 MB), but its batches live across database
 * round trips, so the young generation promotes them, and V8 by default lets the old generation grow to
 * about four times what survived the last full collection before collecting again: a 100,000-ticket
 * backfill peaked above 200 MB that way. At twice, it stays near 165 MB for a few percent more time in
 * the collector. The flag is read at every collection, so setting it at startup is enough.
 */
export function boundHeapGrowth(): void {
  setFlagsFromString('--heap-growing-percent=100');
}
