/**
 * `--watch`: redraws the screen every interval until the signal aborts (Ctrl-C). On a terminal each
 * frame replaces the previous one in place (cursor home, clear below); when the output is not a
 * terminal the frames are appended, separated by a blank line, so a log still reads right.
 * A failed refresh (the database restarting) is shown in the frame and retried at the next tick.
 */
export interface WatchOptions {
  intervalMs: number;
  /** Produces one frame: the lines to show. */
  frame: () => Promise<string[]>;
  write: (text: string) => void;
  inPlace: boolean;
  signal: AbortSignal;
}

const HOME_AND_CLEAR = '\u001b[H\u001b[2J';

export async function watch(options: WatchOptions): Promise<number> {
  const { intervalMs, frame, write, inPlace, signal } = options;
  let frames = 0;
  while (!signal.aborted) {
    let lines: string[];
    try {
      lines = await frame();
    } catch (err) {
      lines = [`refresh failed: ${(err as Error).message.split('\n')[0]} (retrying)`];
    }
    if (signal.aborted) break;
    write(`${inPlace ? HOME_AND_CLEAR : frames > 0 ? '\n' : ''}${lines.join('\n')}\n`);
    frames++;
    await sleep(intervalMs, signal);
  }
  return frames;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
