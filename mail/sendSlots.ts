/**
 * As many sends at once as the transport has connections. The sender holds a slot from the re-check of
 * a claim to the end of its send, so a mail never waits in the transport's own queue after its claim
 * was confirmed: the check is right before the send, not seconds before it behind a slow server.
 */
export interface SendSlots {
  /** Resolves with the function that gives the slot back. */
  acquire(): Promise<() => void>;
}

export function createSendSlots(size: number): SendSlots {
  let free = size;
  const waiting: Array<() => void> = [];
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };
  return {
    acquire() {
      if (free > 0) {
        free--;
        return Promise.resolve(once(release));
      }
      return new Promise((resolve) => waiting.push(() => resolve(once(release))));
    },
  };
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
