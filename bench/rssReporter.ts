/**
 * Preloaded into a benchmarked child process (`node -r dist/bench/rssReporter.js …`): prints the
 * process's peak resident set size on exit, so the benchmark measures the real CLI, not an imitation.
 */
process.on('exit', () => {
  process.stderr.write(`\nBENCH_MAX_RSS_KB=${process.resourceUsage().maxRSS}\n`);
});
