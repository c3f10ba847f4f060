/**
 * `npm run bench -- truth`: how often the operation readings tell the truth. Runs every operation
 * of 8 planted and 8 null scenario seeds (half of them with the traps: seasonality and a surge
 * before three operations), random null cubes for Gi*, and pseudo-operations on null data for the
 * placebo test's own rejection rate. Prints the table with the targets.
 */
import { analyseScenarioOperations, plantedReading } from '../tests/helpers/scenario-histories.js';
import type { ScenarioTraps } from '../server/domain/scenario/generate.js';
import { progressReporter } from './progress.js';
import { scenarioCommunes, scenarioHistories } from '../tests/helpers/scenario-histories.js';
import { defaultWakeOptions, operationWake } from '../server/domain/analytics/wake.js';
import { addMonths, isActiveOn } from '../server/domain/analytics/history.js';
import { haversineKm, seededRandom } from '../server/domain/analytics/statistics.js';
import { emergingHotSpots, runToEnd, sfdepHotSpotOptions, type HotSpotOptions } from '../server/domain/analytics/hot-spots.js';
import { gridDisk, latLngToCell } from 'h3-js';

const plantedSeeds = [20190101, 5, 12, 7, 99, 31, 42, 2024];
const nullSeeds = [20190101, 3, 11, 13, 17, 23, 57, 77];
const traps: ScenarioTraps = { seasonality: 0.2, surgeBefore: ['SYN-OP-2023-093-02', 'SYN-OP-2024-038-01', 'SYN-OP-2024-031-01'] };
const withTraps = (i: number) => (i % 2 === 1 ? traps : undefined);

const bar = progressReporter();
const started = performance.now();
let done = 0;
const total = plantedSeeds.length + nullSeeds.length;
const planted = plantedSeeds.flatMap((seed, i) => { const r = analyseScenarioOperations(seed, 'planted', withTraps(i)).map((x) => ({ ...x, seed, traps: !!withTraps(i) })); bar.count('scenarios analysed', ++done, total); return r; });
const nulls = nullSeeds.flatMap((seed, i) => { const r = analyseScenarioOperations(seed, 'null', withTraps(i)).map((x) => ({ ...x, seed, traps: !!withTraps(i) })); bar.count('scenarios analysed', ++done, total); return r; });
bar.stop();
const seconds = (performance.now() - started) / 1000;

// The placebo test's own rejection rate: pseudo-operations on null data (the points active within
// 1.5 km of a random active point, at a random date, taken as dismantled), 25 per null seed.
const communes = scenarioCommunes();
const pseudo: number[] = [];
for (const seed of nullSeeds) {
  const { points } = scenarioHistories(seed, 'null');
  const random = seededRandom(seed);
  for (let k = 0; pseudo.length < (nullSeeds.indexOf(seed) + 1) * 25 && k < 500; k += 1) {
    const on = addMonths('2021-06-15', Math.floor(random() * 48));
    const active = points.filter((p) => isActiveOn(p, on));
    const centre = active[Math.floor(random() * active.length)];
    const struck = active.filter((p) => haversineKm(centre.longitude, centre.latitude, p.longitude, p.latitude) <= 1.5);
    if (struck.length < 5) continue;
    const ids = new Set(struck.map((p) => p.id));
    const marked = points.map((p) => (ids.has(p.id) ? { ...p, dismantledBy: [{ operationId: -1, on }] } : p));
    const wake = operationWake(marked, -1, on, { from: '2019-01-01', to: '2025-12-31' }, communes, defaultWakeOptions, new Set());
    if (wake.placebo.p_value !== null) pseudo.push(wake.placebo.p_value);
  }
  bar.count('pseudo-operations', pseudo.length, nullSeeds.length * 25);
}
bar.stop();

