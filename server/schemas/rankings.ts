/**
 * Response schemas of the prefect's desk: sectors with their indicators, the criteria, computed
 * and saved rankings and their comparison (closed; maps keyed by indicator or sector code are
 * records of closed values).
 */
import { Type, type TSchema } from 'typebox';
import { Closed, MultiPolygonGeometry, OrNull, PolygonGeometry, StringEnum, Timestamp } from './common.js';
import { sectorKinds } from '../domain/ranking/sector-geometry.js';
import { normalisations } from '../domain/ranking/normalise.js';
import { aggregations } from '../domain/ranking/aggregate.js';
import { followedIndicators } from '../domain/ranking/action-plan.js';

const Str = Type.String();
const Int = Type.Integer();
const Num = Type.Number();
const Kind = StringEnum(sectorKinds);
const Criterion = Type.Integer({ minimum: 1, maximum: 4 });
/** A map keyed by indicator or sector code. */
const ByCode = <T extends TSchema>(value: T, description: string) => Type.Record(Type.String(), value, { description });
const PerCriterion = <T extends TSchema>(value: T, description: string) => Closed({ 1: value, 2: value, 3: value, 4: value }, { description });

export const IndicatorDefinition = Closed({
  code: Str, criterion: Criterion, label: Str, definition: Str, unit: Str, source: StringEnum(['sillage', 'ssmsi', 'prefecture'] as const),
});
const SuppliedValue = Closed({ value: Num, source: Str, observed_on: Str, justification: OrNull(Str), version: Int });
const Supplied = ByCode(ByCode(SuppliedValue, 'By indicator code'), 'Values supplied by the prefecture, in force, by sector code then indicator code');

export const DataVintage = Closed({
  at: Str, department: Str, kind: Kind,
  criterion_3_source: StringEnum(['ssmsi', 'prefecture'] as const),
  ssmsi_years: Type.Optional(ByCode(Str, 'SSMSI indicator code -> year read')),
  prefecture_value_ids: Type.Array(Int, { description: 'Prefecture values read (their versions)' }),
  deal_points: Int, last_status_recorded_at: OrNull(Timestamp),
}, { description: 'What the ranking read: date, department, sources, deal points and the last status change recorded' });

export const Criteria = Closed({
  criteria: Type.Array(Closed({ criterion: Criterion, label: Str, definition: Str })),
  indicators: Type.Array(IndicatorDefinition, { description: 'Indicators Sillage computes' }),
  threshold_notes: Type.Array(Str), coverage_rule: Str,
  followed_indicators: Type.Array(Closed({ code: StringEnum(followedIndicators.map((i) => i.code)), label: Str, target: StringEnum(['at_most', 'at_least'] as const) })),
});

export const Sectors = Closed({
  type: Type.Literal('FeatureCollection'), department: Str, kind: Kind, at: Str,
  indicators: Type.Array(IndicatorDefinition), vintage: DataVintage,
  features: Type.Array(Closed({
    type: Type.Literal('Feature'), id: Type.String({ description: 'Sector code' }),
    geometry: OrNull(Type.Union([PolygonGeometry, MultiPolygonGeometry])),
    properties: Closed({
      code: Str, name: Str, population: OrNull(Int), area_km2: Num,
      values: ByCode(OrNull(Num), 'Raw value of each indicator (null: no value)'),
      supplied: ByCode(SuppliedValue, 'Prefecture values of this sector, by indicator code'),
    }),
  })),
});

const Threshold = Type.Union([Closed({ minimum: Num }), Closed({ median: Type.Literal(true) })]);
export const RankingParameters = Closed({
  at: Str, normalisation: StringEnum(normalisations), aggregation: StringEnum(aggregations),
  weights: PerCriterion(Num, 'Weight of each criterion as asked'),
  thresholds: ByCode(Threshold, 'Conjunctive rule: indicator code -> {minimum} or {median: true}'),
  min_active_points: Int,
  monte_carlo: Closed({ draws: Int, seed: Int, weight_spread: Num, vary_methods: Type.Boolean() }),
  unstable_rank_width: Int,
});

const Outcome = StringEnum(['pass', 'fail', 'missing', 'not_tested'] as const);
const Conjunctive = Closed({ qualifies: Type.Boolean(), criteria: PerCriterion(Outcome, 'Outcome of each criterion') });
export const RankingResult = Closed({
  ranked: Type.Array(Closed({
    code: Str, name: Str, rank: Int, score: Num,
    criteria: Type.Array(Closed({ criterion: Criterion, weight: Num, score: OrNull(Num), contribution: Num })),
    indicators: Type.Array(Closed({ code: Str, criterion: Criterion, raw: OrNull(Num), normalised: OrNull(Num) })),
    monte_carlo: OrNull(Closed({ median: Num, p5: Num, p95: Num, unstable: Type.Boolean() })),
    conjunctive: Conjunctive,
  })),
  excluded: Type.Array(Closed({ code: Str, name: Str, reason: StringEnum(['inactive', 'missing'] as const), missing: Type.Array(Str), conjunctive: OrNull(Conjunctive) })),
  qualifying: Type.Array(Str, { description: 'Codes of the sectors meeting the conjunctive rule' }),
  weights: PerCriterion(Num, 'Weights used (scaled to sum to 1)'),
  thresholds: ByCode(OrNull(Num), 'Minimum of each tested indicator (medians resolved)'),
  rules: Type.Array(Str),
  indicators: Type.Array(IndicatorDefinition), supplied: Supplied,
});

const computed = {
  department: Str, kind: Kind, parameters: RankingParameters, data_vintage: DataVintage, result: RankingResult,
  criteria: Type.Array(Closed({ criterion: Criterion, label: Str, definition: Str, has_data: Type.Boolean() })),
  threshold_notes: Type.Array(Str),
};
export const ComputedRanking = Closed(computed);
export const SavedRankingCreated = Closed({ id: Int, created_at: Timestamp, sha256: Str, title: Str, ...computed });

export const RankingList = Closed({
  items: Type.Array(Closed({ id: Int, department_code: Str, title: Str, sector_kind: Kind, sha256: Str, created_at: Timestamp, created_by: OrNull(Str), ranked: Type.Integer({ description: 'Sectors ranked' }) })),
});
export const SavedRanking = Closed({
  id: Int, department_code: Str, title: Str, sector_kind: Kind, parameters: RankingParameters, data_vintage: DataVintage, result: RankingResult,
  sha256: Str, created_at: Timestamp, created_by: OrNull(Str),
  hash_verified: Type.Boolean({ description: 'Whether the stored content still gives the stored SHA-256' }),
});
const RankingHead = Closed({ id: Int, title: Str, created_at: Timestamp, sha256: Str, parameters: RankingParameters, data_vintage: DataVintage });
export const RankingComparison = Closed({
  a: RankingHead, b: RankingHead,
  sectors: Type.Array(Closed({ code: Str, name: Str, rank_a: OrNull(Int), rank_b: OrNull(Int), change: OrNull(Type.Integer({ description: '> 0: moved up in B' })) })),
  qualifying: Closed({ a: Type.Array(Str), b: Type.Array(Str) }),
});
