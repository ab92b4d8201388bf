import { eventMessageId, oneLine, threadHeaders } from '../../mail/compose/headers';
import { emailInText, validEmail } from '../../mail/facts/users';
import { fitToCharset } from '../../bridge/nativeText';

describe('mail headers (pure)', () => {
  it('derives the Message-ID from the event key, the creation mail being the thread root', () => {
    expect(eventMessageId('created:12', 'SUPPORT_TICKET_CREATED', 12, 'shop.example.ru')).toBe(
      '<ticket-12@shop.example.ru>',
    );
    expect(threadHeaders('reply:345', 'SUPPORT_TICKET_REPLY', 12, 'shop.example.ru')).toEqual({
      messageId: '<reply.345.ticket-12@shop.example.ru>',
      inReplyTo: '<ticket-12@shop.example.ru>',
      references: ['<ticket-12@shop.example.ru>'],
    });
    // ':' becomes '.', anything else outside [A-Za-z0-9-] (even '.') is =XX: distinct keys stay distinct.
    expect(eventMessageId('closed:12:2024-03-12 10:37:00', 'SUPPORT_TICKET_CLOSED', 12, 'h')).toBe(
      '<closed.12.2024-03-12=2010.37.00.ticket-12@h>',
    );
    expect(eventMessageId('a.b', 'X', 0, 'h')).toBe('<a=2Eb@h>');
    expect(eventMessageId('a:b', 'X', 0, 'h')).toBe('<a.b@h>');
  });

  it('one line: no CR, LF or control characters in a header value', () => {
    expect(oneLine('Hello\r\nBcc: x@y\u2028\tz\u0000')).toBe('Hello Bcc: x@y z');
    expect(oneLine('x'.repeat(300), 10)).toBe('xxxxxxxxx…');
  });

  it('accepts one plain mailbox only; finds a guest address in OWNER_SID', () => {
    expect(validEmail('maria@example.ru')).toBe('maria@example.ru');
    expect(validEmail('')).toBeNull();
    expect(validEmail('a@b.c\r\nBcc: d@e.f')).toBeNull();
    expect(validEmail('a@b.c, d@e.f')).toBeNull();
    expect(emailInText('Анна <anna@example.org>')).toBe('anna@example.org');
    expect(emailInText('guest.buyer@example.org')).toBe('guest.buyer@example.org');
    expect(emailInText('Просто имя')).toBeNull();
  });

  it('fits text to a native column charset', () => {
    expect(fitToCharset('ok 😀', 'utf8mb3')).toBe('ok \uFFFD');
    expect(fitToCharset('ok 😀', 'utf8mb4')).toBe('ok 😀');
    expect(fitToCharset('Привет, 日本 €', 'cp1251')).toBe('Привет, ?? €');
  });
});
