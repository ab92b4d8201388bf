import { Logger } from '../core/logger';
import { composeMail } from './compose/composeMail';
import { ComposeDeps } from './compose/composeDeps';
import { describeSendError, isPermanentSendError, SkipMail } from './mailErrors';
import type { MailDeps } from './mailOnce';
import { markDead, markRetry, markSent, markSkipped } from './outbox/complete';
import { ClaimedRow } from './outbox/outboxRow';
import { SentMarker } from './outbox/sentMarker';
import { OutgoingMail } from './transports/transport';
import { decideRetry } from './retryPolicy';

export type Outcome = 'sent' | 'retried' | 'dead' | 'skipped';

export interface Delivery {
  outcome: Outcome;
  /**
   * For a sent mail: its 'sent' mark, already under way. The worker does not wait for the commit before
   * taking the next mail; mailOnce waits for all marks before it returns.
   */
  marked?: Promise<void>;
}

/**
 * One claimed row: compose, send, mark. Only a failure to compose or send is a failed delivery; once the
 * transport has accepted the mail it is sent, whatever happens to the mark (a mark lost with the database
 * leaves the row 'sending', and the reaper's resend carries the same Message-ID).
 */
export async function deliver(
  row: ClaimedRow,
  deps: MailDeps,
  compose: ComposeDeps,
  marker: SentMarker,
): Promise<Delivery> {
  const log = rowLogger(deps.logger, row);
  let mail: OutgoingMail;
  try {
    mail = await composeMail(row, compose);
    await send(mail, row, deps);
  } catch (err) {
    return { outcome: await settleFailure(row, err, deps, log) };
  }
  const marked = (deps.transport.transactional ? Promise.resolve() : marker.mark(row.id)).then(() => {
    const to = mail.to.map((a) => a.address);
    log.info(`mail sent: ${row.eventType} to ${to.join(', ')}`);
    deps.events?.emit('mail:sent', {
      outboxId: row.id,
      eventKey: row.eventKey,
      to,
      messageId: mail.messageId,
    });
  });
  return { outcome: 'sent', marked };
}

/** Log lines about a row carry its id and event key (no child logger per mail: they are not free). */
function rowLogger(logger: Logger, row: ClaimedRow): Pick<Logger, 'info' | 'warn' | 'error'> {
  const meta = { outboxId: row.id, event: row.eventKey };
  return {
    info: (message: string) => logger.info(message, meta),
    warn: (message: string) => logger.warn(message, meta),
    error: (message: string) => logger.error(message, meta),
  } as Pick<Logger, 'info' | 'warn' | 'error'>;
}

async function send(mail: OutgoingMail, row: ClaimedRow, deps: MailDeps): Promise<void> {
  if (!deps.transport.transactional) return deps.transport.send(mail, { now: deps.clock.now() });
  // A database transport: the mail and the 'sent' mark commit together. Mark first: if another sender
  // already finished this row, the transaction writes nothing.
  const written = await deps.db.transaction(async (trx) => {
    const now = deps.clock.now();
    if (!(await markSent(trx, row.id, now))) return false;
    await deps.transport.send(mail, { trx, now });
    return true;
  });
  if (!written) throw new SkipMail('already sent by another sender');
}

async function settleFailure(
  row: ClaimedRow,
  err: unknown,
  deps: MailDeps,
  log: Pick<Logger, 'info' | 'warn' | 'error'>,
): Promise<Outcome> {
  const reason = describeSendError(err);
  if (err instanceof SkipMail) {
    await markSkipped(deps.db, row.id, row.claimedBy, reason, deps.clock.now());
    log.info(`not mailed: ${reason}`);
    deps.events?.emit('mail:skipped', { outboxId: row.id, eventKey: row.eventKey, reason });
    return 'skipped';
  }
  const { mail } = deps.config;
  const decision = isPermanentSendError(err)
    ? ({ kind: 'give_up' } as const)
    : decideRetry(
        row.attempts,
        { baseMs: mail.retryBaseMs, maxMs: mail.retryMaxMs, maxAttempts: mail.maxAttempts },
        deps.random,
      );
  if (decision.kind === 'give_up') {
    const final = isPermanentSendError(err) ? reason : `gave up after ${row.attempts} attempts: ${reason}`;
    await markDead(deps.db, row.id, row.claimedBy, final);
    log.error(`mail dead: ${final} (bxsup mail --retry-dead sends it again)`);
    deps.events?.emit('mail:dead', { outboxId: row.id, eventKey: row.eventKey, reason: final });
    return 'dead';
  }
  const availableAt = new Date(deps.clock.now().getTime() + decision.delayMs);
  await markRetry(deps.db, row.id, row.claimedBy, availableAt, reason);
  log.warn(`mail failed, retrying at ${availableAt.toISOString()}: ${reason}`);
  deps.events?.emit('mail:retry', {
    outboxId: row.id,
    eventKey: row.eventKey,
    attempts: row.attempts,
    error: reason,
    availableAt,
  });
  return 'retried';
}
