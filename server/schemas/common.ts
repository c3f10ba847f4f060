import { Type, type Static, type TSchema, type TUnsafe } from 'typebox';
import { datasetCodes, serviceCodes } from '../domain/vocabulary.js';
import { monthPattern } from '../domain/months.js';

/** A string enum rendered as JSON Schema `enum` (clear validation messages listing allowed values). */
export function StringEnum<const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** The date of an event (a status change, an observation, an operation): 2000-01-01 to today + 31 days. */
export const CalendarDate = Type.String({ format: 'event-date', description: 'Date of an event, YYYY-MM-DD, from 2000-01-01 to today + 31 days' });
/** A date to evaluate or filter on, YYYY-MM-DD, 1990-2100. */
export const QueryDate = Type.String({ format: 'date', description: 'Date, YYYY-MM-DD (1990-2100)' });
/** A month, YYYY-MM (1900-2099): the one schema of a month at the API's edge; indices inside. */
export const Month = (description = 'Month') => Type.String({ pattern: monthPattern, description: `${description}, YYYY-MM` });
export const Id = Type.Integer({ minimum: 1, maximum: 9007199254740991, description: 'Record id: digits, no sign, no leading zero' });
export const IdParams = Type.Object({ id: Id });
export const VersionQuery = Type.Object({ version: Type.Integer({ minimum: 1, maximum: 2147483647, description: 'Version read before deleting (optimistic concurrency)' }) }, { additionalProperties: false });

export const Dataset = StringEnum(datasetCodes, { description: 'real data, or the synthetic demo scenario' });
export const ServiceCode = StringEnum(serviceCodes, { description: 'Service that reported the record' });

export const ExternalId = Type.String({ minLength: 1, maxLength: 100, pattern: '^\\S(.*\\S)?$', description: "Identifier in the source service's own system" });

/** `minLon,minLat,maxLon,maxLat` in degrees. */
export const Bbox = Type.String({
  pattern: '^-?\\d+(\\.\\d+)?,-?\\d+(\\.\\d+)?,-?\\d+(\\.\\d+)?,-?\\d+(\\.\\d+)?$',
  description: 'minLon,minLat,maxLon,maxLat (WGS84 degrees)',
  examples: ['5.2,43.2,5.6,43.4'],
});
export const Limit = Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Page size' });
export const After = Type.Integer({ minimum: 0, maximum: 9007199254740991, description: 'Keyset cursor: the `next` value of the previous page' });
export const DepartmentCode = Type.String({ pattern: '^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6])$' });
export const InseeCode = Type.String({ pattern: '^[0-9][0-9AB][0-9]{3}$' });

export const ErrorResponse = Type.Object({
  error: Type.String(),
  message: Type.String(),
  details: Type.Array(Type.Object({ field: Type.String(), reason: Type.String(), line: Type.Optional(Type.Integer()) })),
});
/**
 * The error answers a route may give (the OpenAPI document keeps those that apply to it:
 * plugins/openapi-errors.ts). 429 only where a limit applies: `rateLimitedResponses`, or a
 * route with `config.rateLimit`.
 */
export const errorResponses = {
  400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse, 422: ErrorResponse,
  503: ErrorResponse,
};
/** The error answers of a route that counts attempts itself (sign-in): 429 with Retry-After. */
export const rateLimitedResponses = { ...errorResponses, 429: ErrorResponse };

export const PointGeometry = Type.Object({
  type: Type.Literal('Point'),
  coordinates: Type.Array(Type.Number(), { minItems: 2, maxItems: 3, description: '[longitude, latitude]' }),
}, { additionalProperties: false });

const Position = Type.Array(Type.Number(), { minItems: 2, maxItems: 3 });
const Ring = Type.Array(Position, { minItems: 4, maxItems: 100000 });
export const AreaGeometry = Type.Unsafe<GeoJSON.Polygon | GeoJSON.MultiPolygon>({
  type: 'object',
  required: ['type', 'coordinates'],
  properties: {
    type: { type: 'string', enum: ['Polygon', 'MultiPolygon'] },
    coordinates: { type: 'array', minItems: 1, maxItems: 10000, items: { type: 'array', items: Type.Union([Position, Ring]) } },
  },
  description: 'GeoJSON Polygon or MultiPolygon, WGS84',
});

export function FeatureOf<G extends TSchema, P extends TSchema>(geometry: G, properties: P) {
  return Closed({ type: Type.Literal('Feature'), id: Type.Integer(), geometry, properties });
}
export const PageLink = Type.Object({ href: Type.String(), rel: Type.String(), type: Type.String() }, { additionalProperties: false });

/** Paging links of a keyset-paginated list: self, and next with `after` set to the cursor. */
export function pagingLinks(url: string, host: string | undefined, protocol: string, next: number | null, type = 'application/geo+json', cursor = 'after') {
  const self = new URL(url, `${protocol}://${host ?? 'localhost'}`);
  const links = [{ href: self.href, rel: 'self', type }];
  if (next !== null) {
    const following = new URL(self.href);
    following.searchParams.set(cursor, String(next));
    links.push({ href: following.href, rel: 'next', type });
  }
  return links;
}

