/**
 * Ranking of sectors on the four criteria (pure): eligibility and coverage first (a sector lacking
 * a value is listed apart with what it lacks, never imputed), then normalisation of each
 * indicator over the sectors ranked, criterion scores (mean of the criterion's normalised
 * indicators), the composite score, competition ranks, the Monte Carlo intervals, and beside it
 * the conjunctive rule. Every number of the result is rounded to 6 decimals (stable hashes).
 */
import { contributions, aggregate, normaliseWeights, type Aggregation } from './aggregate.js';
import { conjunctiveOutcome, resolveThresholds, type ConjunctiveOutcome } from './conjunctive.js';
import { coverageRule, criteria, eligibilityRule, monteCarloRule, type Criterion, type IndicatorDefinition, type RankingParameters } from './criteria.js';
import { competitionRanks, monteCarloRanks, type CriterionScores } from './monte-carlo.js';
import { normalisations, normalise, type Normalisation } from './normalise.js';

export interface SectorRow { code: string; name: string; values: Record<string, number | null> }
export interface RankingInput { sectors: readonly SectorRow[]; indicators: readonly IndicatorDefinition[] }

export interface RankedSector {
  code: string; name: string; rank: number; score: number;
  criteria: { criterion: Criterion; weight: number; score: number | null; contribution: number }[];
  indicators: { code: string; criterion: Criterion; raw: number | null; normalised: number | null }[];
  monte_carlo: { median: number; p5: number; p95: number; unstable: boolean } | null;
  conjunctive: ConjunctiveOutcome;
}
export interface ExcludedSector { code: string; name: string; reason: 'inactive' | 'missing'; missing: string[]; conjunctive: ConjunctiveOutcome | null }
export interface RankingResult {
  ranked: RankedSector[]; excluded: ExcludedSector[]; qualifying: string[];
  weights: Record<`${Criterion}`, number>; thresholds: Record<string, number | null>; rules: string[];
}

export const round6 = (value: number) => Math.round(value * 1e6) / 1e6;

