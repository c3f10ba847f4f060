/** Small statistical helpers shared by the analyses (pure). */

/** Standard normal cumulative distribution (Abramowitz-Stegun 7.1.26 on erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

export function twoSidedP(z: number): number {
  return 2 * (1 - normalCdf(Math.abs(z)));
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error < 1e-13). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  const z = x - 1;
  let sum = c[0];
  for (let i = 1; i < 9; i += 1) sum += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * Regularised lower incomplete gamma P(a, x) (series below a + 1, continued fraction above:
 * Numerical Recipes 6.2), so that Poisson tails hold for any lambda without underflow.
 */
export function lowerRegularizedGamma(a: number, x: number): number {
  if (x <= 0) return 0;
  const logPrefix = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10_000; n += 1) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return Math.min(1, sum * Math.exp(logPrefix));
  }
  let b = x + 1 - a;
  let c = 1 / 1e-300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i += 1) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b; if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c; if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.max(0, 1 - Math.exp(logPrefix) * h);
}

/** P(X >= k) for X ~ Poisson(lambda): P(k, lambda), the regularised lower incomplete gamma. */
export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (lambda <= 0) return 0;
  return lowerRegularizedGamma(k, lambda);
}

/**
 * P(X >= k) for X negative binomial with `size` r > 0 and success probability p (mean r(1-p)/p):
 * the predictive count of a Poisson whose rate has a gamma posterior (shape r, and p = b/(b+t) for
 * a rate b and an exposure t). Summed in log space, exact for the counts met here (k < 100,000).
 */
export function negativeBinomialUpperTail(k: number, size: number, p: number): number {
  if (k <= 0) return 1;
  if (p >= 1) return 0;
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  const base = logGamma(size);
  let below = 0;
  for (let i = 0; i < k; i += 1) below += Math.exp(logGamma(size + i) - base - logGamma(i + 1) + size * logP + i * logQ);
  return Math.min(1, Math.max(0, 1 - below));
}

/**
 * Rank p-value of an observation among placebo draws (Monte Carlo rule, North et al. 2002):
 * (1 + placebos at least as extreme) / (1 + placebos), on the side asked.
 */
export function rankPValue(observed: number, placebos: readonly number[], side: 'greater' | 'less'): number {
  const extreme = placebos.filter((x) => (side === 'greater' ? x >= observed - 1e-9 : x <= observed + 1e-9)).length;
  return (1 + extreme) / (1 + placebos.length);
}

/** Pre/post counts of one area. */
export interface PrePost { before: number; after: number }

export interface WddResult {
  local: number; local_se: number; displacement: number; displacement_se: number;
  total: number; total_se: number; z: number; low: number; high: number; p_value: number;
}

/**
 * The Weighted Displacement Difference test of Wheeler & Ratcliffe (2018, Crime Science 7:7),
 * eq. 1-2: WDD = (ΔT - ΔCt) + (ΔD - ΔCd), variance the sum of the eight counts (each a Poisson
 * count); `areaWeights` (control, treated, displacement control, displacement) and `timeWeights`
 * (before, after) turn counts into rates per unit, as in Wheeler's extensions (2021).
 */
export function weightedDisplacementDifference(control: PrePost, treated: PrePost, displacementControl: PrePost = { before: 0, after: 0 },
  displacement: PrePost = { before: 0, after: 0 }, options: { timeWeights?: [number, number]; areaWeights?: [number, number, number, number]; alpha?: number } = {}): WddResult {
  const [wBefore, wAfter] = options.timeWeights ?? [1, 1];
  const [wC, wT, wDC, wD] = options.areaWeights ?? [1, 1, 1, 1];
  const part = (area: PrePost, weight: number) => ({
    change: area.after / (wAfter * weight) - area.before / (wBefore * weight),
    variance: area.after / (wAfter * weight) ** 2 + area.before / (wBefore * weight) ** 2,
  });
  const [c, t, dc, d] = [part(control, wC), part(treated, wT), part(displacementControl, wDC), part(displacement, wD)];
  const local = t.change - c.change;
  const displacementChange = d.change - dc.change;
  const total = local + displacementChange;
  const variance = c.variance + t.variance + dc.variance + d.variance;
  const se = Math.sqrt(variance);
  const z = se > 0 ? total / se : 0;
  const level = normalQuantile(1 - (options.alpha ?? 0.05) / 2);
  return {
    local, local_se: Math.sqrt(c.variance + t.variance), displacement: displacementChange, displacement_se: Math.sqrt(dc.variance + d.variance),
    total, total_se: se, z, low: total - level * se, high: total + level * se, p_value: twoSidedP(z),
  };
}

/** Inverse of the standard normal distribution (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** Benjamini-Hochberg: which p-values are significant at false discovery rate q. */
export function benjaminiHochberg(pValues: ArrayLike<number>, q = 0.05): boolean[] {
  const n = pValues.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => pValues[a] - pValues[b]);
  let cutoff = -1;
  for (let rank = n; rank >= 1; rank -= 1) {
    if (pValues[order[rank - 1]] <= (rank / n) * q) { cutoff = rank; break; }
  }
  const significant = new Array<boolean>(n).fill(false);
  for (let rank = 1; rank <= cutoff; rank += 1) significant[order[rank - 1]] = true;
  return significant;
}

/** Mann-Kendall trend test (with the tie correction): S, its z-score, two-sided p and direction. */
export function mannKendall(series: ArrayLike<number>): { s: number; z: number; p: number; trend: 'up' | 'down' | 'none' } {
  const n = series.length;
  let s = 0;
  for (let i = 0; i < n - 1; i += 1) for (let j = i + 1; j < n; j += 1) s += Math.sign(series[j] - series[i]);
  const ties = new Map<number, number>();
  for (let i = 0; i < n; i += 1) ties.set(series[i], (ties.get(series[i]) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of ties.values()) if (t > 1) tieTerm += t * (t - 1) * (2 * t + 5);
  const variance = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  const z = variance <= 0 ? 0 : s > 0 ? (s - 1) / Math.sqrt(variance) : s < 0 ? (s + 1) / Math.sqrt(variance) : 0;
  const p = twoSidedP(z);
  return { s, z, p, trend: p < 0.05 ? (z > 0 ? 'up' : 'down') : 'none' };
}

/** Deterministic pseudo-random numbers (mulberry32), so analyses are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Great-circle distance in km. */
export function haversineKm(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 6371.0088 * 2 * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * Mean of positions, the same whatever their order (sorted before summing: floating-point sums
 * depend on order, and the database returns rows in no fixed order).
 */
export function meanPosition(positions: readonly (readonly [number, number])[]): [number, number] {
  const sorted = [...positions].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let lon = 0; let lat = 0;
  for (const [x, y] of sorted) { lon += x; lat += y; }
  return [lon / sorted.length, lat / sorted.length];
}
