import { parentPort } from 'node:worker_threads';
import type { SendMailOptions } from 'nodemailer';
import { buildMime } from './buildMime';
import type { PreparedMail } from './transport';

/** A request to the MIME thread: the nodemailer form of one mail, answered under the same id. */
export interface MimeRequest {
  id: number;
  message: SendMailOptions;
}

export type MimeReply = { id: number; built: PreparedMail } | { id: number; error: string };

/**
 * The MIME thread (mimeBuilder.ts starts it from its dist/ path): builds each message it is sent and
 * answers with the bytes and the envelope. It does no I/O and holds nothing between messages.
 */

// No stack traces on this thread: nodemailer streams each part through stream.pipeline(), which on
// finishing aborts its AbortController, and each abort builds a DOMException whose stack capture was
// about a fifth of a message's build (~290 → ~235 µs). An error here goes back as its message alone.
Error.stackTraceLimit = 0;

parentPort?.on('message', (request: MimeRequest) => {
  buildMime(request.message).then(
    ({ envelope, raw }) => {
      // The built Buffer is most often a slice of Node's shared 8 kB pool, which a structured clone
      // would copy whole: the message's own bytes go across instead, moved rather than copied.
      const bytes = new Uint8Array(raw.byteLength);
      bytes.set(raw);
      const reply: MimeReply = { id: request.id, built: { envelope, raw: bytes } };
      parentPort?.postMessage(reply, [bytes.buffer]);
    },
    (err: unknown) =>
      parentPort?.postMessage({
        id: request.id,
        error: err instanceof Error ? err.message : String(err),
      } satisfies MimeReply),
  );
});
