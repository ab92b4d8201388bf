/**
 * InnoDB's answers to two writers wanting each other's rows: it rolls back one statement (or the whole
 * transaction, on a deadlock) of the victim and the other goes on. Nothing of the victim's work stays, so
 * running it again is safe and is what the server asks for ("try restarting transaction").
 */
const LOCK_CONFLICTS = new Set([1213 /* ER_LOCK_DEADLOCK */, 1205 /* ER_LOCK_WAIT_TIMEOUT */]);

export function isLockConflict(err: unknown): boolean {
  return LOCK_CONFLICTS.has((err as { errno?: number } | null)?.errno ?? 0);
}

/**
 * Runs `work` (a statement or a transaction that leaves nothing behind when rolled back) again after a
 * lock conflict, up to `attempts` times, with a short random pause so the two writers do not meet again.
 */
export async function retryLockConflicts<T>(
  work: () => Promise<T>,
  attempts: number,
  onRetry?: (attempt: number, err: unknown) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!isLockConflict(err) || attempt >= attempts) throw err;
      onRetry?.(attempt, err);
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 50));
    }
  }
}
