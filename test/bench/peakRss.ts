/**
 * Preloaded (`node --require out/test/bench/peakRss.js …`) into a process whose memory a benchmark measures: at
 * exit it prints the process's peak resident set size to stderr, as `peak-rss-kb=N`.
 */
import { writeSync } from 'node:fs';

process.on('exit', () => {
  writeSync(2, `peak-rss-kb=${process.resourceUsage().maxRSS}\n`);
});
