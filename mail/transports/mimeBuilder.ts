import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SendMailOptions } from 'nodemailer';
import { PACKAGE_ROOT } from '../../core/version';
import { buildMime } from './buildMime';
import type { PreparedMail } from './transport';
import type { MimeReply, MimeRequest } from './mimeWorker';

/**
 * Builds MIME messages on a thread of their own. On the sender's thread, composing a message
 * (headers encoded, addresses parsed, text and HTML quoted-printable, the parts streamed together) was
 * about as much CPU as everything else a mail costs, and that thread is what limits how fast mail goes
 * out; the build does no I/O, so another core can do it while the sender claims, marks and streams.
 *
 * One thread: it builds a message in well under the time the sender needs to send one, so a second
 * would only wait. Started at the first message (a CLI command that sends nothing starts none) and
 * kept from holding the process open while it has nothing to do. If the thread cannot start or dies,
 * its messages and all later ones are built here instead: slower, never lost.
 */
export interface MimeBuilder {
  build(message: SendMailOptions): Promise<PreparedMail>;
  close(): Promise<void>;
}

/** The thread's script: compiled next to this file; under jest (TypeScript sources) the built one. */
const WORKER_SCRIPT = __filename.endsWith('.ts')
  ? path.join(PACKAGE_ROOT, 'dist', 'mail', 'transports', 'mimeWorker.js')
  : path.join(__dirname, 'mimeWorker.js');

/** `script` is the thread's (tests give one that cannot start or that dies). */
export function createMimeBuilder(script: string = WORKER_SCRIPT): MimeBuilder {
  return new ThreadBuilder(script);
}

interface Pending {
  message: SendMailOptions;
  resolve: (built: PreparedMail) => void;
  reject: (err: Error) => void;
}

class ThreadBuilder implements MimeBuilder {
  private worker: Worker | null = null;
  /** The thread failed once: build here from then on. */
  private broken = false;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly script: string) {}

  build(message: SendMailOptions): Promise<PreparedMail> {
    const worker = this.broken ? null : (this.worker ?? this.start());
    if (!worker) return buildMime(message);
    return new Promise<PreparedMail>((resolve, reject) => {
      const id = this.nextId++;
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { message, resolve, reject });
      try {
        worker.postMessage({ id, message } satisfies MimeRequest);
      } catch {
        // A message the thread cannot be handed (nothing a mail of ours holds): built here.
        this.buildHere(id);
      }
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.broken = true;
    this.fallBack();
    if (worker) await worker.terminate();
  }

  private start(): Worker | null {
    let worker: Worker;
    try {
      worker = new Worker(this.script);
    } catch {
      this.broken = true;
      return null;
    }
    worker.unref();
    worker.on('message', (reply: MimeReply) => this.settle(reply));
    const lost = (): void => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.broken = true;
      this.fallBack();
    };
    worker.on('error', lost);
    worker.on('exit', lost);
    this.worker = worker;
    return worker;
  }

  private settle(reply: MimeReply): void {
    const task = this.pending.get(reply.id);
    if (!task) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    if ('error' in reply) task.reject(new Error(reply.error));
    else {
      // The bytes arrive as a plain Uint8Array of their own: a Buffer over the same memory, not a copy.
      const { raw } = reply.built;
      task.resolve({ ...reply.built, raw: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength) });
    }
  }

  /** Messages the thread took and will not answer are built here. */
  private fallBack(): void {
    for (const id of [...this.pending.keys()]) this.buildHere(id);
  }

  private buildHere(id: number): void {
    const task = this.pending.get(id);
    if (!task) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
    buildMime(task.message).then(task.resolve, task.reject);
  }
}
