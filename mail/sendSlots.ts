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
  return new Slots(size);
}

/**
 * A class, not a closure per pass: the sender calls acquire() for every mail, and V8 inlines what a hot
 * function calls. Methods of a class are the same functions in every pass; closures made afresh each
 * pass are not, and the optimised code that inlined the last pass's was thrown away and rebuilt.
 */
class Slots implements SendSlots {
  // Numbers start as numbers: a field declared without a value starts undefined, and the change of
  // representation when the number arrives deoptimised the sender's code at the start of every pass.
  private free = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(size: number) {
    this.free = size;
  }

  acquire(): Promise<() => void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve) => this.waiting.push(() => resolve(this.releaser())));
  }

  /** Gives the slot back once, however often it is called. */
  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
  }
}
