import { Type, type Static } from 'typebox';
import { dealPointStatuses } from '../domain/status-history.js';
import { productCodes } from '../domain/vocabulary.js';
import {
  After, Bbox, CalendarDate, Dataset, DepartmentCode, ExternalId, FeatureCollectionOf, FeatureOf, Id, InseeCode, Limit,
  Closed, PointGeometry, ServiceCode, StringEnum,
} from './common.js';

export const Product = StringEnum(productCodes);
export const Status = StringEnum(dealPointStatuses);

export const StatusEventInput = Type.Object({
  status: Status,
  effective_on: CalendarDate,
  operation_id: Type.Optional(Type.Union([Id, Type.Null()])),
}, { additionalProperties: false });

export const DealPointCreate = Type.Object({
  location: PointGeometry,
  source: ServiceCode,
  external_id: Type.Optional(ExternalId),
  products: Type.Optional(Type.Array(Product, { maxItems: productCodes.length, uniqueItems: true })),
  network_id: Type.Optional(Type.Union([Id, Type.Null()])),
  dataset: Type.Optional(Dataset),
  status_history: Type.Array(StatusEventInput, { minItems: 1, maxItems: 200, description: 'Dated statuses, oldest first; the first is "active"' }),
}, { additionalProperties: false });
export type DealPointCreateInput = Static<typeof DealPointCreate>;

export const DealPointUpdate = Type.Object({
  version: Type.Integer({ minimum: 1, description: 'Version read before editing; a stale version answers 409' }),
  location: Type.Optional(PointGeometry),
  source: Type.Optional(ServiceCode),
  external_id: Type.Optional(Type.Union([ExternalId, Type.Null()])),
  products: Type.Optional(Type.Array(Product, { maxItems: productCodes.length, uniqueItems: true })),
  network_id: Type.Optional(Type.Union([Id, Type.Null()])),
  dataset: Type.Optional(Dataset),
  status_history: Type.Optional(Type.Array(StatusEventInput, { minItems: 1, maxItems: 200 })),
}, { additionalProperties: false });
export type DealPointUpdateInput = Static<typeof DealPointUpdate>;

export const StatusChange = Type.Object({
  version: Type.Integer({ minimum: 1, maximum: 2147483647 }),
  status: Status,
  effective_on: CalendarDate,
  operation_id: Type.Optional(Type.Union([Id, Type.Null()])),
}, { additionalProperties: false });
export type StatusChangeInput = Static<typeof StatusChange>;

export const DealPointQuery = Type.Object({
  bbox: Type.Optional(Bbox),
  commune: Type.Optional(InseeCode),
  department: Type.Optional(DepartmentCode),
  at: Type.Optional(Type.String({ format: 'date', description: 'Evaluate statuses on this date (default: today); points not yet recorded then are left out' })),
  status: Type.Optional(Type.Array(Status, { description: 'Keep points whose status on `at` is one of these' })),
  from: Type.Optional(Type.String({ format: 'date', description: 'Keep points active at some time between from and to' })),
  to: Type.Optional(Type.String({ format: 'date' })),
  source: Type.Optional(ServiceCode),
  dataset: Type.Optional(Dataset),
  network_id: Type.Optional(Id),
  product: Type.Optional(Product),
  min_sources: Type.Optional(Type.Integer({ minimum: 1, maximum: 7, description: 'Keep points confirmed by at least this many independent sources (measure 2)' })),
  limit: Type.Optional(Limit),
  after: Type.Optional(After),
}, { additionalProperties: false });
export type DealPointQueryInput = Static<typeof DealPointQuery>;

export const DealPointProperties = Closed({
  commune_insee: Type.String(),
  commune_name: Type.String(),
  department_code: Type.String(),
  size_class: Type.String(),
  h3_r7: Type.String(), h3_r8: Type.String(), h3_r9: Type.String(),
  products: Type.Array(Type.String()),
  source: Type.String(),
  external_id: Type.Union([Type.String(), Type.Null()]),
  network_id: Type.Union([Type.Integer(), Type.Null()]),
  dataset: Type.String(),
  status: Type.Union([Status, Type.Null()], { description: 'Status on the requested date (today by default)' }),
  status_history: Type.Array(Closed({ status: Type.String(), effective_on: Type.String(), operation_id: Type.Union([Type.Integer(), Type.Null()]) })),
  version: Type.Integer(),
  created_at: Type.String(),
  updated_at: Type.String(),
});
export const DealPointFeature = FeatureOf(PointGeometry, DealPointProperties);
export const DealPointCollection = FeatureCollectionOf(DealPointFeature);
