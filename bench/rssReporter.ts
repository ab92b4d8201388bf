/**
 * Preloaded into a benchmarked child process (`node -r dist/bench/rssReporter.js …`): prints the
 * process's peak resident set size and the CPU time it used on exit, so the benchmark measures the real
 * CLI, not an imitation.
 */
process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stderr.write(
    `\nBENCH_MAX_RSS_KB=${usage.maxRSS}\nBENCH_CPU_US=${usage.userCPUTime + usage.systemCPUTime}\n`,
  );
});
