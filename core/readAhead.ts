/**
 * Work started now and awaited later, after other awaits: the next batch or round read while the
 * current one is written (escalator/agent/processDue.ts, escalator/state/refreshSla.ts). Until it is
 * awaited nothing handles its rejection, and Node ends the process on a rejection still unhandled when
 * the current turn's microtasks are done: a read that fails while the write is in progress (a lost
 * connection, a restarted server) would take the daemon down instead of failing the pass. The no-op
 * handler marks it handled; awaiting the returned promise still throws its error.
 */
export function readAhead<T>(work: Promise<T>): Promise<T> {
  work.catch(() => undefined);
  return work;
}

/**
 * Batches written two at a time, the next one read meanwhile: `first` is the first batch's read,
 * `readNext(batch, beside)` starts the read of the one after `batch` (null: there is none), given the
 * batch still being written beside it (whose rows the read may have to leave out); `write` writes one.
 * A batch's writes are a chain of statements, each waiting on Node and then on the server, so one chain
 * alone keeps neither busy; the batches must hold rows the other does not lock. A third write starts
 * only once the first is done, and on an error every write begun is done (or failed) before it is
 * thrown: nothing goes on after the call returns (a pass's lock is released then).
 */
export async function writeTwoAtOnce<B>(
  first: Promise<B>,
  readNext: (batch: B, beside: B | null) => Promise<B> | null,
  write: (batch: B) => Promise<void>,
): Promise<void> {
  let next: Promise<B> | null = first;
  let writing: { batch: B; done: Promise<void> } | null = null;
  try {
    while (next) {
      const batch: B = await next;
      const following = readNext(batch, writing?.batch ?? null);
      next = following && readAhead(following);
      const earlier: { done: Promise<void> } | null = writing;
      writing = { batch, done: readAhead(write(batch)) };
      await earlier?.done;
    }
    await writing?.done;
  } catch (err) {
    await Promise.allSettled([next, writing?.done]);
    throw err;
  }
}
