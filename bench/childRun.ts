import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const RSS_REPORTER = path.resolve(__dirname, 'rssReporter.js');

export interface ChildRun {
  ms: number;
  maxRssKb: number;
  /** User + system CPU time of the child, in milliseconds (NaN if it did not say). */
  cpuMs: number;
  stdout: string;
}

/**
 * Runs a node script (the real CLI, or a floor) as a child with the peak-RSS reporter preloaded, and
 * measures its wall time. A non-zero exit rejects with the child's stderr.
 */
export function runMeasuredChild(script: string, args: string[], cwd: string): Promise<ChildRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', RSS_REPORTER, script, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - started;
      const rss = /BENCH_MAX_RSS_KB=(\d+)/.exec(err);
      const cpu = /BENCH_CPU_US=(\d+)/.exec(err);
      if (code !== 0) reject(new Error(`${path.basename(script)} exited ${code}: ${err.trim()}`));
      else
        resolve({
          ms,
          maxRssKb: rss ? Number(rss[1]) : NaN,
          cpuMs: cpu ? Number(cpu[1]) / 1000 : NaN,
          stdout: out,
        });
    });
  });
}
