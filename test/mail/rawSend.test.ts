import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { createMimeBuilder } from '../../mail/transports/mimeBuilder';
import { toNodemailerMessage } from '../../mail/transports/nodemailerMessage';
import { createSmtpTransport } from '../../mail/transports/smtpTransport';
import { MailTransport, OutgoingMail } from '../../mail/transports/transport';
import { SinkMail, SmtpSink, startSink } from './helpers/smtpSink';

/**
 * The SMTP transport builds each message on another thread and sends the finished bytes
 * (mail/transports/mimeBuilder.ts). What the mail server receives must be what nodemailer's own
 * sendMail of the same mail sends: every header (Message-ID, From, To, the encoded Subject, Date,
 * threading), the text and HTML alternatives, charsets and transfer encodings, byte for byte but for
 * the random MIME boundaries; and the same envelope.
 */
const NOW = new Date('2024-03-12T08:00:00Z');

function mail(overrides: Partial<OutgoingMail>): OutgoingMail {
  return {
    eventKey: 'closed:12:raw',
    eventType: 'SUPPORT_TICKET_CLOSED',
    ticketId: 12,
    siteId: 's1',
    languageId: 'ru',
    from: { name: 'Интернет-магазин «Ромашка»', address: 'shop@example.ru' },
    to: [{ name: 'Мария Иванова', address: 'maria.ivanova@example.ru' }],
    subject: 'Обращение №12 закрыто',
    text: 'Здравствуйте, Мария!\n\nВаше обращение закрыто.',
    html: '<p>Здравствуйте, Мария!</p>\n<p>Ваше обращение закрыто.</p>',
    messageId: '<closed.12.raw.ticket-12@shop.example.ru>',
    inReplyTo: '<ticket-12@shop.example.ru>',
    references: ['<ticket-12@shop.example.ru>'],
    fields: {},
    ...overrides,
  };
}

/** Mails that exercise the encoders: each is sent both ways and compared. */
const AWKWARD: Array<[string, OutgoingMail]> = [
  ['Cyrillic names, subject and body', mail({})],
  [
    'a long subject, Cyrillic and Latin mixed (folded encoded words)',
    mail({
      eventKey: 'closed:12:long',
      messageId: '<closed.12.long.ticket-12@shop.example.ru>',
      subject:
        `Re: [#12] ${'Очень длинная тема обращения о заказе № 4711 and its delivery, '.repeat(4)}`.trim(),
    }),
  ],
  [
    'quotes, commas and backslashes in display names; several recipients',
    mail({
      eventKey: 'warning:7:quotes',
      eventType: 'SUPPORT_SLA_WARNING',
      messageId: '<warning.7.quotes.ticket-7@shop.example.ru>',
      from: { name: 'O\'Brien "Support", Shop \\ Desk', address: 'support@example.com' },
      to: [
        { name: 'Smith, John "JJ"', address: 'john.smith@example.com' },
        { name: 'Алексей «Лёша» Петров', address: 'alexey@example.ru' },
        { name: '', address: 'bare@example.org' },
      ],
      subject: 'SLA: "first reply" due at 10:00 — «срочно»',
    }),
  ],
  [
    'HTML escaping, markup characters in the text, long lines, a line starting with a dot, emoji',
    mail({
      eventKey: 'reply:345:html',
      eventType: 'SUPPORT_TICKET_REPLY',
      messageId: '<reply.345.html.ticket-12@shop.example.ru>',
      subject: 'Ответ: <script>alert("x")</script> & 100% "готово" 😀',
      text: `Цена: 5 < 7 & "кавычки" 'апостроф'\n.точка в начале строки\n${'длинная строка без переносов '.repeat(12)}\nEnd.\n`,
      html: `<p>Цена: 5 &lt; 7 &amp; &quot;кавычки&quot; &#39;апостроф&#39;</p>\n<p>.точка</p>\n<p>${'длинная строка '.repeat(20)}</p>\n<a href="https://shop.example.ru/?a=1&amp;b=2">ссылка</a> 😀`,
    }),
  ],
  [
    'plain ASCII, no threading headers',
    mail({
      eventKey: 'digest:1',
      eventType: 'SUPPORT_SLA_DIGEST',
      ticketId: 0,
      messageId: '<digest.1@shop.example.com>',
      inReplyTo: undefined,
      references: undefined,
      from: { name: 'Shop', address: 'noreply@shop.example.com' },
      to: [{ name: 'Ops', address: 'ops@example.com' }],
      subject: 'SLA digest',
      text: 'Nothing unusual.\r\nTwo lines.',
      html: '<p>Nothing unusual.</p>',
    }),
  ],
];

