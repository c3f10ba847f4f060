import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Closed, MultiPolygonGeometry, OrNull, DepartmentCode, InseeCode, PointGeometry, PolygonGeometry, errorResponses } from '../schemas/common.js';
import { Type as T, type Static } from 'typebox';
const Items = Closed({ items: T.Array(Closed({
  insee: T.String(), name: T.String(), kind: T.String({ description: 'COM commune, ARM municipal district (Paris, Lyon, Marseille)' }), department_code: T.String(),
  population: OrNull(T.Integer()), size_class: T.String(), longitude: T.Number(), latitude: T.Number(),
})) });
/** A department outline (coordinates passed through as computed: Polygon or MultiPolygon). */
const OutlineGeometry = T.Unsafe<GeoJSON.Geometry>({
  type: 'object', required: ['type', 'coordinates'], additionalProperties: false,
  properties: { type: { type: 'string', enum: ['Polygon', 'MultiPolygon'] }, coordinates: { type: 'array', description: 'RFC 7946 rings, 4 decimals' } },
});
const Area = OrNull(T.Union([PolygonGeometry, MultiPolygonGeometry], { description: 'RFC 7946 outline, 5 decimals' }));
const CommuneFeature = Closed({
  type: T.Literal('Feature'), id: T.String({ description: 'INSEE code' }),
  geometry: OrNull(T.Union([PolygonGeometry, MultiPolygonGeometry, PointGeometry], { description: 'Outline; its centre (Point) for a commune without one in the reference data (arrondissements, newer communes)' })),
  properties: Closed({
    insee: T.String(), name: T.String(), kind: T.String({ description: 'COM commune, ARM arrondissement...' }), department_code: T.String(), region_code: OrNull(T.String()),
    parent_insee: OrNull(T.String({ description: 'Commune of an arrondissement' })), population: OrNull(T.Integer()), size_class: T.String(),
  }),
});
const CommuneUnion = Closed({
  type: T.Literal('Feature'), id: T.String({ description: 'The INSEE codes joined by +' }), geometry: Area,
  properties: Closed({ communes: T.Array(Closed({ insee: T.String(), name: T.String() })) }),
});
const DepartmentFeature = Closed({
  type: T.Literal('Feature'), id: T.String({ description: 'Department code' }), geometry: Area,
  properties: Closed({ code: T.String(), name: T.String(), region_code: OrNull(T.String()) }),
});
const DepartmentOutlines = Closed({
  type: T.Literal('FeatureCollection'),
  features: T.Array(Closed({ type: T.Literal('Feature'), id: T.String({ description: 'Department code' }), properties: Closed({ code: T.String(), name: T.String() }), geometry: OrNull(OutlineGeometry) })),
});
import { NotFoundError, UnprocessableError } from '../errors.js';
import { normalizeSearchText } from '../domain/text-search.js';
import * as sql from '../queries/geography.js';
import { rfc7946Geometry } from '../domain/rfc7946.js';

