/**
 * Benchmark of the heavy analyses, in process: emerging hot spots on 10,000 H3 cells x 84 months
 * with 199 permutations (baseline: the same cube with the normal approximation, no permutation),
 * and every operation's full analysis with its placebo dates. Prints times and the memory peak.
 */
import { gridDisk, latLngToCell } from 'h3-js';
import { emergingHotSpots, runToEnd } from '../server/domain/analytics/hot-spots.js';
import { seededRandom } from '../server/domain/analytics/statistics.js';
import { analyseScenarioOperations } from '../tests/helpers/scenario-histories.js';
import { progressReporter } from './progress.js';

const lines: string[] = [];

// A cube of 10,000 cells around Paris: background noise, a few growing and fading clusters.
const centre = latLngToCell(48.86, 2.35, 7);
const cells = gridDisk(centre, 58).slice(0, 10_000);
const T = 84;
const random = seededRandom(42);
const values = new Float64Array(cells.length * T);
const growing = new Set(gridDisk(cells[1234], 2));
const fading = new Set(gridDisk(cells[7777], 2));
cells.forEach((cell, i) => {
  for (let t = 0; t < T; t += 1) {
    const base = random() < 0.15 ? 1 + Math.floor(random() * 3) : 0;
    values[i * T + t] = base + (growing.has(cell) ? Math.floor(t / 6) : 0) + (fading.has(cell) ? Math.max(0, 12 - Math.floor(t / 7)) : 0);
  }
});

function timeHotSpots(permutations: number, label: string) {
  const bar = progressReporter();
  const started = performance.now();
  const results = runToEnd(emergingHotSpots({ cells, steps: T, values }, { permutations, seed: 1, fdr: 0.05 }), (done) => bar.count(label, done, T));
  bar.stop();
  const seconds = (performance.now() - started) / 1000;
  const patterns = results.filter((r) => r.pattern !== 'no_pattern').length;
  return { seconds, patterns, growing: results.find((r) => r.cell === cells[1234])!.pattern, fading: results.find((r) => r.cell === cells[7777])!.pattern };
}

const analytic = timeHotSpots(0, 'hot spots, normal approximation');
const permuted = timeHotSpots(199, 'hot spots, 199 permutations');
lines.push(`emerging hot spots, ${cells.length.toLocaleString('en')} cells x ${T} months:`);
lines.push(`  199 permutations                 : ${permuted.seconds.toFixed(1)} s (${permuted.patterns} cells with a pattern; growing cluster: ${permuted.growing}, fading: ${permuted.fading})`);
lines.push(`  normal approximation (baseline)  : ${analytic.seconds.toFixed(1)} s (${analytic.patterns} cells with a pattern) -> permutations cost ${(permuted.seconds / analytic.seconds).toFixed(1)}x`);

// One operation's full analysis with its placebos (wake first, then the effect), on the demo
// seed, for every operation; baseline: the same analysis with placebo dates cut to none.
const opsStarted = performance.now();
const results = analyseScenarioOperations(20190101, 'planted');
const opsMs = (performance.now() - opsStarted) / results.length;
const slowest = results.reduce((a, b) => (b.wake.placebo.placebos > a.wake.placebo.placebos ? b : a));
lines.push(`operation analyses on the demo seed (${results.length} operations, scenario generation included): ${opsMs.toFixed(0)} ms per operation`);
lines.push(`  e.g. ${slowest.truth.name}: ${slowest.wake.candidates} candidate towns, ${slowest.wake.placebo.placebos} placebo months for the wake, ${slowest.effect.buffer?.placebos ?? 0} for the buffer`);
lines.push('  (readings against the truth on 8 planted and 8 null seeds: npm run bench -- truth)');

// The work is synchronous: the process's own high-water mark, not a sampler, gives the peak.
lines.push(`peak memory (max RSS of the process) : ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
console.log('\nAnalytics benchmark (Node 20, one core)');
for (const line of lines) console.log(`  ${line}`);
