import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { FixedClock } from '../../core/clock';
import { validateConfig, ConfigInput } from '../../config/config';
import { createLogger, Logger } from '../../core/logger';
import { SyncDeps, SyncEventMap } from '../../sync/types';
import { referenceClock, FIXTURE_ZONE } from '../helpers/clock';
import { TestDatabase } from '../helpers/db';
import { refreshAfterSync } from '../../escalator/state/refreshAfterSync';

export { installedSite } from '../helpers/installedSite';

/** Log lines kept in memory, for asserting warnings. */
export function memoryLogger(): { logger: Logger; lines: () => string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', format: 'json', stream }), lines: () => lines };
}

export function syncDeps(
  t: TestDatabase,
  more: {
    clock?: FixedClock;
    config?: ConfigInput;
    logger?: Logger;
    events?: EventEmitter<SyncEventMap>;
  } = {},
): SyncDeps {
  return {
    db: t.db,
    config: validateConfig(more.config ?? {}),
    logger: more.logger ?? memoryLogger().logger,
    clock: more.clock ?? referenceClock(),
    zone: FIXTURE_ZONE,
    events: more.events,
    afterPass: refreshAfterSync,
  };
}

/** A Moscow wall-clock time as an instant (the fixture's story is told in Moscow time). */
export function msk(local: string): Date {
  const [date, time] = local.split(' ');
  return new Date(`${date}T${time}+03:00`);
}

export async function outbox(t: TestDatabase): Promise<Array<Record<string, unknown>>> {
  return t
    .db('bl_support_outbox')
    .orderBy('id')
    .select('event_key', 'event_type', 'ticket_id', 'message_id', 'state');
}
