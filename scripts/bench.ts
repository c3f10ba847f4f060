/** `npm run bench [-- name... [--option...]]`: runs scripts/bench-*.ts one after another (all, or those named). */
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

// Names first, then options (from the first --option on) passed to each benchmark run.
const firstOption = process.argv.slice(2).findIndex((a) => a.startsWith('-'));
const wanted = firstOption < 0 ? process.argv.slice(2) : process.argv.slice(2, 2 + firstOption);
const passed = firstOption < 0 ? [] : process.argv.slice(2 + firstOption);
const all = readdirSync(new URL('.', import.meta.url)).filter((f) => /^bench-.+\.ts$/.test(f)).map((f) => f.slice(6, -3)).sort();
const usage = `usage: npm run bench [-- name... [--option...]]\n\nRuns the benchmarks (all, or those named), each printing its figures and ratios against a\nbaseline measured in the same run; options after the names go to each (e.g. scale --scales 1,10). Available: ${all.join(', ')}.`;
if (wanted.length === 0 && (passed.includes('--help') || passed.includes('-h'))) { console.log(usage); process.exit(0); }
// Options go to named benchmarks: with no name they would run every benchmark with an option none knows.
if (wanted.length === 0 && passed.length > 0) { console.error(`options need a benchmark name first: ${passed.join(' ')}\n\n${usage}`); process.exit(2); }
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length) { console.error(`unknown benchmark: ${unknown.join(', ')}\n\n${usage}`); process.exit(2); }
const benches = all.filter((name) => wanted.length === 0 || wanted.includes(name)).map((name) => `bench-${name}.ts`);
let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file} ===`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', `scripts/${file}`, ...passed], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
