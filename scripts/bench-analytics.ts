/**
 * Benchmark of the heavy analyses, in process: emerging hot spots on 10,000 H3 cells x 84 months
 * with 199 permutations (baseline: the same cube with the normal approximation, no permutation),
 * and the wake of the operation with the most candidate appearances (999 permutations; baseline:
 * the same wake with 19). Prints times and the memory peak, and how the readings hold on seeds
 * other than the demo's.
 */
import { gridDisk, latLngToCell } from 'h3-js';
import { emergingHotSpots, runToEnd } from '../server/domain/analytics/hot-spots.js';
import { operationWake, defaultWakeOptions } from '../server/domain/analytics/wake.js';
import { operationAreas } from '../server/domain/analytics/displacement.js';
import { seededRandom } from '../server/domain/analytics/statistics.js';
import { analyseScenarioOperations, plantedReading, scenarioHistories } from '../tests/helpers/scenario-histories.js';
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

const { scenario, points, operationIds, centroids } = scenarioHistories(20190101, 'planted');
const wakes = scenario.truth.map((truth) => {
  const id = operationIds.get(truth.operation)!;
  const areas = operationAreas(truth.targetCells, 3);
  const local = new Set([...areas.target, ...areas.buffer]);
  const run = (permutations: number) => {
    const started = performance.now();
    const wake = operationWake(points, id, truth.startedOn, { from: '2019-01-01', to: '2025-12-31' }, { ...defaultWakeOptions, permutations }, centroids, local);
    return { wake, ms: performance.now() - started };
  };
  return { truth, full: run(999), quick: run(19) };
});
const largest = wakes.sort((a, b) => b.full.wake.candidates - a.full.wake.candidates)[0];
lines.push(`wake of the largest operation (${largest.truth.name}: ${largest.full.wake.dismantled} dismantled, ${largest.full.wake.candidates} candidate appearances within 100 km, ${points.length} points):`);
lines.push(`  999 permutations                 : ${largest.full.ms.toFixed(0)} ms (p = ${largest.full.wake.p_value}, ${largest.full.wake.destinations.filter((d) => d.flagged).length} destination towns)`);
lines.push(`  19 permutations (baseline)       : ${largest.quick.ms.toFixed(0)} ms -> ${(largest.full.ms / largest.quick.ms).toFixed(1)}x`);
// Robustness beyond the demo seed (the tests hold the demo seed and three null seeds): readings
// and destination towns on other planted seeds, false displacement on other null seeds.
for (const [seed, variant] of [[5, 'planted'], [12, 'planted'], [13, 'null'], [17, 'null']] as const) {
  const results = analyseScenarioOperations(seed, variant);
  const readAsPlanted = results.filter((r) => r.reading.reading === plantedReading(r.truth.plantedEffect)).length;
  const displaced = results.filter((r) => r.reading.reading === 'deplacement').length;
  const towns = results.filter((r) => r.truth.plantedEffect === 'displacement').map(({ truth, wake }) => {
    const flagged = wake.destinations.filter((d) => d.flagged).map((d) => d.commune);
    const found = truth.destinationTowns.filter((t) => flagged.includes(t.insee)).length;
    return `${truth.name.replace(/^Place nette (XXL )?/, '').split(' (')[0]} recall ${(found / truth.destinationTowns.length).toFixed(2)} precision ${flagged.length ? (found / flagged.length).toFixed(2) : '-'}`;
  });
  lines.push(variant === 'planted'
    ? `planted seed ${seed}: ${readAsPlanted}/9 operations read as planted; destination towns: ${towns.join('; ')}`
    : `null seed ${seed}: ${displaced}/9 operations read as displacement`);
}

// The work is synchronous: the process's own high-water mark, not a sampler, gives the peak.
lines.push(`peak memory (max RSS of the process) : ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
console.log('\nAnalytics benchmark (Node 20, one core)');
for (const line of lines) console.log(`  ${line}`);
