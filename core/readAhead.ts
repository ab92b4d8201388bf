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
