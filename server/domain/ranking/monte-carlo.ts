/**
 * Uncertainty analysis of a composite ranking (pure), after the OECD/JRC Handbook, section 7:
 * many draws of the weights (each multiplied by a uniform factor in [1 - spread, 1 + spread], then
 * scaled to sum to 1) and, optionally, of the normalisation and aggregation methods; each draw
 * ranks the sectors; each sector gets its median rank and its 5-95 % interval. Seeded: the same
 * inputs and seed give the same intervals.
 */
import { seededRandom } from '../analytics/statistics.js';
import { geometricCeiling, geometricFloor, geometricLog } from './aggregate.js';
import { normalisations, type Normalisation } from './normalise.js';

/** Criterion scores of the sectors ranked, per normalisation method: scores[method][criterion][sector]. */
export type CriterionScores = Record<Normalisation, Float64Array[]>;

export interface MonteCarloOptions {
  draws: number; seed: number; weightSpread: number; varyMethods: boolean;
  normalisation: Normalisation; aggregation: 'arithmetic' | 'geometric';
}
export interface RankInterval { median: number; p5: number; p95: number }

/** Nearest-rank quantile of sorted values: the value at index ceil(q x n) - 1. */
export function nearestRank(sorted: ArrayLike<number>, q: number): number {
  const index = Math.max(0, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.min(index, sorted.length - 1)];
}

/**
 * Competition ranks of scores, highest first: 1 + the number of strictly higher scores (ties
 * share a rank: 1, 2, 2, 4).
 * @example competitionRanks([0.2, 0.9, 0.2]) // [2, 1, 2]
 */
export function competitionRanks(scores: Float64Array, out: Int32Array = new Int32Array(scores.length), sorted: Float64Array = new Float64Array(scores.length)): Int32Array {
  const n = scores.length;
  sorted.set(scores);
  sorted.sort();
  for (let i = 0; i < n; i += 1) {
    // First index holding a value > scores[i]: everything from there up is strictly higher.
    let low = 0;
    let high = n;
    const v = scores[i];
    while (low < high) { const mid = (low + high) >>> 1; if (sorted[mid] <= v) low = mid + 1; else high = mid; }
    out[i] = 1 + (n - low);
  }
  return out;
}

/** Composite scores of every sector for one set of weights and methods. */
export function compositeScores(scores: CriterionScores, weights: readonly number[], normalisation: Normalisation, aggregation: 'arithmetic' | 'geometric', out: Float64Array): Float64Array {
  const columns = scores[normalisation];
  const n = out.length;
  out.fill(0);
  for (let c = 0; c < columns.length; c += 1) {
    const w = weights[c];
    if (!(w > 0)) continue;
    const column = columns[c];
    if (aggregation === 'arithmetic') for (let i = 0; i < n; i += 1) out[i] += w * column[i];
    else for (let i = 0; i < n; i += 1) out[i] += w * geometricLog(column[i]);
  }
  if (aggregation === 'geometric') for (let i = 0; i < n; i += 1) out[i] = (Math.exp(out[i]) - geometricFloor) / (geometricCeiling - geometricFloor);
  return out;
}

/** One draw of weights: each non-zero weight times U(1 - spread, 1 + spread), scaled to sum to 1. */
export function drawWeights(weights: readonly number[], spread: number, random: () => number): number[] {
  const drawn = weights.map((w) => (w > 0 ? w * (1 - spread + 2 * spread * random()) : 0));
  const total = drawn.reduce((sum, w) => sum + w, 0);
  return drawn.map((w) => (total > 0 ? w / total : 0));
}

/**
 * Ranking keys of one draw: the composite score, or for the geometric mean its logarithm (a
 * monotone transform gives the same ranks without an exponential per sector), from the
 * criterion scores or their precomputed logarithms.
 */
function drawKeys(columns: Float64Array[], weights: readonly number[], out: Float64Array): Float64Array {
  const n = out.length;
  out.fill(0);
  for (let c = 0; c < columns.length; c += 1) {
    const w = weights[c];
    if (!(w > 0)) continue;
    const column = columns[c];
    for (let i = 0; i < n; i += 1) out[i] += w * column[i];
  }
  return out;
}

/**
 * Median rank and 5-95 % interval of each sector over the draws. Random numbers per draw, in this
 * order: normalisation, aggregation (only when methods vary), then one per criterion.
 */
export function monteCarloRanks(scores: CriterionScores, weights: readonly number[], options: MonteCarloOptions): RankInterval[] {
  const n = scores[options.normalisation][0]?.length ?? 0;
  if (n === 0 || options.draws <= 0) return [];
  const random = seededRandom(options.seed);
  const draws = options.draws;
  const logs = { min_max: scores.min_max.map((column) => column.map(geometricLog)), rank: scores.rank.map((column) => column.map(geometricLog)) };
  // Ranks per sector and draw, sector-major so that each sector's draws sort in place.
  const ranks = n <= 65535 ? new Uint16Array(n * draws) : new Uint32Array(n * draws);
  const composite = new Float64Array(n);
  const drawRanks = new Int32Array(n);
  const sorted = new Float64Array(n);
  for (let d = 0; d < draws; d += 1) {
    const normalisation = options.varyMethods ? normalisations[random() < 0.5 ? 0 : 1] : options.normalisation;
    const aggregation = options.varyMethods ? (random() < 0.5 ? 'arithmetic' : 'geometric') : options.aggregation;
    const drawn = drawWeights(weights, options.weightSpread, random);
    drawKeys(aggregation === 'arithmetic' ? scores[normalisation] : logs[normalisation], drawn, composite);
    competitionRanks(composite, drawRanks, sorted);
    for (let i = 0; i < n; i += 1) ranks[i * draws + d] = drawRanks[i];
  }
  const intervals: RankInterval[] = new Array(n);
  for (let i = 0; i < n; i += 1) {
    const own = ranks.subarray(i * draws, (i + 1) * draws);
    own.sort();
    intervals[i] = { median: nearestRank(own, 0.5), p5: nearestRank(own, 0.05), p95: nearestRank(own, 0.95) };
  }
  return intervals;
}
