import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { FixedClock } from '../../../core/clock';
import { DbTarget } from '../../../core/dbUrl';
import { Config, ConfigInput, validateConfig } from '../../../core/config';
import { createLogger, Logger, silentLogger } from '../../../core/logger';
import { instantToUtc } from '../../../core/time';
import { FIXTURE_SHAPES, FixtureShape, loadBitrixFixture } from '../../../fixtures/seed';
import { MailEvents, createMailEvents } from '../../../mail/mailEvents';
import { MailDeps } from '../../../mail/mailOnce';
import { createMailDeps } from '../../../mail/mailSetup';
import { MailTransport } from '../../../mail/transports/transport';
import { runInstall } from '../../../schema/install';
import { executingRunner } from '../../../schema/sqlRunner';
import { syncOnce } from '../../../sync/syncOnce';
import { FIXTURE_ZONE, referenceClock } from '../../helpers/clock';
import { createTestDatabase, TestDatabase } from '../../helpers/db';

/** The fixture site with bxsup installed at the suite's reference time and the history mirrored. */
export async function installedSite(
  options: {
    takeOverCustomerMail?: boolean;
    sync?: boolean;
    server?: DbTarget;
    shape?: FixtureShape;
  } = {},
): Promise<TestDatabase> {
  const t = await createTestDatabase({
    server: options.server,
    ...(options.shape ? FIXTURE_SHAPES[options.shape] : {}),
  });
  await loadBitrixFixture(t.db, { zone: FIXTURE_ZONE, shape: options.shape });
  await runInstall(
    {
      db: t.db,
      target: t.target,
      runner: executingRunner(t.db),
      now: referenceClock().now(),
      onStep: () => undefined,
    },
    { dryRun: false, seedDictionaries: false, takeOverCustomerMail: options.takeOverCustomerMail },
  );
  if (options.sync !== false) await runSync(t, referenceClock());
  return t;
}

export function testConfig(input: ConfigInput = {}): Config {
  return validateConfig({ ...input, site: { timeZone: FIXTURE_ZONE, ...(input.site ?? {}) } });
}

/** A sync pass as the daemon would run it; new native rows become outbox events. */
export async function runSync(
  t: TestDatabase,
  clock: FixedClock,
  config: Config = testConfig(),
): Promise<void> {
  await syncOnce({
    db: t.db,
    config,
    logger: silentLogger(),
    clock,
    zone: FIXTURE_ZONE,
    events: new EventEmitter(),
  });
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