/** The message with its boundaries named by order of appearance: they are random in every build. */
function normalised(received: SinkMail): string {
  const boundaries = [...received.raw.matchAll(/boundary="([^"]+)"/g)].map((m) => m[1]);
  let raw = received.raw;
  boundaries.forEach((b, i) => (raw = raw.split(b).join(`BOUNDARY-${i}`)));
  return raw;
}

describe('SMTP transport: messages built on a thread and sent as bytes', () => {
  let sink: SmtpSink;
  let transport: MailTransport;
  let bare: ReturnType<typeof nodemailer.createTransport>;

  beforeAll(async () => {
    sink = await startSink();
    transport = createSmtpTransport({ url: sink.url, maxConnections: 2 });
    bare = nodemailer.createTransport({ url: sink.url, pool: false } as Parameters<
      typeof nodemailer.createTransport
    >[0]);
  });
  afterAll(async () => {
    await transport.close();
    bare.close();
    await sink.stop();
  });

  /** Sends `m` with sendMail as before, then by `send`, and gives what the sink received for each. */
  async function bothWays(
    m: OutgoingMail,
    send: (m: OutgoingMail) => Promise<void>,
  ): Promise<[SinkMail, SinkMail]> {
    const before = sink.mails.length;
    await bare.sendMail(toNodemailerMessage(m, NOW));
    await send(m);
    expect(sink.mails).toHaveLength(before + 2);
    const [viaSendMail, viaBytes] = sink.mails.slice(before);
    return [viaSendMail, viaBytes];
  }

  it.each(AWKWARD)('%s: the same bytes and envelope as sendMail', async (_name, m) => {
    const [viaSendMail, viaBytes] = await bothWays(m, async (one) => {
      const prepared = await transport.prepare!(one, NOW);
      await transport.send(one, { now: NOW, prepared });
    });
    expect(normalised(viaBytes)).toBe(normalised(viaSendMail));
    expect(viaBytes.envelopeFrom).toBe(viaSendMail.envelopeFrom);
    expect(viaBytes.envelopeTo).toEqual(viaSendMail.envelopeTo);
    // And what a mail client reads of it.
    expect(viaBytes.parsed.messageId).toBe(m.messageId);
    expect(viaBytes.parsed.subject).toBe(m.subject);
    expect(viaBytes.parsed.from?.value).toEqual([m.from]);
    expect(viaBytes.parsed.to && 'value' in viaBytes.parsed.to ? viaBytes.parsed.to.value : null).toEqual(
      m.to,
    );
    expect(viaBytes.parsed.html).toBe(viaSendMail.parsed.html);
    expect(viaBytes.parsed.text).toBe(viaSendMail.parsed.text);
  });

  it('send() without prepare() builds the message itself: the same bytes', async () => {
    const m = AWKWARD[3][1];
    const [viaSendMail, viaBytes] = await bothWays(m, (one) => transport.send(one, { now: NOW }));
    expect(normalised(viaBytes)).toBe(normalised(viaSendMail));
  });

  describe('when the thread is not there', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'bxsup-mime-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    async function sendBuilt(script: string): Promise<void> {
      const builder = createMimeBuilder(script);
      try {
        const messages = AWKWARD.map(([, m]) => toNodemailerMessage(m, NOW));
        const built = await Promise.all(messages.map((message) => builder.build(message)));
        const pool = nodemailer.createTransport({ url: sink.url, pool: false } as Parameters<
          typeof nodemailer.createTransport
        >[0]);
        try {
          const before = sink.mails.length;
          for (const [i, { envelope, raw }] of built.entries()) {
            await bare.sendMail(messages[i]);
            await pool.sendMail({ envelope, raw: raw as Buffer });
          }
          const received = sink.mails.slice(before);
          expect(received).toHaveLength(2 * AWKWARD.length);
          for (let i = 0; i < received.length; i += 2)
            expect(normalised(received[i + 1])).toBe(normalised(received[i]));
        } finally {
          pool.close();
        }
      } finally {
        await builder.close();
      }
    }

    it('a thread that cannot start: every message is built on the sender thread instead', async () => {
      await sendBuilt(path.join(dir, 'missing.js'));
    });

    it('a thread that dies with messages in hand: those and the later ones are built here', async () => {
      const dying = path.join(dir, 'dying.js');
      await writeFile(
        dying,
        "require('node:worker_threads').parentPort.on('message', () => process.exit(3));\n",
      );
      await sendBuilt(dying);
    });
  });
});
