/** Command output goes to stdout (so --json can be piped); logs and errors go to stderr. */
export interface Output {
  line(text?: string): void;
  json(value: unknown): void;
  /** "[2/4] creating our tables … done" — one line per installer step. */
  step(index: number, total: number, title: string, result: string): void;
}

export function stdoutOutput(stream: NodeJS.WritableStream = process.stdout): Output {
  return {
    line(text = '') {
      stream.write(`${text}\n`);
    },
    json(value) {
      stream.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    step(index, total, title, result) {
      stream.write(`[${index}/${total}] ${title}: ${result}\n`);
    },
  };
}
