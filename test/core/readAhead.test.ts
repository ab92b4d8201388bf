import { readAhead } from '../../core/readAhead';

/**
 * A read started ahead that fails while the caller awaits something else: no unhandled rejection (which
 * ends a Node process), and the caller still gets the error when it awaits the read.
 */
describe('work read ahead', () => {
  it('fails quietly until it is awaited, then with its own error', async () => {
    const unhandled: unknown[] = [];
    const listen = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listen);
    try {
      const next = readAhead(
        new Promise<number>((_, reject) => setTimeout(() => reject(new Error('connection lost')), 5)),
      );
      // The current batch's write, still in progress when the read fails.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
      await expect(next).rejects.toThrow('connection lost');
    } finally {
      process.off('unhandledRejection', listen);
    }
  });

  it('hands over what the work returns', async () => {
    await expect(readAhead(Promise.resolve(42))).resolves.toBe(42);
  });
});
