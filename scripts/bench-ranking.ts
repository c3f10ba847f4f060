/**
 * Benchmark of the sector ranking (pure domain, in process): every commune of France (COG 2025,
 * from db/reference) ranked on the four criteria with 1,000 Monte Carlo draws varying weights,
 * normalisation and aggregation. Indicator values are synthetic (seeded, scaled on population;
 * 3 % of communes lack criterion 3 so that the coverage rule works on them too). Prints time and
 * memory, and the cost of the draws against a ranking without Monte Carlo.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { referenceDirectory } from '../server/reference-files.js';
import { computedIndicators, defaultMonteCarlo, prefectureIndicator, type RankingParameters } from '../server/domain/ranking/criteria.js';
import { rankSectors, type SectorRow } from '../server/domain/ranking/rank.js';
import { rankingHash } from '../server/domain/ranking/record.js';
import { seededRandom } from '../server/domain/analytics/statistics.js';

const communes = (parse(gunzipSync(readFileSync(join(referenceDirectory, 'communes.csv.gz'))).toString('utf8'), { columns: true }) as { insee: string; kind: string; name: string; population: string }[])
  .filter((c) => c.kind === 'COM');
const random = seededRandom(2025);
const indicators = [...computedIndicators, prefectureIndicator('troubles_ordre_public', 3), prefectureIndicator('critere_4', 4)];
const sectors: SectorRow[] = communes.map((c) => {
  const population = Number(c.population);
  const active = random() < Math.min(0.9, population / 40000) ? 1 + Math.floor(random() * Math.sqrt(population / 500)) : 0;
  return {
    code: c.insee, name: c.name,
    values: {
      active_points: active, hot_spot_share: active ? random() : 0, mean_lifetime_months: active ? 48 * random() : 0, reopenings: Math.floor(active * random()),
      department_share: active / 300, density_per_km2: active / (1 + 30 * random()), cell_gini: active ? random() : 0,
      troubles_ordre_public: random() < 0.03 ? null : 100 * random(), critere_4: random() * 10,
    },
  };
});

const parameters: RankingParameters = {
  at: '2025-12-31', normalisation: 'min_max', aggregation: 'arithmetic', weights: { 1: 1, 2: 1, 3: 1, 4: 1 },
  thresholds: { active_points: { minimum: 3 }, department_share: { minimum: 0.05 }, troubles_ordre_public: { median: true }, critere_4: { median: true } },
  min_active_points: 0, monte_carlo: { ...defaultMonteCarlo, draws: 1000 }, unstable_rank_width: 5,
};

const heapBefore = process.memoryUsage().heapUsed;
const started = performance.now();
const result = rankSectors({ sectors, indicators }, parameters);
const seconds = (performance.now() - started) / 1000;
const heapAfter = process.memoryUsage().heapUsed;
const hashStarted = performance.now();
const hash = rankingHash({ parameters, data_vintage: {}, result });
const hashMs = performance.now() - hashStarted;
const baselineStarted = performance.now();
rankSectors({ sectors, indicators }, { ...parameters, monte_carlo: { ...parameters.monte_carlo, draws: 0 } });
const baseline = (performance.now() - baselineStarted) / 1000;
const unstable = result.ranked.filter((s) => s.monte_carlo?.unstable).length;

console.log('\nRanking benchmark (Node 20, one core)');
console.log(`  communes: ${sectors.length.toLocaleString('en')} (${result.ranked.length.toLocaleString('en')} ranked, ${result.excluded.length} listed apart for missing data), ${indicators.length} indicators, 4 criteria`);
console.log(`  1,000 Monte Carlo draws (weights +/-25 %, min-max/rank, arithmetic/geometric): ${seconds.toFixed(2)} s`);
console.log(`  without Monte Carlo (baseline)   : ${baseline.toFixed(2)} s -> the draws cost ${(seconds - baseline).toFixed(2)} s (${((seconds - baseline) * 1000 / 1000).toFixed(2)} ms per draw)`);
console.log(`  SHA-256 of the canonical record  : ${hashMs.toFixed(0)} ms (${hash.slice(0, 16)}...)`);
console.log(`  unstable ranks (5-95 % interval wider than 5 ranks): ${unstable.toLocaleString('en')}; qualifying by the conjunctive rule: ${result.qualifying.length.toLocaleString('en')}`);
console.log(`  heap growth during the ranking   : ${Math.round((heapAfter - heapBefore) / 1048576)} MB (the result held)`);
// The work is synchronous: the process's own high-water mark gives the peak.
console.log(`  peak memory (max RSS of the process) : ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
