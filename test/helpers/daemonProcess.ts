import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { CLI_PATH } from './cli';

/** A real `bxsup` child process whose output the test can read and wait on. */
export interface BxsupProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

/** A working directory with a bxsup.config.json (mode 600) for the child. */
export function configDir(config: Record<string, unknown>): string {
  const dir = mkdtempSync('/tmp/bxsup-test-');
  const file = path.join(dir, 'bxsup.config.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  chmodSync(file, 0o600);
  return dir;
}

export function startBxsup(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): BxsupProcess {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('BXSUP_')) env[k] = v;
  Object.assign(env, options.env ?? {});
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
    cwd: options.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer): void => {
    text += d.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return {
    child,
    output: () => text,
    exited,
    waitForOutput(pattern, timeoutMs = 30000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (pattern.test(text)) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern} in:\n${text}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
}

/**
 * Polls `probe` every `pollMs` until it returns true (the database is the source of truth, not the
 * logs); past `timeoutMs` it fails saying what did not happen (`what`).
 */
export async function eventually(
  probe: () => Promise<boolean>,
  timeoutMs = 30000,
  what = 'condition',
  pollMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
