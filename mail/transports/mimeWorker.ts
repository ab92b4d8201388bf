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
    (built) => parentPort?.postMessage({ id: request.id, built } satisfies MimeReply),
    (err: unknown) =>
      parentPort?.postMessage({
        id: request.id,
        error: err instanceof Error ? err.message : String(err),
      } satisfies MimeReply),
  );
});
