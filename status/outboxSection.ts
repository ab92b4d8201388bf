import { utcToInstant } from '../core/time';
import { tableExists } from '../schema/migrator';
import { MAIL_EVENT_TYPES } from '../mail/eventTypes';
import { lastDeadMail, mailOutboxSummary } from '../store/outbox/counts';
import { OUTBOX_TABLE } from '../store/outbox/outboxRow';
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
  if (!(await tableExists(db, OUTBOX_TABLE))) {
    return {
      key: 'mail',
      data: { installed: false },
      lines: [['mail transport', transportLine(config.mail)]],
      problems: [],
    };
  }
  const mail = config.mail;
  const r = await mailOutboxSummary(db, {
    now,
    staleBefore: new Date(now.getTime() - mail.claimTimeoutMs),
    eventTypes: MAIL_EVENT_TYPES,
  });
  const n = (k: string): number => Number(r[k] ?? 0);
  const oldestDue = utcToInstant(r.oldest_due as string | null);
  const waitingMinutes = oldestDue ? Math.floor((now.getTime() - oldestDue.getTime()) / 60000) : 0;
  const lastDead = n('dead') ? ((await lastDeadMail(db, MAIL_EVENT_TYPES)) ?? null) : null;

  const problems: string[] = [];
  // The daemon refuses to start like this, so it is a problem, not just a line.
  if (mail.transport === 'smtp' && !mail.smtpUrl) {
    problems.push(
      'mail.transport is smtp but no SMTP server is set: set BXSUP_SMTP_URL or mail.smtpUrl, or choose mail.transport "files" or "bitrix"',
    );
  }
  if (lastDead) {
    problems.push(
      `${n('dead')} mail(s) dead, last ${lastDead.event_key}: ${lastDead.last_error ?? 'no reason recorded'}; fix the cause, then run bxsup mail retry-dead`,
    );
  }
  if (waitingMinutes >= mail.backlogAlertMinutes) {
    problems.push(
      `${n('due')} mail(s) due, the oldest for ${waitingMinutes} min: is the daemon (bxsup run) or the mail server down? (bxsup mail send mails them now)`,
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
          ? `${data.noAddress} mail(s) wait for the recipient's e-mail address (bxsup mail retry-dead once it is set)`
          : 'none',
      ],
    ],
    problems,
  };
};