export function rankSectors(input: RankingInput, parameters: RankingParameters): RankingResult {
  const weights = normaliseWeights(criteria.map((c) => parameters.weights[c] ?? 0));
  const byCriterion = criteria.map((c) => input.indicators.filter((i) => i.criterion === c));
  const indicatorCriteria = Object.fromEntries(input.indicators.map((i) => [i.code, i.criterion])) as Record<string, Criterion>;

  const eligible: SectorRow[] = [];
  const complete: SectorRow[] = [];
  const excluded: ExcludedSector[] = [];
  for (const sector of input.sectors) {
    if ((sector.values.active_points ?? 0) < parameters.min_active_points) { excluded.push({ code: sector.code, name: sector.name, reason: 'inactive', missing: [], conjunctive: null }); continue; }
    eligible.push(sector);
    const missing: string[] = [];
    criteria.forEach((criterion, k) => {
      if (weights[k] === 0) return;
      if (byCriterion[k].length === 0) missing.push(`critere_${criterion}`);
      for (const indicator of byCriterion[k]) if (sector.values[indicator.code] === null || sector.values[indicator.code] === undefined) missing.push(indicator.code);
    });
    if (missing.length) excluded.push({ code: sector.code, name: sector.name, reason: 'missing', missing, conjunctive: null });
    else complete.push(sector);
  }

  // Conjunctive rule over every eligible sector (medians over those with a value).
  const columns = Object.fromEntries(input.indicators.map((i) => [i.code, eligible.map((s) => s.values[i.code] ?? null)]));
  const minimums = resolveThresholds(parameters.thresholds, columns);
  const outcomes = new Map(eligible.map((s) => [s.code, conjunctiveOutcome(s.values, indicatorCriteria, minimums)]));
  for (const entry of excluded) entry.conjunctive = outcomes.get(entry.code) ?? null;

  // Normalised values of each indicator over the complete sectors that have it (both methods, for the Monte Carlo).
  const n = complete.length;
  const normalised = {} as Record<Normalisation, Record<string, (number | null)[]>>;
  for (const method of normalisations) {
    normalised[method] = {};
    for (const indicator of input.indicators) {
      const present = complete.map((s, i) => [i, s.values[indicator.code]] as const).filter((pair): pair is readonly [number, number] => pair[1] !== null && pair[1] !== undefined);
      const column = new Array<number | null>(n).fill(null);
      const values = normalise(present.map(([, v]) => v), method);
      present.forEach(([i], k) => { column[i] = values[k]; });
      normalised[method][indicator.code] = column;
    }
  }
  const criterionScore = (method: Normalisation, k: number, i: number): number | null => {
    if (byCriterion[k].length === 0) return null;
    let sum = 0;
    for (const indicator of byCriterion[k]) {
      const v = normalised[method][indicator.code][i];
      if (v === null) return null;
      sum += v;
    }
    return sum / byCriterion[k].length;
  };
  const scores = {} as CriterionScores;
  for (const method of normalisations) scores[method] = criteria.map((_, k) => Float64Array.from({ length: n }, (_, i) => (weights[k] > 0 ? criterionScore(method, k, i) ?? 0 : 0)));

  const aggregation: Aggregation = parameters.aggregation;
  const composite = Float64Array.from({ length: n }, (_, i) => aggregate(criteria.map((_, k) => scores[parameters.normalisation][k][i]), weights, aggregation));
  // Ranks of the rounded scores, so that the published scores and ranks agree on ties.
  const ranks = competitionRanks(composite.map(round6));
  const intervals = monteCarloRanks(scores, weights, {
    draws: parameters.monte_carlo.draws, seed: parameters.monte_carlo.seed, weightSpread: parameters.monte_carlo.weight_spread,
    varyMethods: parameters.monte_carlo.vary_methods, normalisation: parameters.normalisation, aggregation,
  });

  const ranked: RankedSector[] = complete.map((sector, i) => {
    const own = criteria.map((_, k) => scores[parameters.normalisation][k][i]);
    const parts = contributions(own, weights, aggregation);
    const interval = intervals[i];
    return {
      code: sector.code, name: sector.name, rank: ranks[i], score: round6(composite[i]),
      criteria: criteria.map((criterion, k) => {
        const score = criterionScore(parameters.normalisation, k, i);
        return { criterion, weight: round6(weights[k]), score: score === null ? null : round6(score), contribution: round6(parts[k]) };
      }),
      indicators: input.indicators.map((indicator) => {
        const v = normalised[parameters.normalisation][indicator.code][i];
        return { code: indicator.code, criterion: indicator.criterion, raw: sector.values[indicator.code] ?? null, normalised: v === null ? null : round6(v) };
      }),
      monte_carlo: interval ? { ...interval, unstable: interval.p95 - interval.p5 > parameters.unstable_rank_width } : null,
      conjunctive: outcomes.get(sector.code)!,
    };
  }).sort((a, b) => a.rank - b.rank || (a.code < b.code ? -1 : 1));

  return {
    ranked, excluded,
    qualifying: eligible.filter((s) => outcomes.get(s.code)!.qualifies).map((s) => s.code),
    weights: Object.fromEntries(criteria.map((c, k) => [c, round6(weights[k])])) as Record<`${Criterion}`, number>,
    thresholds: Object.fromEntries(Object.entries(minimums).map(([code, v]) => [code, v === null ? null : round6(v)])),
    rules: [eligibilityRule(parameters.min_active_points), coverageRule, monteCarloRule(parameters.monte_carlo, parameters.unstable_rank_width)],
  };
}

export interface RankChange { code: string; name: string; rank_a: number | null; rank_b: number | null; change: number | null }

/** Sectors of two rankings side by side; change > 0: the sector moved up (a smaller rank) in B. */
export function compareRankings(a: Pick<RankingResult, 'ranked'>, b: Pick<RankingResult, 'ranked'>): RankChange[] {
  const inB = new Map(b.ranked.map((s) => [s.code, s]));
  const rows: RankChange[] = a.ranked.map((s) => {
    const other = inB.get(s.code);
    return { code: s.code, name: s.name, rank_a: s.rank, rank_b: other?.rank ?? null, change: other ? s.rank - other.rank : null };
  });
  const inA = new Set(a.ranked.map((s) => s.code));
  for (const s of b.ranked) if (!inA.has(s.code)) rows.push({ code: s.code, name: s.name, rank_a: null, rank_b: s.rank, change: null });
  return rows;
}
