import { isConnectionError } from '../core/dbErrors';
import { Logger } from '../core/logger';
import { composeMail } from './compose/composeMail';
import { ComposeDeps } from './compose/composeDeps';
import { describeSendError, isPermanentSendError, NoAddressError, SkipMail } from './mailErrors';
import type { MailDeps } from './mailDeps';
import { ClaimBook } from './outbox/claimBook';
import {
  markDead,
  markNoAddress,
  markRetry,
  markSentInTransaction,
  markSkipped,
} from '../store/outbox/complete';
import { ClaimedRow } from '../store/outbox/outboxRow';
import { SentMarker } from './outbox/sentMarker';
import { SendSlots } from './sendSlots';
import { OutgoingMail, PreparedMail } from './transports/transport';
import { decideRetry } from './retryPolicy';

/**
 * 'lost': the re-check found the claim taken over (or the row finished) by another sender, so nothing
 * was sent. 'unsent': the database could not be asked or told anything; the row is given back later.
 */
export type Outcome = 'sent' | 'retried' | 'dead' | 'skipped' | 'noAddress' | 'lost' | 'unsent';

export interface Delivery {
  outcome: Outcome;
  /**
   * For a sent mail: its 'sent' mark, already under way. The worker does not wait for the commit before
   * taking the next mail; mailOnce waits for all marks before it returns.
   */
  marked?: Promise<void>;
}

export interface DeliveryContext {
  deps: MailDeps;
  compose: ComposeDeps;
  marker: SentMarker;
  book: ClaimBook;
  slots: SendSlots;
}

/**
 * One claimed row: compose, then — holding one of the transport's connections, so nothing waits between
 * the check and the send — re-check the claim and send, then mark. Once the transport has accepted the
 * mail it is sent, whatever happens to the mark: the marker retries it until it lands.
 */
export async function deliver(row: ClaimedRow, ctx: DeliveryContext): Promise<Delivery> {
  const { deps } = ctx;
  const log = new RowLogger(deps.logger, row);
  let mail: OutgoingMail;
  try {
    mail = await composeMail(row, ctx.compose);
  } catch (err) {
    return { outcome: await settleFailure(row, err, ctx, log, false) };
  }
  try {
    if (deps.transport.transactional) await sendInTransaction(mail, row, deps);
    else {
      // Made ready before a connection is taken and the claim re-checked: the check stays right
      // before the send, and the message is built while other mails hold the connections.
      const prepared = await prepareFor(mail, deps);
      const release = await ctx.slots.acquire();
      try {
        if (!(await ctx.book.stillHeld(row))) {
          ctx.book.letGo(row);
          log.warn('not sent: another sender took this mail over (its claim had lapsed)');
          return { outcome: 'lost' };
        }
        await sendThrough(mail, deps, prepared);
      } finally {
        release();
      }
    }
  } catch (err) {
    return { outcome: await settleFailure(row, err, ctx, log, err instanceof TransportError) };
  }
  deps.health.accepted();
  const to = mail.to.map((a) => a.address);
  const done = (): void => {
    ctx.book.letGo(row);
    log.info(`mail sent: ${row.eventType} to ${to.join(', ')}`, { messageId: mail.messageId });
    deps.events?.emit('mail:sent', {
      outboxId: row.id,
      eventKey: row.eventKey,
      to,
      messageId: mail.messageId,
    });
  };
  if (deps.transport.transactional) {
    done();
    return { outcome: 'sent' };
  }
  return { outcome: 'sent', marked: ctx.marker.mark(row).then(done) };
}

/**
 * Log lines about a row carry its id and event key. No child logger per mail, and nothing built for a
 * line until it is written: every mail makes one of these and most write a single line.
 */
class RowLogger {
  constructor(
    private readonly logger: Logger,
    private readonly row: ClaimedRow,
  ) {}
  info(message: string, extra?: Record<string, unknown>): void {
    this.logger.info(message, { outboxId: this.row.id, event: this.row.eventKey, ...extra });
  }
  warn(message: string): void {
    this.logger.warn(message, { outboxId: this.row.id, event: this.row.eventKey });
  }
  error(message: string): void {
    this.logger.error(message, { outboxId: this.row.id, event: this.row.eventKey });
  }
}

/** Thrown inside the transaction when the claim is no longer ours: the mail is not written. */
class ClaimLost extends Error {}

