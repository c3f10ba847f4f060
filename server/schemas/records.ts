import { Type, type Static } from 'typebox';
import { operationKindCodes as operationKinds } from '../domain/vocabulary.js';
import {
  After, AreaGeometry, Bbox, CalendarDate, Closed, FeatureCollectionOf, MultiPolygonGeometry, OrNull, PolygonGeometry, Timestamp, QueryDate, Dataset, DepartmentCode, ExternalId, Id, Limit, ServiceCode, StringEnum,
} from './common.js';

// Observations of activity at a deal point.
export const ObservationCreate = Type.Object({
  deal_point_id: Id,
  observed_on: CalendarDate,
  activity_level: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 4, description: '0 none, 1 low, 2 moderate, 3 high, 4 very high' }), Type.Null()])),
  estimated_daily_transactions: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 100000 }), Type.Null()])),
  source: ServiceCode,
}, { additionalProperties: false });
export type ObservationCreateInput = Static<typeof ObservationCreate>;

export const ObservationUpdate = Type.Object({
  version: Type.Integer({ minimum: 1, maximum: 2147483647 }),
  observed_on: Type.Optional(CalendarDate),
  activity_level: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 4 }), Type.Null()])),
  estimated_daily_transactions: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 100000 }), Type.Null()])),
  source: Type.Optional(ServiceCode),
}, { additionalProperties: false });
export type ObservationUpdateInput = Static<typeof ObservationUpdate>;

export const ObservationQuery = Type.Object({
  deal_point_id: Type.Optional(Id),
  from: Type.Optional(QueryDate),
  to: Type.Optional(QueryDate),
  source: Type.Optional(ServiceCode),
  limit: Type.Optional(Limit),
  after: Type.Optional(After),
}, { additionalProperties: false });
export type ObservationQueryInput = Static<typeof ObservationQuery>;

// Operations ("place nette", operations of scale...).
const Count = Type.Union([Type.Integer({ minimum: 0, maximum: 1000000 }), Type.Null()]);
const Amount = Type.Union([Type.Number({ minimum: 0, maximum: 1e12 }), Type.Null()]);
const outcomeFields = {
  arrests: Type.Optional(Count),
  officers_mobilised: Type.Optional(Count),
  cannabis_seized_kg: Type.Optional(Amount),
  cocaine_seized_kg: Type.Optional(Amount),
  cash_seized_eur: Type.Optional(Amount),
  weapons_seized: Type.Optional(Count),
};
export const outcomeColumns = Object.keys(outcomeFields) as (keyof typeof outcomeFields)[];

export const OperationCreate = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  kind: StringEnum(operationKinds),
  started_on: CalendarDate,
  ended_on: Type.Optional(Type.Union([CalendarDate, Type.Null()], { description: 'null while the operation is under way' })),
  target: AreaGeometry,
  ...outcomeFields,
  source: Type.Optional(ServiceCode),
  external_id: Type.Optional(ExternalId),
  dataset: Type.Optional(Dataset),
}, { additionalProperties: false });
export type OperationCreateInput = Static<typeof OperationCreate>;

export const OperationUpdate = Type.Object({
  version: Type.Integer({ minimum: 1, maximum: 2147483647 }),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  kind: Type.Optional(StringEnum(operationKinds)),
  started_on: Type.Optional(CalendarDate),
  ended_on: Type.Optional(Type.Union([CalendarDate, Type.Null()])),
  target: Type.Optional(AreaGeometry),
  ...outcomeFields,
  dataset: Type.Optional(Dataset),
}, { additionalProperties: false });
export type OperationUpdateInput = Static<typeof OperationUpdate>;

export const OperationQuery = Type.Object({
  bbox: Type.Optional(Bbox),
  department: Type.Optional(DepartmentCode),
  kind: Type.Optional(StringEnum(operationKinds)),
  from: Type.Optional(QueryDate),
  to: Type.Optional(QueryDate),
  dataset: Type.Optional(Dataset),
  limit: Type.Optional(Limit),
  after: Type.Optional(After),
}, { additionalProperties: false });
export type OperationQueryInput = Static<typeof OperationQuery>;

// Networks (distribution networks, named by the services; never persons).
export const NetworkCreate = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
  source: Type.Optional(ServiceCode),
  external_id: Type.Optional(ExternalId),
  dataset: Type.Optional(Dataset),
}, { additionalProperties: false });
export type NetworkCreateInput = Static<typeof NetworkCreate>;

export const NetworkUpdate = Type.Object({
  version: Type.Integer({ minimum: 1, maximum: 2147483647 }),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
  dataset: Type.Optional(Dataset),
}, { additionalProperties: false });
export type NetworkUpdateInput = Static<typeof NetworkUpdate>;

export const NetworkQuery = Type.Object({
  dataset: Type.Optional(Dataset),
  limit: Type.Optional(Limit),
  after: Type.Optional(After),
}, { additionalProperties: false });
export type NetworkQueryInput = Static<typeof NetworkQuery>;

// Answers.
export const Observation = Closed({
  id: Type.Integer(), deal_point_id: Type.Integer(), observed_on: Type.String({ description: 'YYYY-MM-DD' }),
  activity_level: OrNull(Type.Integer()), estimated_daily_transactions: OrNull(Type.Integer()), source: Type.String(),
  version: Type.Integer(), created_at: Timestamp, updated_at: Timestamp, department_code: Type.String({ description: 'Department of the deal point' }),
});
export const Network = Closed({
  id: Type.Integer(), name: Type.String(), description: OrNull(Type.String()), source: OrNull(Type.String()), external_id: OrNull(Type.String()),
  dataset: Type.String(), department_code: OrNull(Type.String()), version: Type.Integer(), created_at: Timestamp, updated_at: Timestamp,
  deal_point_count: Type.Integer({ description: 'Its deal points (in your departments for departmental roles)' }),
});

/** An operation as served: a GeoJSON Feature of its target area (RFC 7946), its fields as properties. */
const NullableCount = OrNull(Type.Integer());
const NullableAmount = OrNull(Type.Number());
export const OperationFeature = Closed({
  type: Type.Literal('Feature'), id: Type.Integer(),
  geometry: OrNull(Type.Union([PolygonGeometry, MultiPolygonGeometry], { description: 'Target area, WGS 84' })),
  properties: Closed({
    name: Type.String(), kind: StringEnum(operationKinds), started_on: Type.String(), ended_on: OrNull(Type.String()), department_code: Type.String(),
    arrests: NullableCount, officers_mobilised: NullableCount, cannabis_seized_kg: NullableAmount, cocaine_seized_kg: NullableAmount,
    cash_seized_eur: NullableAmount, weapons_seized: NullableCount,
    source: OrNull(Type.String()), external_id: OrNull(Type.String()), dataset: Type.String(), version: Type.Integer(), created_at: Timestamp, updated_at: Timestamp,
  }),
});
export const OperationCollection = FeatureCollectionOf(OperationFeature);
