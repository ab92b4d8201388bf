import { ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Readable, Writable } from 'node:stream';

/**
 * Resolves once the page has settled after its load event: web fonts loaded, two frames painted (the
 * first after any layout the load handlers queued, the second after that layout) and then a task turn,
 * so script work and console output the page deferred with a timer or a frame callback have run before
 * the test reads exceptions, log entries or a value. A condition, not a guessed sleep.
 */
const SETTLED = `document.fonts.ready
  .then(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))
  .then(() => new Promise((r) => setTimeout(r, 0)))
  .then(() => true)`;

/**
 * Opens a local HTML file in real headless Chromium and reports what a person opening it would meet:
 * console messages, uncaught exceptions, browser log errors (a Content-Security-Policy violation, a
 * blocked request) and the result of an expression evaluated in the page (sizes of rendered elements).
 *
 * It speaks the DevTools protocol over --remote-debugging-pipe (fd 3 in, fd 4 out, NUL-separated JSON):
 * no WebSocket client needed, no port opened. A missing Chromium is a failure that says how to get
 * one, never a skip.
 */
export const CHROMIUM =
  process.env.BXSUP_CHROMIUM ?? findOnPath(['chromium', 'chromium-browser']) ?? '/usr/bin/chromium';

function findOnPath(names: string[]): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of names) {
      try {
        accessSync(path.join(dir, name), constants.X_OK);
        return path.join(dir, name);
      } catch {
        // not here
      }
    }
  }
  return null;
}

export interface PageInspection<T> {
  console: Array<{ type: string; text: string }>;
  exceptions: string[];
  logErrors: string[];
  value: T;
  screenshotPng: Buffer | null;
}

export function assertChromium(): void {
  try {
    accessSync(CHROMIUM, constants.X_OK);
  } catch {
    throw new Error(
      `headless Chromium not found at ${CHROMIUM}: install it (apt-get update && apt-get install -y chromium; .ci/run does) or set BXSUP_CHROMIUM to its path`,
    );
  }
}

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

export async function inspectInChromium<T>(
  file: string,
  expression: string,
  options: {
    screenshot?: boolean;
    /** only the box of the first element matching this selector (a margin of 16 px around it) */
    screenshotOf?: string;
    timeoutMs?: number;
  } = {},
): Promise<PageInspection<T>> {
  assertChromium();
  const profile = mkdtempSync(path.join(os.tmpdir(), 'bxsup-chromium-'));
  const child: ChildProcess = spawn(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--no-default-browser-check',
      `--user-data-dir=${profile}`,
      '--remote-debugging-pipe',
      '--window-size=1280,2000',
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  const pending = new Map<number, { resolve: (m: Message) => void; reject: (e: Error) => void }>();
  const listeners: Array<(m: Message) => void> = [];
  let buffer = '';
  fromBrowser.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let end: number;
    while ((end = buffer.indexOf('\0')) >= 0) {
      const message = JSON.parse(buffer.slice(0, end)) as Message;
      buffer = buffer.slice(end + 1);
      if (message.id !== undefined && pending.has(message.id)) {
        const p = pending.get(message.id)!;
        pending.delete(message.id);
        if (message.error) p.reject(new Error(message.error.message));
        else p.resolve(message);
      } else {
        for (const l of listeners) l(message);
      }
    }
  });
  let nextId = 1;
  const send = (method: string, params: object = {}, sessionId?: string): Promise<Message> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });

  const result: PageInspection<T> = {
    console: [],
    exceptions: [],
    logErrors: [],
    value: undefined as T,
    screenshotPng: null,
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `Chromium did not load ${file} within ${options.timeoutMs ?? 30000} ms: ${stderr.slice(-500)}`,
          ),
        ),
      options.timeoutMs ?? 30000,
    );
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`Chromium exited early (${code}): ${stderr.slice(-500)}`))),
  );
  try {
    const run = async (): Promise<void> => {
      const { result: created } = await send('Target.createTarget', { url: 'about:blank' });
      const { result: attached } = await send('Target.attachToTarget', {
        targetId: created!.targetId,
        flatten: true,
      });
      const session = attached!.sessionId as string;
      listeners.push((m) => {
        if (m.sessionId !== session || !m.params) return;
        if (m.method === 'Runtime.consoleAPICalled') {
          const args = (m.params.args as Array<{ value?: unknown; description?: string }>) ?? [];
          result.console.push({
            type: String(m.params.type),
            text: args.map((a) => String(a.value ?? a.description)).join(' '),
          });
        } else if (m.method === 'Runtime.exceptionThrown') {
          const d = m.params.exceptionDetails as { text: string; exception?: { description?: string } };
          result.exceptions.push(`${d.text} ${d.exception?.description ?? ''}`.trim());
        } else if (m.method === 'Log.entryAdded') {
          const entry = m.params.entry as { level: string; text: string; source: string };
          if (entry.level === 'error' || entry.level === 'warning')
            result.logErrors.push(`${entry.source}: ${entry.text}`);
        }
      });
      await send('Runtime.enable', {}, session);
      await send('Log.enable', {}, session);
      await send('Page.enable', {}, session);
      const loaded = new Promise<void>((resolve) =>
        listeners.push((m) => m.sessionId === session && m.method === 'Page.loadEventFired' && resolve()),
      );
      await send('Page.navigate', { url: pathToFileURL(file).href }, session);
      await loaded;
      await send('Runtime.evaluate', { expression: SETTLED, awaitPromise: true }, session);
      const { result: evaluated } = await send(
        'Runtime.evaluate',
        { expression, returnByValue: true, awaitPromise: true },
        session,
      );
      const remote = evaluated as { result: { value: T }; exceptionDetails?: { text: string } };
      if (remote.exceptionDetails) throw new Error(`evaluation failed: ${remote.exceptionDetails.text}`);
      result.value = remote.result.value;
      if (options.screenshot) {
        let clip: object | undefined;
        if (options.screenshotOf) {
          const { result: box } = await send(
            'Runtime.evaluate',
            {
              expression: `(() => { const r = document.querySelector(${JSON.stringify(options.screenshotOf)}).getBoundingClientRect(); return { x: Math.max(0, r.x - 16), y: Math.max(0, r.y - 16), width: r.width + 32, height: r.height + 32, scale: 1 }; })()`,
              returnByValue: true,
            },
            session,
          );
          clip = (box as { result: { value: object } }).result.value;
        }
        const { result: shot } = await send(
          'Page.captureScreenshot',
          { format: 'png', captureBeyondViewport: true, ...(clip ? { clip } : {}) },
          session,
        );
        result.screenshotPng = Buffer.from(shot!.data as string, 'base64');
      }
    };
    await Promise.race([run(), timeout, exited]);
    return result;
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      void send('Browser.close').catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([gone, new Promise((r) => (timer = setTimeout(r, 3000)))]);
      clearTimeout(timer);
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        await gone;
      }
    }
    rmSync(profile, { recursive: true, force: true });
  }
}