/** The transport refused or failed: what the mail server said, as opposed to our database. */
class TransportError extends Error {
  constructor(readonly original: unknown) {
    super('transport failed');
  }
}

/** A failure to build the message counts as the transport's, as it did when sendMail built it. */
async function prepareFor(mail: OutgoingMail, deps: MailDeps): Promise<PreparedMail | undefined> {
  if (!deps.transport.prepare) return undefined;
  try {
    return await deps.transport.prepare(mail, deps.clock.now());
  } catch (err) {
    throw new TransportError(err);
  }
}

async function sendThrough(
  mail: OutgoingMail,
  deps: MailDeps,
  prepared: PreparedMail | undefined,
): Promise<void> {
  try {
    await deps.transport.send(mail, { now: deps.clock.now(), prepared });
  } catch (err) {
    throw new TransportError(err);
  }
}

/**
 * A database transport: the mail and the 'sent' mark commit together, and only under our own claim:
 * such a mail is delivered exactly once whatever happens.
 */
async function sendInTransaction(mail: OutgoingMail, row: ClaimedRow, deps: MailDeps): Promise<void> {
  await deps.db.transaction(async (trx) => {
    const now = deps.clock.now();
    const mark = await markSentInTransaction(trx, row, now);
    if (mark === 'finished') throw new SkipMail('already sent by another sender');
    if (mark === 'lost') throw new ClaimLost();
    await deps.transport.send(mail, { trx, now });
  });
}

async function settleFailure(
  row: ClaimedRow,
  caught: unknown,
  ctx: DeliveryContext,
  log: RowLogger,
  fromTransport: boolean,
): Promise<Outcome> {
  const { deps, book } = ctx;
  const err = caught instanceof TransportError ? caught.original : caught;
  if (err instanceof ClaimLost) {
    book.letGo(row);
    log.warn('not sent: another sender took this mail over (its claim had lapsed)');
    return 'lost';
  }
  // The database went away while composing or re-checking: nothing was sent; the row is given back
  // once it answers again.
  if (!fromTransport && isConnectionError(err)) return 'unsent';
  try {
    const outcome = await settleSendFailure(row, err, deps, log, fromTransport);
    book.letGo(row);
    return outcome;
  } catch (markErr) {
    if (isConnectionError(markErr)) return 'unsent';
    throw markErr;
  }
}

async function settleSendFailure(
  row: ClaimedRow,
  err: unknown,
  deps: MailDeps,
  log: RowLogger,
  fromTransport: boolean,
): Promise<Outcome> {
  const reason = describeSendError(err);
  if (err instanceof SkipMail) {
    await markSkipped(deps.db, row, reason, deps.clock.now());
    log.info(`not mailed: ${reason}`);
    deps.events?.emit('mail:skipped', { outboxId: row.id, eventKey: row.eventKey, reason });
    return 'skipped';
  }
  if (err instanceof NoAddressError) {
    await markNoAddress(deps.db, row, reason);
    log.warn(`not mailed: ${reason} (bxsup mail retry-dead queues it again once the address exists)`);
    deps.events?.emit('mail:no-address', { outboxId: row.id, eventKey: row.eventKey, reason });
    return 'noAddress';
  }
  const { mail } = deps.config;
  const permanent = isPermanentSendError(err);
  const decision = permanent
    ? ({ kind: 'give_up' } as const)
    : decideRetry(
        row.attempts,
        { baseMs: mail.retryBaseMs, maxMs: mail.retryMaxMs, maxAttempts: mail.maxAttempts },
        deps.random,
      );
  if (!permanent && fromTransport) deps.health.failed(reason);
  if (decision.kind === 'give_up') {
    const final = permanent ? reason : `gave up after ${row.attempts} attempts: ${reason}`;
    await markDead(deps.db, row, final);
    log.error(`mail dead: ${final} (bxsup mail retry-dead queues it again)`);
    deps.events?.emit('mail:dead', { outboxId: row.id, eventKey: row.eventKey, reason: final });
    return 'dead';
  }
  const availableAt = new Date(deps.clock.now().getTime() + decision.delayMs);
  await markRetry(deps.db, row, availableAt, reason);
  deps.events?.emit('mail:retry', {
    outboxId: row.id,
    eventKey: row.eventKey,
    attempts: row.attempts,
    error: reason,
    availableAt,
  });
  return 'retried';
}
