import { instantToUtc, utcToInstant } from '../core/time';
import { tableExists } from '../schema/migrator';
import { MAIL_EVENT_TYPES } from '../mail/eventTypes';
import { StatusCollector, StatusDeps } from './section';

/** Which transport, and where it sends (never the SMTP credentials). */
function transportLine(mail: StatusDeps['config']['mail']): string {
  if (mail.transport === 'files') return `files (into ${mail.dir})`;
  if (mail.transport === 'bitrix')
    return "bitrix (rows in b_event, sent by Bitrix's own queue on page hits or cron)";
  if (!mail.smtpUrl) return 'smtp, but no server set: set BXSUP_SMTP_URL or mail.smtpUrl';
  const url = new URL(mail.smtpUrl);
  return `smtp (${url.protocol}//${url.hostname}:${url.port || (url.protocol === 'smtps:' ? 465 : 587)})`;
}

/**
 * The mail outbox in `bxsup status`: what waits, what is being sent, what is dead and why. Dead mails
 * and a backlog older than mail.backlogAlertMinutes are problems (exit 1), each with its fix. Mails
 * whose recipient has no address are shown, not a problem: the bridge works, the customer's record
 * lacks an address.
 */
export const outboxSection: StatusCollector = async ({ db, config, now }) => {
  if (!(await tableExists(db, 'bl_support_outbox'))) {
    return {
      key: 'mail',
      data: { installed: false },
      lines: [['mail transport', transportLine(config.mail)]],
      problems: [],
    };
  }
  const mail = config.mail;
  const stamp = instantToUtc(now);
  const staleBefore = instantToUtc(new Date(now.getTime() - mail.claimTimeoutMs));
  const [rows] = (await db.raw(
    `SELECT
       SUM(state = 'pending') AS pending,
       SUM(state = 'pending' AND available_at <= ?) AS due,
       MIN(CASE WHEN state = 'pending' AND available_at <= ? THEN available_at END) AS oldest_due,
       SUM(state = 'pending' AND attempts > 0) AS retrying,
       SUM(state = 'sending') AS sending,
       SUM(state = 'sending' AND claimed_at < ?) AS stale,
       SUM(state = 'sent') AS sent,
       SUM(state = 'dead') AS dead,
       SUM(state = 'no_address') AS no_address,
       SUM(state = 'skipped') AS skipped
     FROM bl_support_outbox WHERE event_type IN (${MAIL_EVENT_TYPES.map(() => '?').join(', ')})`,
    [stamp, stamp, staleBefore, ...MAIL_EVENT_TYPES],
  )) as unknown as [Array<Record<string, string | number | null>>];
  const r = rows[0];
  const n = (k: string): number => Number(r[k] ?? 0);
  const oldestDue = utcToInstant(r.oldest_due as string | null);
  const waitingMinutes = oldestDue ? Math.floor((now.getTime() - oldestDue.getTime()) / 60000) : 0;
  const lastDead = n('dead')
    ? ((await db('bl_support_outbox')
        .where('state', 'dead')
        .whereIn('event_type', MAIL_EVENT_TYPES)
        .orderBy('id', 'desc')
        .first('id', 'event_key', 'last_error')) as {
        id: number;
        event_key: string;
        last_error: string | null;
      })
    : null;

  const problems: string[] = [];
  // The daemon refuses to start like this, so it is a problem, not just a line.
  if (mail.transport === 'smtp' && !mail.smtpUrl) {
    problems.push(
      'mail.transport is smtp but no SMTP server is set: set BXSUP_SMTP_URL or mail.smtpUrl, or choose mail.transport "files" or "bitrix"',
    );
  }
  if (lastDead) {
    problems.push(
      `${n('dead')} mail(s) dead, last ${lastDead.event_key}: ${lastDead.last_error ?? 'no reason recorded'}; fix the cause, then run bxsup mail --retry-dead`,
    );
  }
  if (waitingMinutes >= mail.backlogAlertMinutes) {
    problems.push(
      `${n('due')} mail(s) due, the oldest for ${waitingMinutes} min: is the daemon (bxsup run) or the mail server down? (bxsup mail --once sends them now)`,
    );
  }
  if (n('stale'))
    problems.push(
      `${n('stale')} mail claim(s) not renewed for mail.claimTimeoutMs: a sender stopped; the next pass of a running daemon frees them once that sender's heartbeat is gone`,
    );

  const data = {
    installed: true,
    transport: mail.transport,
    pending: n('pending'),
    due: n('due'),
    retrying: n('retrying'),
    oldestDueMinutes: oldestDue ? waitingMinutes : null,
    sending: n('sending'),
    staleClaims: n('stale'),
    sent: n('sent'),
    skipped: n('skipped'),
    dead: n('dead'),
    noAddress: n('no_address'),
    lastDead: lastDead
      ? { id: Number(lastDead.id), eventKey: lastDead.event_key, reason: lastDead.last_error }
      : null,
  };
  return {
    key: 'mail',
    data,
    lines: [
      ['mail transport', transportLine(mail)],
      [
        'mail outbox',
        `${data.pending} waiting (${data.due} due${oldestDue ? `, oldest ${waitingMinutes} min` : ''}, ${data.retrying} retrying), ${data.sending} sending, ${data.sent} sent, ${data.dead} dead`,
      ],
      [
        'no address',
        data.noAddress
          ? `${data.noAddress} mail(s) wait for the recipient's e-mail address (bxsup mail --retry-dead once it is set)`
          : 'none',
      ],
    ],
    problems,
  };
};
