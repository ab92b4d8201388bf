import { benchSync } from './syncBench';

/**
 * `npm run bench`: each benchmark measures bxsup and a baseline in the same run, on the same server,
 * and prints the ratio. Not a test: numbers go into README.md ("Benchmarks"). Pick some with
 * `npm run bench -- sync mail`.
 */
type Bench = () => Promise<Record<string, number | string>>;

const BENCHES: Record<string, () => Promise<Bench>> = {
  sync: async () => benchSync,
  escalation: async () => (await import('./escalateBench')).benchEscalation,
  mail: async () => (await import('./mailBench')).benchMail,
  report: async () => (await import('./reportBench')).benchReport,
  metering: async () => (await import('./meteringBench')).benchMetering,
  reconcile: async () => (await import('./reconcileBench')).benchReconcile,
  idle: async () => (await import('./idleBench')).benchIdle,
  latency: async () => (await import('./latencyBench')).benchLatency,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length ? wanted : Object.keys(BENCHES);
  for (const name of names) {
    if (!BENCHES[name]) {
      process.stderr.write(
        `bench: no benchmark named ${name}; choose from ${Object.keys(BENCHES).join(', ')}\n`,
      );
      process.exitCode = 2;
      return;
    }
  }
  for (const name of names) {
    process.stdout.write(`\n== ${name}\n`);
    const started = Date.now();
    const result = await (await BENCHES[name]())();
    const width = Math.max(...Object.keys(result).map((k) => k.length));
    for (const [key, value] of Object.entries(result))
      process.stdout.write(`  ${key.padEnd(width)}  ${value}\n`);
    process.stdout.write(`  (${((Date.now() - started) / 1000).toFixed(0)} s including setup)\n`);
  }
}

main().catch((err: Error) => {
  process.stderr.write(`bench: ${err.message}\n`);
  process.exitCode = 1;
});
