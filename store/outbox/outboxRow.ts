/**
 * A row of bl_support_outbox as the mailer sees it. The sync (ticket events) and the escalator (SLA
 * notices) insert rows; only the mailer moves them on: pending → sending → sent | pending (retry) | dead,
 * or skipped when the event turns out not to need a mail (an internal note, the customer's own words).
 */
export const OUTBOX_TABLE = 'bl_support_outbox';

export interface OutboxRow {
  id: number;
  eventKey: string;
  eventType: string;
  ticketId: number;
  messageId: number | null;
  payload: Record<string, unknown>;
  /** Claims so far, this one included. */
  attempts: number;
}

/** A row this sender holds: `claimedBy` is what claimed_by says while the claim is ours. */
export interface ClaimedRow extends OutboxRow {
  claimedBy: string;
}

export interface RawOutboxRow {
  id: number | string;
  event_key: string;
  event_type: string;
  ticket_id: number;
  message_id: number | null;
  payload: string | null;
  attempts: number;
}

export const OUTBOX_COLUMNS = [
  'id',
  'event_key',
  'event_type',
  'ticket_id',
  'message_id',
  'payload',
  'attempts',
] as const;

/** Typed at the boundary; a payload that is not a JSON object is read as {} rather than failing the row. */
export function toOutboxRow(raw: RawOutboxRow): OutboxRow {
  let payload: Record<string, unknown> = {};
  if (raw.payload) {
    try {
      const parsed: unknown = JSON.parse(raw.payload);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        payload = parsed as Record<string, unknown>;
    } catch {
      // keep {}: the composer reports what it misses
    }
  }
  return {
    id: Number(raw.id),
    eventKey: raw.event_key,
    eventType: raw.event_type,
    ticketId: Number(raw.ticket_id),
    messageId: raw.message_id === null ? null : Number(raw.message_id),
    payload,
    attempts: Number(raw.attempts),
  };
}
