import { Knex } from 'knex';
import { backoffDelay } from '../../core/backoff';
import { Clock } from '../../core/clock';
import { Logger } from '../../core/logger';
import {
  DeliveryRow,
  dueDeliveries,
  markDeliveryFailed,
  markDeliverySent,
  markDeliveryTried,
} from '../../store/webhookDeliveries';
import { EscalationConfig, WebhookConfig } from '../escalationConfig';
import { HttpPost } from './http';

/**
 * Sends the webhook deliveries that are due. Runs after the pass committed and released its lock, so a
 * slow or failing endpoint never holds up the escalations or the next pass. Each delivery gets up to
 * `attemptsPerPass` tries with capped exponential backoff inside the pass, then waits for a later pass (next_attempt_at, backoff
 * again) until `maxAttempts` in all, after which it is marked failed. Deliveries to different
 * endpoints go out in parallel; at-least-once: a crash after a POST and before its row is marked sends
 * it again.
 */
export interface DeliverDeps {
  db: Knex;
  logger: Logger;
  config: EscalationConfig;
  http: HttpPost;
  /** Stamps sent_at: a delivery goes out after its pass, and retries sleep, so it is not `now`. */
  clock: Clock;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface DeliveryResult {
  sent: number;
  retrying: number;
  failed: number;
}

const BATCH = 200;

export async function deliverWebhooks(deps: DeliverDeps, now: Date): Promise<DeliveryResult> {
  const result: DeliveryResult = { sent: 0, retrying: 0, failed: 0 };
  const rows = await dueDeliveries(deps.db, now, BATCH);
  const hooks = new Map(deps.config.webhooks.map((h) => [h.name, h]));
  await Promise.all(
    rows.map(async (row) => {
      const outcome = await deliverOne(deps, hooks.get(row.channel.split(':')[0]), row, now);
      result[outcome]++;
    }),
  );
  return result;
}

async function deliverOne(
  deps: DeliverDeps,
  hook: WebhookConfig | undefined,
  row: DeliveryRow,
  now: Date,
): Promise<keyof DeliveryResult> {
  const retry = deps.config.webhookRetry;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  if (!hook) {
    await markDeliveryFailed(deps.db, row.id, 'this webhook is no longer configured');
    return 'failed';
  }
  let attempts = Number(row.attempts);
  let lastError = '';
  for (let i = 0; i < retry.attemptsPerPass && attempts < retry.maxAttempts; i++) {
    if (i > 0) await sleep(backoffDelay(i, retry, deps.random));
    attempts++;
    try {
      await deps.http(endpoint(hook), JSON.parse(row.body));
      await markDeliverySent(deps.db, row.id, attempts, deps.clock.now());
      return 'sent';
    } catch (err) {
      lastError = describe(err);
    }
  }
  const failed = attempts >= retry.maxAttempts;
  deps.logger.warn(`webhook ${hook.name} failed (${attempts} attempts): ${lastError}`, {
    module: 'escalator',
  });
  await markDeliveryTried(deps.db, row.id, {
    failed,
    attempts,
    lastError: lastError.slice(0, 1000),
    // Rounded up: the column holds whole seconds, and a retry must never come before its backoff.
    nextAttemptAt: new Date(
      Math.ceil((now.getTime() + backoffDelay(attempts, retry, deps.random)) / 1000) * 1000,
    ),
  });
  return failed ? 'failed' : 'retrying';
}

/** Bitrix24 incoming webhooks are REST base URLs; the method is appended. */
function endpoint(hook: WebhookConfig): string {
  return hook.type === 'bitrix24' ? `${hook.url.replace(/\/+$/, '')}/im.notify.system.add` : hook.url;
}

/** Never the URL: a Bitrix24 webhook URL holds its token. */
function describe(err: unknown): string {
  const e = err as { response?: { status?: number }; code?: string; message?: string };
  if (e.response?.status) return `HTTP ${e.response.status}`;
  return e.code ?? String(e.message ?? err).split('\n')[0];
}