const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)} %` : '-');

// Gi* on random cubes (400 cells x 36 months, 5 cubes each): share of months with a flagged cell.
const cubeCells = gridDisk(latLngToCell(45.76, 4.83, 7), 11);
const poisson = (lambda: number) => (random: () => number) => { let k = 0; let q = Math.exp(-lambda); let c = q; const u = random(); while (u > c) { k += 1; q *= lambda / k; c += q; } return k; };
const draws: [string, (random: () => number) => number][] = [['Poisson(0.3)', poisson(0.3)], ['Poisson(3)', poisson(3)], ['Bernoulli(0.1)', (r) => (r() < 0.1 ? 1 : 0)]];
const methods: [string, HotSpotOptions][] = [['exact test, FDR 5 %', { method: 'exact', permutations: 0, seed: 1, fdr: 0.05 }], ['permutation ranks (199), FDR 5 %', { method: 'permutation', permutations: 199, seed: 1, fdr: 0.05 }],
  ['sfdep settings (199, p < 0.01, no FDR)', sfdepHotSpotOptions], ['normal approximation, FDR 5 %', { method: 'normal', permutations: 0, seed: 1, fdr: 0.05 }]];
const cubeRows: [string, string, string][] = [];
for (const [methodName, options] of methods) {
  for (const [drawName, draw] of draws) {
    let months = 0; let flaggedMonths = 0;
    for (let c = 0; c < 5; c += 1) {
      const random = seededRandom(1000 + c);
      const T = 36;
      const values = new Float64Array(cubeCells.length * T);
      for (let i = 0; i < values.length; i += 1) values[i] = draw(random);
      const any = new Array<boolean>(T).fill(false);
      runToEnd(emergingHotSpots({ cells: cubeCells, steps: T, values }, { ...options, seed: 7 + c, onMonth: (t, count) => { if (count > 0) any[t] = true; } }));
      months += T;
      flaggedMonths += any.filter(Boolean).length;
    }
    cubeRows.push([`Gi* ${methodName}, ${drawName}: months with a flagged cell`, `${flaggedMonths}/${months} (${pct(flaggedMonths, months)})`, methodName.startsWith('exact') ? '<= 5 %' : 'reported']);
  }
}
bar.count('random cubes', 1, 1);

const asPlanted = planted.filter((r) => r.reading.reading === plantedReading(r.truth.plantedEffect));
let found = 0; let detectable = 0; let flaggedTotal = 0; let flaggedTrue = 0; let trapFound = 0; let traps_ = 0;
for (const r of planted.filter((x) => x.truth.plantedEffect === 'displacement')) {
  const flagged = new Set(r.wake.destinations.filter((d) => d.flagged).map((d) => d.commune));
  const plantedTowns = new Set(r.truth.destinationTowns.filter((t) => t.planted > 0).map((t) => t.insee));
  for (const t of r.truth.destinationTowns) {
    if (t.trap) { traps_ += 1; if (flagged.has(t.insee)) trapFound += 1; } else if (t.planted >= 3) { detectable += 1; if (flagged.has(t.insee)) found += 1; }
  }
  flaggedTotal += flagged.size;
  flaggedTrue += [...flagged].filter((c) => plantedTowns.has(c)).length;
}
const falseDisplacement = nulls.filter((r) => r.reading.reading === 'deplacement');
const falseDiffusion = nulls.filter((r) => r.reading.reading === 'diffusion');
const falseTowns = nulls.filter((r) => r.wake.destinations.some((d) => d.flagged));
const wrongNull = nulls.filter((r) => r.reading.reading !== plantedReading(r.truth.plantedEffect));
const wrongPlanted = planted.filter((r) => r.reading.reading !== plantedReading(r.truth.plantedEffect));

const rows: [string, string, string][] = [
  ['planted operations read as planted', `${asPlanted.length}/${planted.length} (${pct(asPlanted.length, planted.length)})`, '100 %'],
  ['destination towns recall (planted >= 3 points)', `${found}/${detectable} (${(found / Math.max(1, detectable)).toFixed(3)})`, '>= 0.9'],
  ['destination towns precision (planted towns, traps included)', `${flaggedTrue}/${flaggedTotal} (${(flaggedTrue / Math.max(1, flaggedTotal)).toFixed(3)})`, '>= 0.95'],
  ['trap towns (1-2 points) flagged', `${trapFound}/${traps_}`, 'reported'],
  ['null: false displacement', `${falseDisplacement.length}/${nulls.length} (${pct(falseDisplacement.length, nulls.length)})`, '<= 5 %'],
  ['null: false diffusion', `${falseDiffusion.length}/${nulls.length} (${pct(falseDiffusion.length, nulls.length)})`, '<= 5 %'],
  ['null: operations with a false destination town', `${falseTowns.length}/${nulls.length} (${pct(falseTowns.length, nulls.length)})`, '<= 5 %'],
  ['placebo test on null pseudo-operations: p <= 0.05', `${pseudo.filter((p) => p <= 0.05).length}/${pseudo.length} (${pct(pseudo.filter((p) => p <= 0.05).length, pseudo.length)})`, '5 % +/- 2 %'],
  ['null: any reading other than the truth', `${wrongNull.length}/${nulls.length} (${pct(wrongNull.length, nulls.length)})`, 'reported'],
];
console.log(`\nTruth benchmark: ${planted.length} planted and ${nulls.length} null operations (${plantedSeeds.length} + ${nullSeeds.length} seeds, half with traps), ${seconds.toFixed(1)} s, ${(1000 * seconds / (planted.length + nulls.length)).toFixed(0)} ms per operation with its placebos`);
for (const [what, value, target] of [...rows, ...cubeRows]) console.log(`  ${what.padEnd(62)} ${value.padEnd(24)} target ${target}`);
for (const r of [...wrongPlanted, ...wrongNull]) console.log(`  - seed ${r.seed}${r.traps ? ' (traps)' : ''} ${r.truth.name} [${r.truth.plantedEffect}${r.truth.preSurge ? ', surge' : ''}]: ${r.reading.reading} — ${r.reading.text.slice(0, 160)}`);
