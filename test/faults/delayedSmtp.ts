import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { eventually } from '../helpers/daemonProcess';

/** One mail the server accepted: its Message-ID and when the 250 went out. */
export interface AcceptedMail {
  messageId: string;
  acceptedAt: number;
}

/**
 * The fault suite's mail server: a real SMTP server in the test process (smtp-server) that waits
 * `dataDelayMs` before it answers the end of DATA, like a slow or loaded relay.
 *
 * What counts as received: a mail is received when the server answers 250 to its DATA on a connection
 * that is still open. A client killed while the server was still working on the message never got a
 * 250, so that mail was not accepted (a relay that keeps it anyway can deliver it twice whatever the
 * client does: see README, "Reliability"). A client killed right after the 250, before it could record
 * the mail as sent, did get its mail accepted: if it is sent again, that is a real second copy, and it
 * is counted as one.
 *
 * For timing kills, `hold()` keeps every 250 back until `release()`; `onAccept` is called as each mail
 * is accepted, just before its 250 is written.
 */
export class DelayedSmtp {
  readonly accepted: AcceptedMail[] = [];
  /** Every DATA the server read, answered or not (how a naive count would see the traffic). */
  readonly read: string[] = [];
  /** DATA answered after the client had gone: not accepted, not counted. */
  abandoned = 0;
  dataDelayMs: number;
  onAccept: ((mail: AcceptedMail) => void) | null = null;
  port = 0;
  private server: SMTPServer | null = null;
  /** Sessions whose client is still connected, and those whose client has gone. */
  private readonly open = new Set<string>();
  private readonly closed = new Set<string>();
  private held: Array<() => void> | null = null;

  constructor(options: { dataDelayMs: number }) {
    this.dataDelayMs = options.dataDelayMs;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onConnect: (session, callback) => {
        this.open.add(session.id);
        callback();
      },
      onClose: (session) => {
        this.open.delete(session.id);
        this.closed.add(session.id);
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(Buffer.concat(chunks).toString('utf8'))?.[1];
          this.read.push(messageId ?? '(none)');
          const answer = (): void => {
            if (this.closed.has(session.id)) {
              this.abandoned++;
              callback(new Error('client gone'));
              return;
            }
            const mail = { messageId: messageId ?? '(none)', acceptedAt: Date.now() };
            this.accepted.push(mail);
            // Before the 250 is written: a kill timed from here always lands before the client can
            // mark the mail sent. Called after the write, it raced the mark (~6 ms): a pause of this
            // process (a major GC under a loaded jest worker) let the mark win now and then.
            this.onAccept?.(mail);
            callback();
          };
          setTimeout(() => (this.held ? this.held.push(answer) : answer()), this.dataDelayMs);
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

  /** 250s wait from now on. */
  hold(): void {
    this.held ??= [];
  }

  /** Answers what was held, in order, and stops holding. */
  release(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const answer of held) answer();
  }

  /**
   * Resolves once every client's session is closed (a killed client's sockets are seen closed): from
   * then on an answer held for it counts as abandoned, not accepted.
   */
  async clientsGone(timeoutMs = 10000): Promise<void> {
    await eventually(async () => this.open.size === 0, timeoutMs, "every SMTP client's session closed", 20);
  }

  /** DATA the server has answered, to a client still there (accepted) or gone (abandoned). */
  get answered(): number {
    return this.accepted.length + this.abandoned;
  }

  /** How often each Message-ID was accepted. */
  counts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const m of this.accepted) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
    return counts;
  }

  async close(): Promise<void> {
    this.release();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