export async function geographyRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['geography'];
  // Reference data, the same on the replica: every route here may read from it (DATABASE_READ_URL).
  const pool = (request: FastifyRequest) => app.readPool(request);

  app.get('/api/communes', {
    config: { access: 'public', replica: true },
    schema: {
      tags, summary: 'Search communes by name or INSEE code',
      querystring: Type.Object({
        q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        department: Type.Optional(DepartmentCode),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
      }, { additionalProperties: false }),
      response: { 200: Items, ...errorResponses },
    },
  }, async (request) => {
    const q = request.query.q?.trim() ?? '';
    const codePrefix = /^[0-9][0-9AB][0-9]{0,3}$/i.test(q) ? q.toUpperCase() : null;
    const name = normalizeSearchText(q) || null;
    const { rows } = await pool(request).query(
      sql.searchCommunes,
      [request.query.department ?? null, codePrefix, name, request.query.limit ?? 20],
    );
    return { items: rows };
  });

  app.get('/api/communes/union', {
    config: { access: 'public', replica: true },
    schema: {
      tags, summary: 'The union (PostGIS ST_Union) of the outlines of the communes given by INSEE code, as a MultiPolygon: an operation\'s target area composed from communes',
      querystring: Type.Object({ insee: Type.Array(InseeCode, { minItems: 1, maxItems: 50, description: 'INSEE codes of communes (repeat the parameter)' }) }, { additionalProperties: false }),
      response: { 200: CommuneUnion, ...errorResponses },
    },
  }, async (request, reply) => {
    const codes = [...new Set(request.query.insee)];
    const { rows } = await pool(request).query<{ communes: { insee: string; name: string; kind: string; parent_insee: string | null; has_outline: boolean }[] | null; geometry: GeoJSON.MultiPolygon | null }>(sql.communesUnion, [codes]);
    const found = new Map((rows[0].communes ?? []).map((c) => [c.insee, c]));
    const problems = codes.flatMap((code) => {
      const commune = found.get(code);
      if (!commune) return [{ field: 'insee', reason: `no commune ${code}` }];
      // The reference outlines (IGN 2018) are those of communes; arrondissements have none.
      if (!commune.has_outline) return [{ field: 'insee', reason: commune.kind === 'ARM' ? `${commune.name} (${code}) has no outline in the reference data: choose the commune ${commune.parent_insee}` : `${commune.name} (${code}) has no outline in the reference data (created after 2018)` }];
      return [];
    });
    if (problems.length) throw new UnprocessableError(problems);
    reply.type('application/geo+json');
    return { type: 'Feature' as const, id: codes.join('+'), geometry: rfc7946Geometry(rows[0].geometry!), properties: { communes: codes.map((code) => ({ insee: code, name: found.get(code)!.name })) } };
  });

  app.get('/api/communes/:insee', {
    config: { access: 'public', replica: true },
    schema: { tags, summary: 'A commune with its outline, population and size class', params: Type.Object({ insee: InseeCode }), response: { 200: CommuneFeature, ...errorResponses } },
  }, async (request, reply) => {
    const { rows } = await pool(request).query(
      sql.communeByInsee,
      [request.params.insee],
    );
    if (rows.length === 0) throw new NotFoundError('commune', request.params.insee);
    const { geometry, insee, ...properties } = rows[0];
    reply.type('application/geo+json');
    return { type: 'Feature' as const, id: insee, geometry: rfc7946Geometry(geometry), properties: { insee, ...properties } };
  });

  // Outlines for the base map (about 500 m precision), built once per process.
  let outlines: Promise<Static<typeof DepartmentOutlines>> | null = null;
  app.get('/api/departments/outlines', {
    config: { access: 'public', replica: true },
    schema: { tags, summary: 'All department outlines, simplified, as a GeoJSON FeatureCollection (the offline base map)', response: { 200: DepartmentOutlines, ...errorResponses } },
  }, async (request, reply) => {
    outlines ??= pool(request).query(
      sql.departmentOutlines,
    ).then((r) => {
      const collection = r.rows[0].collection as { features: { geometry: GeoJSON.Geometry | null }[] };
      for (const feature of collection.features) if (feature.geometry) feature.geometry = rfc7946Geometry(feature.geometry);
      return collection as unknown as Static<typeof DepartmentOutlines>;
    }).catch((error) => { outlines = null; throw error; }); // tried again by the next request
    reply.type('application/geo+json').header('cache-control', 'public, max-age=86400');
    return outlines;
  });

  app.get('/api/communes/at', {
    config: { access: 'public', replica: true },
    schema: {
      tags, summary: 'The commune at a location (for the report form: which commune the pin is in)',
      querystring: Type.Object({ longitude: Type.Number({ minimum: -180, maximum: 180 }), latitude: Type.Number({ minimum: -90, maximum: 90 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ insee: Type.String(), name: Type.String(), department_code: Type.String() }, { additionalProperties: false }), ...errorResponses },
    },
  }, async (request) => {
    const { rows } = await pool(request).query(
      sql.communeAt,
      [request.query.longitude, request.query.latitude],
    );
    if (!rows[0]) throw new NotFoundError('commune at', `${request.query.longitude},${request.query.latitude}`);
    return rows[0];
  });

  app.get('/api/departments', { config: { access: 'public', replica: true }, schema: { tags, summary: 'Departments (without outlines)', response: { 200: Type.Object({ items: Type.Array(Type.Object({
    code: Type.String(), name: Type.String(), region_code: Type.Union([Type.String(), Type.Null()]), region_name: Type.Union([Type.String(), Type.Null()]),
  }, { additionalProperties: false })) }, { additionalProperties: false }), ...errorResponses } } }, async (request) => {
    const { rows } = await pool(request).query(
      sql.listDepartments,
    );
    return { items: rows };
  });

  app.get('/api/departments/:code', {
    config: { access: 'public', replica: true },
    schema: { tags, summary: 'A department with its outline', params: Type.Object({ code: DepartmentCode }), response: { 200: DepartmentFeature, ...errorResponses } },
  }, async (request, reply) => {
    const { rows } = await pool(request).query(
      sql.departmentByCode, [request.params.code],
    );
    if (rows.length === 0) throw new NotFoundError('department', request.params.code);
    const { geometry, ...properties } = rows[0];
    reply.type('application/geo+json');
    return { type: 'Feature' as const, id: properties.code, geometry: rfc7946Geometry(geometry), properties };
  });

  app.get('/api/size-classes', { config: { access: 'public', replica: true }, schema: { tags, summary: 'Commune size classes and their thresholds', response: { 200: Type.Object({ items: Type.Array(Type.Object({
    code: Type.String(), label: Type.String(), min_population: Type.Union([Type.Integer(), Type.Null()]), max_population: Type.Union([Type.Integer(), Type.Null()]), rank: Type.Integer(),
  }, { additionalProperties: false })) }, { additionalProperties: false }), ...errorResponses } } }, async (request) => {
    const { rows } = await pool(request).query(sql.listSizeClasses);
    return { items: rows };
  });

  app.get('/api/services', { config: { access: 'public', replica: true }, schema: { tags, summary: 'Services that report deal points', response: { 200: Type.Object({ items: Type.Array(Type.Object({
    code: Type.String(), label: Type.String(),
  }, { additionalProperties: false })) }, { additionalProperties: false }), ...errorResponses } } }, async (request) => {
    const { rows } = await pool(request).query(sql.listServices);
    return { items: rows };
  });
}
