/** Schemas of the duplicates across sources (bodies and closed answers). */
import { Type } from 'typebox';
import { Closed, OrNull, Timestamp, Id } from './common.js';

const S = Type.String();
export const PointSummary = Closed({
  id: Type.Integer(), source: S, external_id: OrNull(S), sources: Type.Array(S), products: Type.Array(S), longitude: Type.Number(), latitude: Type.Number(),
  commune_insee: S, commune_name: S, department_code: S, verification: S, first_on: OrNull(S), end_on: OrNull(S), status: OrNull(S),
});
export const Proposal = Closed({ a: PointSummary, b: PointSummary, distance_m: Type.Number(), lifetime_overlap: Type.Number({ description: 'Intersection over union of the two lifetimes' }), shared_products: Type.Array(S) });
export const PointRecord = Closed({
  id: Type.Integer(), source: S, external_id: OrNull(S), products: Type.Array(S), verification: S, version: Type.Integer(), longitude: Type.Number(), latitude: Type.Number(),
  commune_insee: S, commune_name: S, department_code: S, created_at: Timestamp,
  identifiers: Type.Array(Closed({ source: S, external_id: S })),
  history: Type.Array(Closed({ status: S, effective_on: S, operation: OrNull(S) })),
  observations: Type.Array(Closed({ observed_on: S, source: S, activity_level: OrNull(Type.Integer()), estimated_daily_transactions: OrNull(Type.Integer()) })),
});
export const Merge = Closed({
  id: Type.Integer(), kept_id: Type.Integer(), absorbed_id: Type.Integer(), department_code: S, distance_m: Type.Number(), merged_at: Timestamp, merged_by: S,
  undone_at: OrNull(Timestamp), absorbed_source: OrNull(S), absorbed_external_id: OrNull(S), undoable: Type.Boolean(),
});

export const ProposalList = Closed({ items: Type.Array(Proposal), parameters: Closed({ distance_m: Type.Number(), min_overlap: Type.Number(), as_of: S }) });
export const Pair = Closed({ a: PointRecord, b: PointRecord, distance_m: Type.Number() });
export const MergeBody = Type.Object({ kept_id: Id, absorbed_id: Id }, { additionalProperties: false });
export const Merged = Closed({ merge_id: Type.Integer(), kept_id: Type.Integer(), absorbed_id: Type.Integer(), identifiers: Type.Integer({ description: 'Identifiers moved to the kept point' }), moved_events: Type.Integer(), moved_observations: Type.Integer() });
export const DistinctBody = Type.Object({ a: Id, b: Id }, { additionalProperties: false });
export const Distinct = Closed({ a: Type.Integer(), b: Type.Integer(), distinct: Type.Literal(true) });
export const MergeList = Closed({ items: Type.Array(Merge) });
export const UndoneMerge = Closed({ merge_id: Type.Integer(), kept_id: Type.Integer(), restored_id: Type.Integer() });
