import { AddressInfo } from 'node:net';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, SMTPServerAddress } from 'smtp-server';

/** One mail the sink accepted: the SMTP envelope and the parsed message. */
export interface SinkMail {
  envelopeFrom: string;
  envelopeTo: string[];
  parsed: ParsedMail;
  raw: string;
}

/**
 * A real SMTP server in the test process (smtp-server on 127.0.0.1, random port) that keeps what it
 * receives. It can reject recipients with a given reply, and go down and come back on the same port.
 */
export class SmtpSink {
  readonly mails: SinkMail[] = [];
  /** Address → reply for RCPT TO, e.g. 550 "mailbox unavailable". */
  readonly rejectRecipients = new Map<string, { code: number; message: string }>();
  port = 0;
  private server: SMTPServer | null = null;
  private waiters: Array<() => void> = [];

  constructor(private readonly sizeLimit = 10 * 1024 * 1024) {}

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      size: this.sizeLimit,
      onRcptTo: (address: SMTPServerAddress, _session, callback) => {
        const reject = this.rejectRecipients.get(address.address);
        if (!reject) return callback();
        const err = new Error(reject.message) as Error & { responseCode: number };
        err.responseCode = reject.code;
        callback(err);
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          simpleParser(raw)
            .then((parsed) => {
              const { mailFrom } = session.envelope;
              this.mails.push({
                envelopeFrom: mailFrom ? mailFrom.address : '',
                envelopeTo: session.envelope.rcptTo.map((r) => r.address),
                parsed,
                raw: raw.toString('utf8'),
              });
              this.waiters.splice(0).forEach((w) => w());
              callback();
            })
            .catch(callback);
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    server.on('error', () => undefined);
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening (connections are refused) but keeps the port for start() to reuse. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  byMessageId(id: string): SinkMail[] {
    return this.mails.filter((m) => m.parsed.messageId === id);
  }

  to(address: string): SinkMail[] {
    return this.mails.filter((m) => m.envelopeTo.includes(address));
  }
}

export async function startSink(sizeLimit?: number): Promise<SmtpSink> {
  const sink = new SmtpSink(sizeLimit);
  await sink.start();
  return sink;
}
