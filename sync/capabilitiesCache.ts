import { Clock } from '../core/clock';
import { Db } from '../core/db';
import { detectNativeCapabilities, NativeCapabilities } from '../bridge/nativeCapabilities';
import { COMPUTED_USER_FIELDS } from '../schema/ticketUserFields';

/** How long the daemon trusts what information_schema said about the site's optional tables. */
export const CAPABILITIES_REFRESH_MS = 60_000;

export interface CapabilitiesCache {
  get(): Promise<NativeCapabilities>;
}

/** What the sync asks information_schema, read fresh (a pass without a cache reads it once). */
export function detectSyncCapabilities(db: Db): Promise<NativeCapabilities> {
  return detectNativeCapabilities(db, { computedFields: COMPUTED_USER_FIELDS.map((f) => f.fieldName) });
}

/**
 * The daemon's copy of the site's capabilities, read again once it is `refreshMs` old: the
 * information_schema query walks table metadata, too dear for every 2-second poll, while the answer
 * changes only when an admin adds a user field or a module (picked up within a minute). A failed read
 * is not kept: the next pass asks again.
 */
export function createCapabilitiesCache(
  db: Db,
  clock: Clock,
  refreshMs: number = CAPABILITIES_REFRESH_MS,
): CapabilitiesCache {
  let value: Promise<NativeCapabilities> | null = null;
  let readAt = 0;
  return {
    get() {
      const now = clock.now().getTime();
      if (value && now - readAt < refreshMs) return value;
      readAt = now;
      const reading = detectSyncCapabilities(db);
      value = reading;
      reading.catch(() => {
        if (value === reading) value = null;
      });
      return reading;
    },
  };
}
