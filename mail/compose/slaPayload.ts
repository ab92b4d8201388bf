/**
 * The payload the escalator writes for SLA notices:
 * `{recipients:[userId…], target:'first_reply'|'resolution', level, dueAt, reason, tickets?:[…]}`.
 * Read leniently (a digest's tickets may be IDs or objects), because a notice that cannot be read
 * completely should still reach staff with what it has.
 */
export interface SlaNotice {
  recipients: number[];
  target: string | null;
  level: string | null;
  dueAt: Date | null;
  reason: string | null;
  tickets: SlaDigestEntry[];
}

export interface SlaDigestEntry {
  id: number;
  target: string | null;
  level: string | null;
  dueAt: Date | null;
  reason: string | null;
}

export function readSlaNotice(payload: Record<string, unknown>): SlaNotice {
  const recipients = Array.isArray(payload.recipients)
    ? payload.recipients.map(Number).filter((n) => Number.isInteger(n) && n > 0)
    : [];
  const tickets = Array.isArray(payload.tickets) ? payload.tickets.map(readEntry).filter(isEntry) : [];
  return {
    recipients: [...new Set(recipients)],
    target: text(payload.target),
    level: text(payload.level),
    dueAt: date(payload.dueAt),
    reason: text(payload.reason),
    tickets,
  };
}

function readEntry(value: unknown): SlaDigestEntry | null {
  if (typeof value === 'number' || typeof value === 'string') {
    const id = Number(value);
    return Number.isInteger(id) && id > 0
      ? { id, target: null, level: null, dueAt: null, reason: null }
      : null;
  }
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  const id = Number(v.id ?? v.ticketId);
  if (!Number.isInteger(id) || id <= 0) return null;
  return { id, target: text(v.target), level: text(v.level), dueAt: date(v.dueAt), reason: text(v.reason) };
}

function isEntry(e: SlaDigestEntry | null): e is SlaDigestEntry {
  return e !== null;
}

function text(value: unknown): string | null {
  if (typeof value === 'string' && value.trim()) return value.trim();
  if (typeof value === 'number') return String(value);
  return null;
}

function date(value: unknown): Date | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}
