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

/** P(X >= k) for X ~ Poisson(lambda). */
export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (lambda <= 0) return 0;
  let term = Math.exp(-lambda);
  let below = term;
  for (let i = 1; i < k; i += 1) {
    term *= lambda / i;
    below += term;
  }
  return Math.max(0, 1 - below);
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
