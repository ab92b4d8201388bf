import { Writable } from 'node:stream';
import { FixedClock } from '../../../core/clock';
import { Config, ConfigInput, validateConfig } from '../../../config/config';
import { createLogger, Logger, silentLogger } from '../../../core/logger';
import { instantToUtc } from '../../../core/time';
import { MailEvents, createMailEvents } from '../../../mail/mailEvents';
import { MailDeps } from '../../../mail/mailDeps';
import { createMailDeps } from '../../../mail/mailSetup';
import { MailTransport } from '../../../mail/transports/transport';
import { FIXTURE_ZONE, referenceClock } from '../../helpers/clock';
import { TestDatabase } from '../../helpers/db';
import { installedSite as siteWithBxsup, InstalledSiteOptions } from '../../helpers/installedSite';

export { runSync } from '../../helpers/installedSite';

/** The fixture site with the history mirrored unless `sync: false`: where most mail tests start. */
export function installedSite(options: InstalledSiteOptions = {}): Promise<TestDatabase> {
  return siteWithBxsup({ ...options, sync: options.sync ?? true });
}

export function testConfig(input: ConfigInput = {}): Config {
  return validateConfig({ ...input, site: { timeZone: FIXTURE_ZONE, ...(input.site ?? {}) } });
}

export async function mailDeps(
  t: TestDatabase,
  options: {
    config: Config;
    clock?: FixedClock;
    instanceId?: string;
    transport?: MailTransport;
    logger?: Logger;
    events?: MailEvents;
  },
): Promise<MailDeps> {
  return {
    ...(await createMailDeps({
      db: t.db,
      config: options.config,
      logger: options.logger ?? silentLogger(),
      clock: options.clock ?? referenceClock(),
      instanceId: options.instanceId ?? 'test-sender:1',
      transport: options.transport,
      events: options.events ?? createMailEvents(),
    })),
    // Pinned jitter: retry times are exact.
    random: () => 0.5,
  };
}

/** Log lines kept in memory, for asserting what was (and was not) logged. */
export function memoryLogger(): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', format: 'json', stream }), text: () => lines.join('') };
}

export interface QueuedEvent {
  eventKey: string;
  eventType: string;
  ticketId: number;
  messageId?: number | null;
  payload?: Record<string, unknown>;
  availableAt?: Date;
}

/** Puts an event in the outbox directly, the way the sync or the escalator does. */
export async function queueEvent(
  t: TestDatabase,
  e: QueuedEvent,
  now: Date = referenceClock().now(),
): Promise<number> {
  const [id] = await t.db('bl_support_outbox').insert({
    event_key: e.eventKey,
    event_type: e.eventType,
    ticket_id: e.ticketId,
    message_id: e.messageId ?? null,
    payload: JSON.stringify(e.payload ?? {}),
    state: 'pending',
    attempts: 0,
    available_at: instantToUtc(e.availableAt ?? now),
    created_at: instantToUtc(now),
  });
  return Number(id);
}

export async function outboxRows(t: TestDatabase): Promise<Array<Record<string, unknown>>> {
  return t
    .db('bl_support_outbox')
    .orderBy('id')
    .select('id', 'event_key', 'state', 'attempts', 'last_error', 'available_at');
}

/** A Moscow wall-clock time as an instant (the fixture's story is told in Moscow time). */
export function msk(local: string): Date {
  const [date, time] = local.split(' ');
  return new Date(`${date}T${time}+03:00`);
}

/** Fixture tickets whose owners have an e-mail address. */
const MAILABLE_TICKETS = [1, 2, 3, 5, 7, 8, 9, 10, 11];

/**
 * A backlog of `count` closed-ticket mails in the outbox, all due a minute before `clock`'s now, spread
 * over the fixture's mailable tickets (each with a key of its own, so each is one mail).
 */
export async function queueBacklog(t: TestDatabase, clock: FixedClock, count: number): Promise<void> {
  const stamp = instantToUtc(new Date(clock.now().getTime() - 60_000));
  const rows = Array.from({ length: count }, (_, i) => ({
    event_key: `closed:${MAILABLE_TICKETS[i % MAILABLE_TICKETS.length]}:backlog-${i}`,
    event_type: 'SUPPORT_TICKET_CLOSED',
    ticket_id: MAILABLE_TICKETS[i % MAILABLE_TICKETS.length],
    payload: '{}',
    state: 'pending',
    attempts: 0,
    available_at: stamp,
    created_at: stamp,
  }));
  for (let i = 0; i < rows.length; i += 100) await t.db('bl_support_outbox').insert(rows.slice(i, i + 100));
}
