/**
 * Header values built from database text. nodemailer encodes non-ASCII, but a CR or LF that reached a
 * header would still start a new one: subjects and display names pass through oneLine() first.
 */
export function oneLine(text: string, max = 250): string {
  const flat = text
    .replace(/[\r\n\u2028\u2029\u0085]+/g, ' ')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/\s{2,}/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Every mail about a ticket answers this one, so mail clients show a ticket as one thread. */
export function threadRootId(ticketId: number, domain: string): string {
  return `<ticket-${ticketId}@${domain}>`;
}

/**
 * The Message-ID of an outbox event, derived from its unique event_key: sending the same event again
 * (after a crash between send and mark) produces the same ID, which receiving servers and clients use to
 * drop the duplicate. The creation mail is the thread's root.
 */
export function eventMessageId(
  eventKey: string,
  eventType: string,
  ticketId: number,
  domain: string,
): string {
  if (eventType === 'SUPPORT_TICKET_CREATED' && ticketId > 0) return threadRootId(ticketId, domain);
  return `<${encodeIdPart(eventKey)}${ticketId > 0 ? `.ticket-${ticketId}` : ''}@${domain}>`;
}

/** Threading headers for a mail about `ticketId` (none for a mail about no single ticket). */
export function threadHeaders(
  eventKey: string,
  eventType: string,
  ticketId: number,
  domain: string,
): { messageId: string; inReplyTo?: string; references?: string[] } {
  const messageId = eventMessageId(eventKey, eventType, ticketId, domain);
  if (ticketId <= 0) return { messageId };
  const root = threadRootId(ticketId, domain);
  if (root === messageId) return { messageId };
  return { messageId, inReplyTo: root, references: [root] };
}

/** Letters, digits and '-' stay, ':' becomes '.', anything else (even '.') =XX: distinct keys stay distinct. */
function encodeIdPart(key: string): string {
  if (/^[A-Za-z0-9:-]*$/.test(key)) return key.replace(/:/g, '.');
  return Array.from(Buffer.from(key, 'utf8'))
    .map((b) => {
      const c = String.fromCharCode(b);
      if (/[A-Za-z0-9-]/.test(c)) return c;
      if (c === ':') return '.';
      return `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}
