/**
 * Emerging hot spot analysis (pure), after Esri's and sfdep's: an H3 space-time cube (cells x
 * months), Getis-Ord Gi* per cell and month with the H3 ring-1 neighbours (the cell included; with
 * `timeLag`, the neighbourhood's previous month too, as sfdep does), a Mann-Kendall trend on each
 * cell's Gi* z-scores, and the 8 hot and 8 cold patterns plus "no pattern". The p-value of each
 * cell and month, by `method`:
 * - 'exact' (default, for counts): conditional on the cell's own count, the rest of its
 *   neighbourhood's sum is Poisson with the month's mean of the other cells, upper or lower tail
 *   doubled. A lone high cell among empty neighbours is not a hot spot.
 * - 'permutation': conditional permutation ranks, as PySAL's p_sim: the cell keeps its value, its
 *   neighbours are drawn from the other cells, p = (1 + draws at least as extreme) / (1 + draws),
 *   doubled for two sides.
 * - 'normal': the normal approximation of Gi*, kept for comparison only (it flags random sparse
 *   cubes).
 * Then Benjamini-Hochberg per month at `fdr`, or, with `fdr` null, the raw `threshold` (sfdep's
 * setting: 0.01, permutations, previous month in the neighbourhood).
 */
import { gridDisk } from 'h3-js';
import { benjaminiHochberg, mannKendall, poissonUpperTail, seededRandom, twoSidedP } from './statistics.js';

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
export type HotSpotMethod = 'exact' | 'permutation' | 'normal';
export interface HotSpotOptions { method?: HotSpotMethod; permutations: number; seed: number; fdr: number | null; threshold?: number; timeLag?: boolean; /** Told how many cells are significant each month (benchmarks). */ onMonth?: (month: number, significant: number) => void }
export const defaultHotSpotOptions: HotSpotOptions = { method: 'exact', permutations: 199, seed: 20190101, fdr: 0.05 };
/** sfdep's emerging_hotspot_analysis settings. */
export const sfdepHotSpotOptions: HotSpotOptions = { method: 'permutation', permutations: 199, seed: 20190101, fdr: null, threshold: 0.01, timeLag: true };

export interface CellResult { cell: string; pattern: Pattern; hot_months: number; cold_months: number; trend_z: number; trend_p: number; last_z: number }

/**
 * The analysis's input from monthly counts per cell: the cells and their ring-1 neighbours
 * (zeros), so that Gi* sees the empty places too, in a fixed order.
 */
export function cubeInput(counts: ReadonlyMap<string, { active: readonly number[] }>, steps: number): HotSpotInput {
  const all = new Set(counts.keys());
  for (const cell of counts.keys()) for (const near of gridDisk(cell, 1)) all.add(near);
  const cells = [...all].sort();
  const values = new Float64Array(cells.length * steps);
  cells.forEach((cell, i) => { const c = counts.get(cell); if (c) for (let t = 0; t < steps; t += 1) values[i * steps + t] = c.active[t]; });
  return { cells, steps, values };
}

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
  const method: HotSpotMethod = options.method ?? 'exact';
  const column = new Float64Array(n);
  const previous = new Float64Array(n);
  const p = new Float64Array(n);
  for (let t = 0; t < T; t += 1) {
    const lagged = options.timeLag === true && t > 0;
    let sum = 0;
    let squares = 0;
    let count = 0;
    for (let i = 0; i < n; i += 1) {
      const v = input.values[i * T + t];
      column[i] = v; sum += v; squares += v * v; count += 1;
      if (lagged) { const u = input.values[i * T + t - 1]; previous[i] = u; sum += u; squares += u * u; count += 1; }
    }
    const mean = sum / count;
    const sd = Math.sqrt(Math.max(0, squares / count - mean * mean));
    for (let i = 0; i < n; i += 1) {
      const near = neighbours[i];
      const w = near.length * (lagged ? 2 : 1);
      const N = count;
      const denominator = sd * Math.sqrt((N * w - w * w) / (N - 1));
      if (!(denominator > 0)) { z[i * T + t] = 0; p[i] = 1; continue; }
      let local = 0;
      for (let k = 0; k < near.length; k += 1) { local += column[near[k]]; if (lagged) local += previous[near[k]]; }
      const gi = (local - mean * w) / denominator;
      z[i * T + t] = gi;
      if (method === 'normal') { p[i] = twoSidedP(gi); continue; }
      if (method === 'exact') {
        // The rest of the neighbourhood against the other cells' mean, the cell's own count given.
        const others = (sum - column[i]) / (count - 1);
        const lambda = others * (w - 1);
        const rest = Math.round(local - column[i]);
        const upper = poissonUpperTail(rest, lambda);
        const lower = rest + 1 <= 0 ? 0 : 1 - poissonUpperTail(rest + 1, lambda);
        p[i] = Math.min(1, 2 * Math.min(upper, lower));
        continue;
      }
      // Conditional permutation: the cell keeps its value, its neighbours are drawn from the others.
      let extreme = 0;
      for (let r = 0; r < options.permutations; r += 1) {
        let drawn = column[i];
        for (let k = 1; k < w; k += 1) {
          let j = Math.floor(random() * (n - 1));
          if (j >= i) j += 1;
          drawn += lagged && k >= near.length ? previous[j] : column[j];
        }
        const simulated = (drawn - mean * w) / denominator;
        if (gi >= 0 ? simulated >= gi : simulated <= gi) extreme += 1;
      }
      p[i] = Math.min(1, (2 * (1 + extreme)) / (1 + options.permutations));
    }
    const significant = options.fdr === null ? Array.from(p, (v) => v <= (options.threshold ?? 0.01)) : benjaminiHochberg(p, options.fdr);
    options.onMonth?.(t, significant.filter(Boolean).length);
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
