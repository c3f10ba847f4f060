/**
 * `npm run bench -- truth`: how often the operation readings tell the truth. Runs every operation
 * of 8 planted and 8 null scenario seeds used while tuning the methods, and 8 + 8 held-out seeds
 * never looked at while tuning (TRUTH_SEEDS=tuning or heldout runs one set). Every scenario is
 * realistic (districts follow their department's trend and season, removals the season); half of
 * them add the traps (seasonality 0.2, a surge before three operations). Pseudo-operations on the
 * null seeds (25 each) measure the placebo tests' own rejection rate; random null cubes, Gi*.
 * Prints one table per set and for all seeds.
 */
import { analysePseudoOperations, analyseScenarioOperations, plantedReading } from '../tests/helpers/scenario-histories.js';
import type { ScenarioTraps } from '../server/domain/scenario/generate.js';
import { progressReporter } from './progress.js';
import { seededRandom } from '../server/domain/analytics/statistics.js';
import { emergingHotSpots, runToEnd, sfdepHotSpotOptions, type HotSpotOptions } from '../server/domain/analytics/hot-spots.js';
import { gridDisk, latLngToCell } from 'h3-js';

const sets = {
  tuning: { planted: [20190101, 5, 12, 7, 99, 31, 42, 2024], nulls: [20190101, 3, 11, 13, 17, 23, 57, 77] },
  'held-out': { planted: [8, 19, 64, 123, 256, 777, 1312, 4096], nulls: [2, 29, 41, 88, 101, 314, 999, 2718] },
};
const only = process.env.TRUTH_SEEDS;
const chosen = Object.entries(sets).filter(([name]) => !only || name.startsWith(only));
const traps = (i: number): ScenarioTraps => (i % 2 === 1
  ? { followDepartment: true, seasonality: 0.2, surgeBefore: ['SYN-OP-2023-093-02', 'SYN-OP-2024-038-01', 'SYN-OP-2024-031-01'] }
  : { followDepartment: true });
const pseudoPerSeed = Number(process.env.TRUTH_PSEUDO ?? 25);

const bar = progressReporter();
const started = performance.now();
let done = 0;
const total = chosen.reduce((s, [, set]) => s + set.planted.length + 2 * set.nulls.length, 0);
const runs = chosen.map(([name, set]) => {
  const planted = set.planted.flatMap((seed, i) => { const r = analyseScenarioOperations(seed, 'planted', traps(i)).map((x) => ({ ...x, seed, traps: i % 2 === 1 })); bar.count('scenarios analysed', ++done, total); return r; });
  const nulls = set.nulls.flatMap((seed, i) => { const r = analyseScenarioOperations(seed, 'null', traps(i)).map((x) => ({ ...x, seed, traps: i % 2 === 1 })); bar.count('scenarios analysed', ++done, total); return r; });
  const pseudo = set.nulls.flatMap((seed, i) => { const r = analysePseudoOperations(seed, pseudoPerSeed, traps(i)).map((x) => ({ ...x, seed })); bar.count('scenarios analysed', ++done, total); return r; });
  return { name, set, planted, nulls, pseudo };
});
bar.stop();
const seconds = (performance.now() - started) / 1000;
const operations = runs.reduce((s, r) => s + r.planted.length + r.nulls.length + r.pseudo.length, 0);

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

type Run = typeof runs[number];
const merged: Run = { name: 'all seeds', set: { planted: runs.flatMap((r) => r.set.planted), nulls: runs.flatMap((r) => r.set.nulls) }, planted: runs.flatMap((r) => r.planted), nulls: runs.flatMap((r) => r.nulls), pseudo: runs.flatMap((r) => r.pseudo) };
const share = (list: readonly unknown[], n: number) => `${n}/${list.length} (${pct(n, list.length)})`;

