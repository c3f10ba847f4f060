/**
 * Emerging hot spot analysis (pure), after Esri's and sfdep's: an H3 space-time cube (cells x
 * months), Getis-Ord Gi* per cell and month with the H3 ring-1 neighbours (the cell included),
 * p-values by conditional permutation (or the normal approximation when permutations = 0),
 * Benjamini-Hochberg per month, a Mann-Kendall trend on each cell's Gi* z-scores, and the 8 hot
 * and 8 cold patterns plus "no pattern".
 */
import { gridDisk } from 'h3-js';
import { benjaminiHochberg, mannKendall, seededRandom, twoSidedP } from './statistics.js';

export const patterns = [
  'new_hot', 'consecutive_hot', 'intensifying_hot', 'persistent_hot', 'diminishing_hot', 'sporadic_hot', 'oscillating_hot', 'historical_hot',
  'new_cold', 'consecutive_cold', 'intensifying_cold', 'persistent_cold', 'diminishing_cold', 'sporadic_cold', 'oscillating_cold', 'historical_cold',
  'no_pattern',
] as const;
export type Pattern = (typeof patterns)[number];

export const patternLabels: Record<Pattern, string> = {
  new_hot: 'Nouveau point chaud', consecutive_hot: 'Point chaud consécutif', intensifying_hot: 'Point chaud en intensification', persistent_hot: 'Point chaud persistant',
  diminishing_hot: 'Point chaud en diminution', sporadic_hot: 'Point chaud sporadique', oscillating_hot: 'Point chaud oscillant', historical_hot: 'Point chaud historique',
  new_cold: 'Nouveau point froid', consecutive_cold: 'Point froid consécutif', intensifying_cold: 'Point froid en intensification', persistent_cold: 'Point froid persistant',
  diminishing_cold: 'Point froid en diminution', sporadic_cold: 'Point froid sporadique', oscillating_cold: 'Point froid oscillant', historical_cold: 'Point froid historique',
  no_pattern: 'Aucune tendance',
};

/**
 * The pattern of one cell from its significant hot and cold months and the trend of its z-scores
 * (definitions of DOMAIN.md; "90%" of the months).
 */
export function classifyPattern(hot: readonly boolean[], cold: readonly boolean[], trend: 'up' | 'down' | 'none'): Pattern {
  const forSign = (on: readonly boolean[], opposite: readonly boolean[], kind: 'hot' | 'cold'): Pattern | null => {
    const n = on.length;
    const last = on[n - 1];
    const count = on.filter(Boolean).length;
    const share = count / n;
    const rising = kind === 'hot' ? 'up' : 'down';
    const falling = kind === 'hot' ? 'down' : 'up';
    if (!last) return share >= 0.9 ? `historical_${kind}` : null;
    if (count === 1) return `new_${kind}`;
    if (share >= 0.9) return trend === rising ? `intensifying_${kind}` : trend === falling ? `diminishing_${kind}` : `persistent_${kind}`;
    if (opposite.some(Boolean)) return `oscillating_${kind}`;
    let run = 0;
    while (run < n && on[n - 1 - run]) run += 1;
    if (run >= 2 && run === count) return `consecutive_${kind}`;
    return `sporadic_${kind}`;
  };
  return forSign(hot, cold, 'hot') ?? forSign(cold, hot, 'cold') ?? 'no_pattern';
}

export interface HotSpotInput { cells: readonly string[]; steps: number; values: Float64Array }
export interface HotSpotOptions { permutations: number; seed: number; fdr: number }
export const defaultHotSpotOptions: HotSpotOptions = { permutations: 199, seed: 20190101, fdr: 0.05 };

export interface CellResult { cell: string; pattern: Pattern; hot_months: number; cold_months: number; trend_z: number; trend_p: number; last_z: number }

/** Ring-1 neighbours (the cell included) among the cube's cells, as indices. */
export function neighbourIndices(cells: readonly string[]): Int32Array[] {
  const index = new Map(cells.map((cell, i) => [cell, i]));
  return cells.map((cell) => Int32Array.from(gridDisk(cell, 1).flatMap((near) => (index.has(near) ? [index.get(near)!] : []))));
}

/**
 * Runs the analysis one month at a time, yielding the number of months done, so a caller can
 * report progress and let other work run between months. Returns one result per cell.
 */
export function* emergingHotSpots(input: HotSpotInput, options: HotSpotOptions = defaultHotSpotOptions): Generator<number, CellResult[]> {
  const n = input.cells.length;
  const T = input.steps;
  const neighbours = neighbourIndices(input.cells);
  const z = new Float64Array(n * T);
  const hot: boolean[][] = Array.from({ length: n }, () => new Array<boolean>(T).fill(false));
  const cold: boolean[][] = Array.from({ length: n }, () => new Array<boolean>(T).fill(false));
  const random = seededRandom(options.seed);
  const column = new Float64Array(n);
  const p = new Float64Array(n);
  for (let t = 0; t < T; t += 1) {
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i += 1) { const v = input.values[i * T + t]; column[i] = v; sum += v; squares += v * v; }
    const mean = sum / n;
    const sd = Math.sqrt(Math.max(0, squares / n - mean * mean));
    for (let i = 0; i < n; i += 1) {
      const near = neighbours[i];
      const w = near.length;
      const denominator = sd * Math.sqrt((n * w - w * w) / (n - 1));
      if (!(denominator > 0)) { z[i * T + t] = 0; p[i] = 1; continue; }
      let local = 0;
      for (let k = 0; k < w; k += 1) local += column[near[k]];
      const gi = (local - mean * w) / denominator;
      z[i * T + t] = gi;
      if (options.permutations <= 0) { p[i] = twoSidedP(gi); continue; }
      // Conditional permutation: the cell keeps its value, its neighbours are drawn from the others.
      let sumSim = 0;
      let squaresSim = 0;
      for (let r = 0; r < options.permutations; r += 1) {
        let drawn = column[i];
        for (let k = 1; k < w; k += 1) {
          let j = Math.floor(random() * (n - 1));
          if (j >= i) j += 1;
          drawn += column[j];
        }
        const simulated = (drawn - mean * w) / denominator;
        sumSim += simulated;
        squaresSim += simulated * simulated;
      }
      const meanSim = sumSim / options.permutations;
      const sdSim = Math.sqrt(Math.max(0, squaresSim / options.permutations - meanSim * meanSim));
      p[i] = sdSim > 0 ? twoSidedP((gi - meanSim) / sdSim) : 1;
    }
    const significant = benjaminiHochberg(p, options.fdr);
    for (let i = 0; i < n; i += 1) {
      if (!significant[i]) continue;
      if (z[i * T + t] > 0) hot[i][t] = true; else if (z[i * T + t] < 0) cold[i][t] = true;
    }
    yield t + 1;
  }
  return input.cells.map((cell, i) => {
    const series = z.subarray(i * T, (i + 1) * T);
    const trend = mannKendall(series);
    return {
      cell, pattern: classifyPattern(hot[i], cold[i], trend.trend),
      hot_months: hot[i].filter(Boolean).length, cold_months: cold[i].filter(Boolean).length,
      trend_z: Math.round(trend.z * 100) / 100, trend_p: Math.round(trend.p * 10000) / 10000, last_z: Math.round(series[T - 1] * 100) / 100,
    };
  });
}

/** Runs the generator to its end (tests, benchmarks). */
export function runToEnd<T>(generator: Generator<number, T>, onProgress: (done: number) => void = () => {}): T {
  let step = generator.next();
  while (!step.done) { onProgress(step.value); step = generator.next(); }
  return step.value;
}
