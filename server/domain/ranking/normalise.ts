/**
 * Normalisation of one indicator across the sectors ranked (pure), after the OECD/JRC Handbook on
 * Constructing Composite Indicators (2008), section 5. Every indicator reads "higher is more
 * worrying", so neither method inverts. Both give values in [0, 1] so that they can be swapped in
 * the Monte Carlo analysis.
 */
export const normalisations = ['min_max', 'rank'] as const;
export type Normalisation = (typeof normalisations)[number];

/** Value given to every sector when an indicator is constant (it cannot separate them). */
export const constantIndicatorValue = 0.5;

/**
 * Min-max: (x - min) / (max - min). A constant indicator gives 0.5 to every sector.
 * @example minMax([2, 4, 6]) // [0, 0.5, 1]
 */
export function minMax(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i += 1) { if (values[i] < min) min = values[i]; if (values[i] > max) max = values[i]; }
  const out = new Float64Array(n);
  const range = max - min;
  for (let i = 0; i < n; i += 1) out[i] = range > 0 ? (values[i] - min) / range : constantIndicatorValue;
  return out;
}

/**
 * Rank normalisation: the ascending rank (ties share the mean of their ranks), rescaled to [0, 1]
 * as (rank - 1) / (n - 1). One sector alone, or a constant indicator, gives 0.5.
 * @example rankNormalise([10, 30, 30, 50]) // [0, 0.5, 0.5, 1]
 */
export function rankNormalise(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  if (n === 1) { out[0] = constantIndicatorValue; return out; }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  let start = 0;
  let distinct = 0;
  while (start < n) {
    let end = start;
    while (end + 1 < n && values[order[end + 1]] === values[order[start]]) end += 1;
    const meanRank = (start + end) / 2; // 0-based mean rank of the tie group
    for (let k = start; k <= end; k += 1) out[order[k]] = meanRank / (n - 1);
    distinct += 1;
    start = end + 1;
  }
  if (distinct === 1) out.fill(constantIndicatorValue);
  return out;
}

export function normalise(values: ArrayLike<number>, method: Normalisation): Float64Array {
  return method === 'min_max' ? minMax(values) : rankNormalise(values);
}