function table({ planted, nulls, pseudo }: Run): [string, string, string][] {
  const asPlanted = planted.filter((r) => r.reading.reading === plantedReading(r.truth.plantedEffect));
  let found = 0; let detectable = 0; let flaggedTotal = 0; let flaggedTrue = 0; let trapFound = 0; let trapTowns = 0;
  for (const r of planted.filter((x) => x.truth.plantedEffect === 'displacement')) {
    const flagged = new Set(r.wake.destinations.filter((d) => d.flagged).map((d) => d.commune));
    const plantedTowns = new Set(r.truth.destinationTowns.filter((t) => t.planted > 0).map((t) => t.insee));
    for (const t of r.truth.destinationTowns) {
      if (t.trap) { trapTowns += 1; if (flagged.has(t.insee)) trapFound += 1; } else if (t.planted >= 3) { detectable += 1; if (flagged.has(t.insee)) found += 1; }
    }
    flaggedTotal += flagged.size;
    flaggedTrue += [...flagged].filter((c) => plantedTowns.has(c)).length;
  }
  const byEffect = (effect: string) => { const list = planted.filter((r) => r.truth.plantedEffect === effect); return share(list, list.filter((r) => r.reading.reading === plantedReading(effect)).length); };
  const wakeP = pseudo.map((r) => r.wake.placebo.p_value).filter((p): p is number => p !== null);
  const buffers = pseudo.map((r) => r.effect.buffer).filter((b) => b !== null);
  return [
    ['planted operations read as planted', share(planted, asPlanted.length), '100 %'],
    ['  of which displacement / diffusion / no effect', `${byEffect('displacement')} / ${byEffect('diffusion')} / ${byEffect('no_effect')}`, 'reported'],
    ['destination towns recall (planted >= 3 points)', `${found}/${detectable} (${(found / Math.max(1, detectable)).toFixed(3)})`, '>= 0.9'],
    ['destination towns precision (planted towns, traps included)', `${flaggedTrue}/${flaggedTotal} (${(flaggedTrue / Math.max(1, flaggedTotal)).toFixed(3)})`, '>= 0.95'],
    ['trap towns (1-2 points) flagged', `${trapFound}/${trapTowns}`, 'reported'],
    ['null: false displacement', share(nulls, nulls.filter((r) => r.reading.reading === 'deplacement').length), '<= 5 %'],
    ['null: false diffusion', share(nulls, nulls.filter((r) => r.reading.reading === 'diffusion').length), '<= 5 %'],
    ['null: operations with a false destination town', share(nulls, nulls.filter((r) => r.wake.destinations.some((d) => d.flagged)).length), '<= 5 %'],
    ['null: any reading other than the truth', share(nulls, nulls.filter((r) => r.reading.reading !== plantedReading(r.truth.plantedEffect)).length), 'reported'],
    ['pseudo-operations: false displacement', share(pseudo, pseudo.filter((r) => r.reading === 'deplacement').length), '<= 5 %'],
    ['pseudo-operations: false diffusion', share(pseudo, pseudo.filter((r) => r.reading === 'diffusion').length), '<= 5 %'],
    ['pseudo-operations: with a false destination town', share(pseudo, pseudo.filter((r) => r.wake.destinations.some((d) => d.flagged)).length), '<= 5 %'],
    ['placebo test, buffer (two-sided, 5 %): rejects', share(buffers, buffers.filter((b) => Math.min(b.p_lower, b.p_upper) <= 0.025).length), '5 % +/- 2 %'],
    ['  as the reading uses it (decrease at 5 %, rise at 1.25 %)', share(buffers, buffers.filter((b) => b.significant !== null).length), 'reported'],
    ['  of which ranked among dates / places / both', `${buffers.filter((b) => b.method === 'dates').length} / ${buffers.filter((b) => b.method === 'places').length} / ${buffers.filter((b) => b.method === 'both').length}`, 'reported'],
    ['  placebo dates alone (two-sided, 5 %): rejects', share(buffers.filter((b) => b.dates), buffers.filter((b) => b.dates && Math.min(b.dates.p_lower, b.dates.p_upper) <= 0.025).length), 'reported'],
    ['  placebo districts at the same dates alone (two-sided, 5 %): rejects', share(buffers.filter((b) => b.places), buffers.filter((b) => b.places && Math.min(b.places.p_lower, b.places.p_upper) <= 0.025).length), 'reported'],
    ['placebo test, destination towns (p <= 0.05): rejects', share(wakeP, wakeP.filter((p) => p <= 0.05).length), '5 % +/- 2 %'],
    ['placebo test, destination towns (p <= 0.20): rejects', share(wakeP, wakeP.filter((p) => p <= 0.2).length), 'about 20 %'],
  ];
}

console.log(`\nTruth benchmark: ${merged.planted.length} planted, ${merged.nulls.length} null and ${merged.pseudo.length} pseudo-operations (seeds: ${runs.map((r) => `${r.name} ${r.set.planted.length} + ${r.set.nulls.length}`).join(', ')}; half with traps), ${seconds.toFixed(1)} s, ${(1000 * seconds / operations).toFixed(0)} ms per operation with its placebos (scenario generation included)`);
for (const run of runs.length > 1 ? [...runs, merged] : runs) {
  console.log(`\n ${run.name} (planted seeds ${run.set.planted.join(', ')}; null seeds ${run.set.nulls.join(', ')})`);
  for (const [what, value, target] of table(run)) console.log(`  ${what.padEnd(62)} ${value.padEnd(28)} target ${target}`);
}
console.log('\n random null cubes');
for (const [what, value, target] of cubeRows) console.log(`  ${what.padEnd(62)} ${value.padEnd(28)} target ${target}`);
if (process.env.TRUTH_VERBOSE) {
  for (const run of runs) {
    for (const r of [...run.planted, ...run.nulls].filter((x) => x.reading.reading !== plantedReading(x.truth.plantedEffect))) console.log(`  - ${run.name} seed ${r.seed}${r.traps ? ' (traps)' : ''} ${r.truth.name} [${r.truth.plantedEffect}${r.truth.preSurge ? ', surge' : ''}]: ${r.reading.reading} — ${r.reading.text.slice(0, 140)}`);
    for (const r of run.pseudo.filter((x) => x.reading === 'deplacement' || x.reading === 'diffusion')) console.log(`  - ${run.name} pseudo seed ${r.seed} ${r.department} ${r.on} (${r.struck} points): ${r.reading} — ${r.text.slice(0, 140)}`);
  }
}
