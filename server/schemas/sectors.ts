/** Request schemas of the prefect's desk (sectors, rankings, prefecture data, action plans). */
import { Type } from 'typebox';
import { Closed, DepartmentCode, OrNull, QueryDate, StringEnum, Timestamp } from './common.js';
import { sectorKinds } from '../domain/ranking/sector-geometry.js';
import { normalisations } from '../domain/ranking/normalise.js';
import { aggregations } from '../domain/ranking/aggregate.js';
import { semesterPattern, followedIndicators } from '../domain/ranking/action-plan.js';

export const SectorKind = StringEnum(sectorKinds, { description: 'commune, arrondissement (Paris, Lyon, Marseille), h3 (resolution-7 cell) or area (drawn or imported by the prefecture)' });
export const SectorCode = Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$', description: 'INSEE code, H3 cell or area code' });
export const IndicatorCode = Type.String({ pattern: '^[a-z0-9_]{1,40}$', description: 'Indicator code (lower case, digits, _)' });
export const Semester = Type.String({ pattern: semesterPattern, description: 'Semester, e.g. 2025-S2' });

export const SectorQuery = Type.Object({ department: DepartmentCode, kind: Type.Optional(SectorKind), at: Type.Optional(QueryDate) }, { additionalProperties: false });

const Weight = Type.Number({ minimum: 0, maximum: 100 });
const Threshold = Type.Union([
  Type.Object({ minimum: Type.Number({ minimum: 0, maximum: 1e9 }) }, { additionalProperties: false }),
  Type.Object({ median: Type.Literal(true) }, { additionalProperties: false }),
]);

export const RankingBody = Type.Object({
  department: DepartmentCode,
  kind: Type.Optional(SectorKind),
  at: Type.Optional(QueryDate),
  normalisation: Type.Optional(StringEnum(normalisations)),
  aggregation: Type.Optional(StringEnum(aggregations)),
  weights: Type.Optional(Type.Object({ 1: Type.Optional(Weight), 2: Type.Optional(Weight), 3: Type.Optional(Weight), 4: Type.Optional(Weight) }, { additionalProperties: false, description: 'Weight of each criterion 1-4 (scaled to sum to 1)' })),
  thresholds: Type.Optional(Type.Record(IndicatorCode, Threshold, { description: 'Conjunctive rule: indicator -> {minimum} or {median: true}; replaces the defaults when given' })),
  min_active_points: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  monte_carlo: Type.Optional(Type.Object({
    draws: Type.Optional(Type.Integer({ minimum: 0, maximum: 5000 })),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295 })),
    weight_spread: Type.Optional(Type.Number({ minimum: 0, maximum: 0.9 })),
    vary_methods: Type.Optional(Type.Boolean()),
  }, { additionalProperties: false })),
  unstable_rank_width: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
}, { additionalProperties: false });

export const SaveRankingBody = Type.Object({ title: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }), parameters: RankingBody }, { additionalProperties: false });

export const ValuesImportQuery = Type.Object({
  department: DepartmentCode, indicator: IndicatorCode,
  criterion: Type.Integer({ minimum: 3, maximum: 4, description: '3: public-order troubles; 4: irregular immigration and communal withdrawal (justification required on each row)' }),
  kind: Type.Optional(SectorKind),
}, { additionalProperties: false });

export const CriterionFourBody = Type.Object({
  department: DepartmentCode, kind: Type.Optional(SectorKind), indicator: Type.Optional(IndicatorCode), code: SectorCode,
  value: Type.Number({ minimum: 0, maximum: 1e9 }),
  source: Type.String({ minLength: 1, maxLength: 300, pattern: '\\S' }),
  observed_on: Type.String({ format: 'event-date' }),
  justification: Type.String({ minLength: 10, maxLength: 2000, pattern: '\\S', description: 'Why this value: the documented observation behind it (at least 10 characters)' }),
}, { additionalProperties: false });

export const AreaCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(Type.Object({
    type: Type.Literal('Feature'),
    geometry: Type.Object({ type: Type.String(), coordinates: Type.Array(Type.Unknown(), { maxItems: 10000 }) }),
    properties: Type.Object({ code: Type.String(), name: Type.Optional(Type.String()), nom: Type.Optional(Type.String()) }),
  }), { minItems: 1, maxItems: 500 }),
}, { description: 'Areas as a GeoJSON FeatureCollection (WGS 84) of Polygons or MultiPolygons with properties code and name' });

const Targets = Type.Object(Object.fromEntries(followedIndicators.map((i) => [i.code, Type.Optional(Type.Number({ minimum: 0, maximum: 1e9 }))])), { additionalProperties: false });
export const PlanBody = Type.Object({
  ranking_id: Type.Integer({ minimum: 1, maximum: 9007199254740991 }),
  title: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
  first_semester: Semester,
  school_radius_m: Type.Optional(Type.Integer({ minimum: 50, maximum: 5000 })),
  sectors: Type.Array(Type.Object({ code: SectorCode, objective: Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S' }), targets: Type.Optional(Targets) }, { additionalProperties: false }), { minItems: 1, maxItems: 100 }),
}, { additionalProperties: false });

export const ReviewQuery = Type.Object({ semester: Semester, radius_m: Type.Optional(Type.Integer({ minimum: 50, maximum: 5000 })) }, { additionalProperties: false });
export const ReviewBody = Type.Object({ semester: Semester, note: Type.Optional(Type.String({ maxLength: 4000 })) }, { additionalProperties: false });

// Answers of the prefecture's data entry.
export const ValuesReport = Closed({ rows: Type.Integer(), inserted: Type.Integer({ description: 'New versions written' }), unchanged: Type.Integer(), indicator: Type.String(), criterion: Type.Integer() });
export const ValueVersion = Closed({
  id: Type.Integer(), indicator_code: Type.String(), criterion: Type.Integer(), sector_kind: Type.String(), sector_code: Type.String(), value: Type.Number(), source: Type.String(),
  observed_on: Type.String(), justification: OrNull(Type.String()), version: Type.Integer(), import_sha256: OrNull(Type.String({ description: 'SHA-256 of the imported file; null when entered by hand' })),
  created_by: OrNull(Type.String()), created_at: Timestamp,
});
export const ImportCounts = Closed({ rows: Type.Integer(), inserted: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer() });
export const SavedAreas = Closed({ items: Type.Array(Closed({ id: Type.Integer(), code: Type.String(), name: Type.String() })) });
export const SectorTrend = Closed({ code: Type.String(), months: Type.Array(Type.String(), { description: 'YYYY-MM, 36 months' }), active: Type.Array(Type.Integer(), { description: 'Active points, one per month' }) });