export function FeatureCollectionOf<F extends TSchema>(feature: F) {
  return Closed({
    type: Type.Literal('FeatureCollection'),
    features: Type.Array(feature),
    next: Type.Union([Type.Integer(), Type.Null()], { description: 'Cursor for the next page (pass as `after`), null on the last page' }),
    links: Type.Optional(Type.Array(PageLink, { description: 'self and, unless on the last page, next (what GIS clients follow to page)' })),
  });
}

export type IdParamsType = Static<typeof IdParams>;

/** Lists of plain records, keyset-paginated. */
export function ListOf<T extends TSchema>(item: T) {
  return Closed({
    items: Type.Array(item),
    next: Type.Union([Type.Integer(), Type.Null()], { description: 'Cursor for the next page (pass as `after`, or `before` where the list says so), null on the last page' }),
    links: Type.Optional(Type.Array(PageLink, { description: 'self and, unless on the last page, next' })),
  });
}
/**
 * A file answer (CSV, GeoPackage, PDF, vector tile...) in the OpenAPI document: its media types
 * with a binary string schema. Fastify sends the Buffer or text as it is (no JSON serialisation).
 */
export function fileResponse(description: string, ...mediaTypes: string[]) {
  return Type.Unsafe<Uint8Array | string>({ description, content: Object.fromEntries(mediaTypes.map((type) => [type, { schema: { type: 'string', format: 'binary' } }])) });
}

/**
 * A stored JSON document sent as its stored text (the bytes its SHA-256 was computed on, not
 * serialised again): documented with the document's schema.
 */
export function storedJsonResponse(description: string, schema: TSchema) {
  return Type.Unsafe<string>({ description, content: { 'application/json': { schema } } });
}
export const NoContent = Type.Null({ description: 'No content' });

/** A response object with exactly these fields (closed: no undeclared field). */
export function Closed<T extends Record<string, TSchema>>(properties: T, options: Record<string, unknown> = {}) {
  return Type.Object(properties, { additionalProperties: false, ...options });
}
/** `schema` or null. */
export function OrNull<T extends TSchema>(schema: T): TUnsafe<Static<T> | null> {
  const scalar = schema as unknown as Record<string, unknown>;
  // A nullable scalar as a type list (`["integer", "null"]`): the serializer writes it with a typeof
  // test, where an anyOf costs a validation per value (the map's cube has a value per cell and month).
  if (typeof scalar.type === 'string' && ['string', 'number', 'integer', 'boolean'].includes(scalar.type) && !('const' in scalar) && !('enum' in scalar)) {
    return Type.Unsafe<Static<T> | null>({ ...scalar, type: [scalar.type, 'null'] });
  }
  return Type.Unsafe<Static<T> | null>(Type.Union([schema, Type.Null()]));
}
/** A timestamp (ISO 8601 with time zone). */
export const Timestamp = Type.String({ description: 'ISO 8601 timestamp' });

/** A GeoJSON Polygon (closed object: type and coordinates only). */
export const PolygonGeometry = Closed({
  type: Type.Literal('Polygon'),
  coordinates: Type.Array(Type.Array(Type.Array(Type.Number(), { minItems: 2, maxItems: 3 }), { minItems: 4 }), { description: 'Rings of [longitude, latitude], the outer one counter-clockwise' }),
});
/** A GeoJSON LineString (closed object). */
export const LineStringGeometry = Closed({
  type: Type.Literal('LineString'),
  coordinates: Type.Array(Type.Array(Type.Number(), { minItems: 2, maxItems: 3 }), { minItems: 2 }),
});
/** The H3 cell Feature of the aggregates: id and `properties.h3` the cell index, its hexagon as geometry. */
export function CellFeatureOf<T extends Record<string, TSchema>>(properties: T) {
  return Closed({ type: Type.Literal('Feature'), id: Type.String({ description: 'H3 cell index' }), geometry: PolygonGeometry, properties: Closed({ h3: Type.String({ description: 'H3 cell index' }), ...properties }) });
}
/** A count as served to aggregated roles: null when suppressed, with its label ("< 5"). */
export const ServedCount = { count: OrNull(Type.Integer({ description: 'null when suppressed (fewer than 5, deputies)' })), count_label: Type.String({ description: 'The count as text, "< 5" when suppressed' }) };
/** A GeoJSON MultiPolygon (closed object). */
export const MultiPolygonGeometry = Closed({
  type: Type.Literal('MultiPolygon'),
  coordinates: Type.Array(Type.Array(Type.Array(Type.Array(Type.Number(), { minItems: 2, maxItems: 3 }), { minItems: 4 })), { description: 'Polygons of rings of [longitude, latitude]' }),
});
/** An outline as PostGIS computed it: Polygon, MultiPolygon, or a GeometryCollection of them (a union of touching areas). */
export const OutlineGeometry = Type.Union([
  PolygonGeometry, MultiPolygonGeometry,
  Closed({ type: Type.Literal('GeometryCollection'), geometries: Type.Array(Type.Union([PolygonGeometry, MultiPolygonGeometry])) }),
]);
