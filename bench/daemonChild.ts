import { ChildProcess, spawn } from 'node:child_process';
import { CLI } from './idleSite';

/**
 * A real `bxsup run` child for a benchmark, resolved once it logs "daemon started" (its config must log
 * at info); `stop()` sends SIGTERM and waits for it to exit.
 */
export interface DaemonChild {
  child: ChildProcess;
  output(): string;
  /** Resolves when the output matches (or after `timeoutMs`, whichever comes first). */
  settled(pattern: RegExp, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startDaemonChild(dbUrl: string, cwd: string): Promise<DaemonChild> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('BXSUP_')) env[k] = v;
  const child = spawn(process.execPath, [CLI, 'run', '--db', dbUrl], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      text += d.toString();
      if (/daemon started/.test(text)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => reject(new Error(`bench: bxsup run exited: ${text.trim().slice(-500)}`)));
  });
  return {
    child,
    output: () => text,
    async settled(pattern, timeoutMs) {
      const until = Date.now() + timeoutMs;
      while (!pattern.test(text) && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
