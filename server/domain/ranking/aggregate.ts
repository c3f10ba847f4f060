/**
 * Aggregation of criterion scores into a composite score (pure), after the OECD/JRC Handbook,
 * section 6: the weighted arithmetic mean lets criteria compensate each other fully; the weighted
 * geometric mean only partly (a low score on one criterion weighs more).
 */
export const aggregations = ['arithmetic', 'geometric'] as const;
export type Aggregation = (typeof aggregations)[number];

/**
 * The geometric mean is taken on scores rescaled from [0, 1] to [1, 100], so that one zero does
 * not annul a sector's score, then brought back to [0, 1].
 */
export const geometricFloor = 1;
export const geometricCeiling = 100;

/** Weights scaled to sum to 1 (all zero stays all zero). */
export function normaliseWeights(weights: readonly number[]): number[] {
  const total = weights.reduce((sum, w) => sum + w, 0);
  return weights.map((w) => (total > 0 ? w / total : 0));
}

/**
 * Weighted arithmetic mean of scores in [0, 1]; weights must sum to 1.
 * @example arithmeticMean([0.2, 0.8], [0.5, 0.5]) // 0.5
 */
export function arithmeticMean(scores: readonly number[], weights: readonly number[]): number {
  let sum = 0;
  for (let c = 0; c < scores.length; c += 1) sum += weights[c] * scores[c];
  return sum;
}

/** A score in [0, 1] on the geometric scale [1, 100], as its natural logarithm. */
export function geometricLog(score: number): number {
  return Math.log(geometricFloor + (geometricCeiling - geometricFloor) * score);
}

/**
 * Weighted geometric mean on the [1, 100] scale, brought back to [0, 1].
 * @example geometricMean([0, 1], [0.5, 0.5]) // (sqrt(1 * 100) - 1) / 99 = 0.0909...
 */
export function geometricMean(scores: readonly number[], weights: readonly number[]): number {
  let log = 0;
  for (let c = 0; c < scores.length; c += 1) if (weights[c] > 0) log += weights[c] * geometricLog(scores[c]);
  return (Math.exp(log) - geometricFloor) / (geometricCeiling - geometricFloor);
}

export function aggregate(scores: readonly number[], weights: readonly number[], method: Aggregation): number {
  return method === 'arithmetic' ? arithmeticMean(scores, weights) : geometricMean(scores, weights);
}

/**
 * Each criterion's part of the composite score (they sum to the score). Arithmetic: weight x
 * score. Geometric: the score shared in proportion to weight x log of the rescaled score.
 */
export function contributions(scores: readonly number[], weights: readonly number[], method: Aggregation): number[] {
  if (method === 'arithmetic') return scores.map((s, c) => weights[c] * s);
  const composite = geometricMean(scores, weights);
  const logs = scores.map((s, c) => (weights[c] > 0 ? weights[c] * geometricLog(s) : 0));
  const total = logs.reduce((sum, l) => sum + l, 0);
  return logs.map((l) => (total > 0 ? (composite * l) / total : 0));
}
