import { Knex } from 'knex';
import { insertOutboxEntries } from '../../store/outbox/insert';
import { insertDeliveries, NewDelivery } from '../../store/webhookDeliveries';
import { WebhookConfig } from '../escalationConfig';

/**
 * The notices of an escalation, written in its transaction: one outbox row for the mailer (event_key
 * unique per escalation row, so it is queued once) and one delivery row per webhook (and per recipient
 * for Bitrix24, whose im.notify.system.add addresses one user). Webhooks are sent after the commit by
 * deliverWebhooks: an HTTP call cannot take part in the transaction, and a slow endpoint must not hold
 * the pass.
 */
export type SlaEventType = 'SUPPORT_SLA_WARNING' | 'SUPPORT_SLA_BREACH' | 'SUPPORT_SLA_DIGEST';

export interface OutboxNotice {
  eventKey: string;
  eventType: SlaEventType;
  ticketId: number;
  payload: Record<string, unknown>;
}

/** A second call with the same event_key is a no-op (not INSERT IGNORE: that would hide truncation). */
export async function queueNotice(
  trx: Knex | Knex.Transaction,
  notice: OutboxNotice,
  now: Date,
): Promise<void> {
  await queueNotices(trx, [notice], now);
}

/** Many notices in one INSERT (an escalation batch), each queued once as queueNotice queues one. */
export async function queueNotices(
  trx: Knex | Knex.Transaction,
  notices: readonly OutboxNotice[],
  now: Date,
): Promise<void> {
  await insertOutboxEntries(
    trx,
    notices.map((n) => ({ ...n, messageId: null })),
    now,
  );
}

export interface WebhookNotice {
  escalationId: number;
  levelName: string;
  recipients: readonly number[];
  text: string;
}

export async function queueWebhooks(
  trx: Knex | Knex.Transaction,
  webhooks: readonly WebhookConfig[],
  notice: WebhookNotice,
  now: Date,
): Promise<string[]> {
  const rows = webhookRows(webhooks, notice);
  await insertDeliveries(trx, rows, now);
  return rows.map((r) => r.channel);
}

/** The deliveries of many escalations (a batch) in one INSERT. */
export async function queueManyWebhooks(
  trx: Knex | Knex.Transaction,
  webhooks: readonly WebhookConfig[],
  notices: readonly WebhookNotice[],
  now: Date,
): Promise<void> {
  await insertDeliveries(
    trx,
    notices.flatMap((n) => webhookRows(webhooks, n)),
    now,
  );
}

function webhookRows(webhooks: readonly WebhookConfig[], notice: WebhookNotice): NewDelivery[] {
  const rows: NewDelivery[] = [];
  for (const hook of webhooks) {
    if (hook.levels && !hook.levels.includes(notice.levelName)) continue;
    if (hook.type === 'json')
      rows.push({ escalationId: notice.escalationId, channel: hook.name, body: { text: notice.text } });
    else
      for (const userId of notice.recipients) {
        rows.push({
          escalationId: notice.escalationId,
          channel: `${hook.name}:${userId}`,
          body: { USER_ID: hook.userIds[String(userId)] ?? userId, MESSAGE: notice.text },
        });
      }
  }
  return rows;
}
