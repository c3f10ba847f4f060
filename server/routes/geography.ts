import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AnyRecord, AreaFeature, DepartmentCode, InseeCode, errorResponses } from '../schemas/common.js';
import { Type as T } from 'typebox';
const Items = T.Object({ items: T.Array(AnyRecord) });
import { NotFoundError } from '../errors.js';
import { normalizeSearchText } from '../domain/text-search.js';

export async function geographyRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['geography'];
  const pool = () => app.db.pool;

  app.get('/api/communes', {
    config: { access: 'public' },
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
    const { rows } = await pool().query(
      `SELECT c.insee, c.name, c.kind, c.department_code, c.population, s.size_class,
              ST_X(c.centroid) AS longitude, ST_Y(c.centroid) AS latitude
       FROM communes c JOIN commune_size_classes s ON s.insee = c.insee
       WHERE ($1::text IS NULL OR c.department_code = $1)
         AND (($2::text IS NULL AND $3::text IS NULL)
              OR c.insee LIKE $2 || '%'
              OR c.search_name LIKE $3 || '%' OR c.search_name LIKE '% ' || $3 || '%')
       ORDER BY (c.insee = $2 OR c.search_name = $3) IS TRUE DESC, (c.search_name LIKE $3 || '%') IS TRUE DESC, c.population DESC, c.insee
       LIMIT $4`,
      [request.query.department ?? null, codePrefix, name, request.query.limit ?? 20],
    );
    return { items: rows };
  });

  app.get('/api/communes/:insee', {
    config: { access: 'public' },
    schema: { tags, summary: 'A commune with its outline, population and size class', params: Type.Object({ insee: InseeCode }), response: { 200: AreaFeature, ...errorResponses } },
  }, async (request, reply) => {
    const { rows } = await pool().query(
      `SELECT c.insee, c.name, c.kind, c.department_code, c.region_code, c.parent_insee, c.population, s.size_class,
              ST_AsGeoJSON(coalesce(c.geom, c.centroid), 5)::json AS geometry
       FROM communes c JOIN commune_size_classes s ON s.insee = c.insee WHERE c.insee = $1`,
      [request.params.insee],
    );
    if (rows.length === 0) throw new NotFoundError('commune', request.params.insee);
    const { geometry, insee, ...properties } = rows[0];
    reply.type('application/geo+json');
    return { type: 'Feature' as const, id: insee, geometry, properties: { insee, ...properties } };
  });

  // Outlines for the base map (about 500 m precision), built once per process.
  let outlines: Promise<Record<string, unknown>> | null = null;
  app.get('/api/departments/outlines', {
    config: { access: 'public' },
    schema: { tags, summary: 'All department outlines, simplified, as a GeoJSON FeatureCollection (the offline base map)', response: { 200: AnyRecord } },
  }, async (_request, reply) => {
    outlines ??= pool().query(
      `SELECT json_build_object('type', 'FeatureCollection', 'features', json_agg(json_build_object(
         'type', 'Feature', 'id', code, 'properties', json_build_object('code', code, 'name', name),
         'geometry', ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, 0.004), 4)::json) ORDER BY code)) AS collection
       FROM departments`,
    ).then((r) => r.rows[0].collection);
    reply.type('application/geo+json').header('cache-control', 'public, max-age=86400');
    return outlines;
  });

  app.get('/api/communes/at', {
    config: { access: 'public' },
    schema: {
      tags, summary: 'The commune at a location (for the report form: which commune the pin is in)',
      querystring: Type.Object({ longitude: Type.Number({ minimum: -180, maximum: 180 }), latitude: Type.Number({ minimum: -90, maximum: 90 }) }, { additionalProperties: false }),
      response: { 200: AnyRecord, ...errorResponses },
    },
  }, async (request) => {
    const { rows } = await pool().query(
      `SELECT c.insee, c.name, c.department_code FROM communes c WHERE c.insee = commune_at(ST_SetSRID(ST_MakePoint($1, $2), 4326))`,
      [request.query.longitude, request.query.latitude],
    );
    if (!rows[0]) throw new NotFoundError('commune at', `${request.query.longitude},${request.query.latitude}`);
    return rows[0];
  });

  app.get('/api/departments', { config: { access: 'public' }, schema: { tags, summary: 'Departments (without outlines)' } }, async () => {
    const { rows } = await pool().query(
      `SELECT d.code, d.name, d.region_code, r.name AS region_name FROM departments d LEFT JOIN regions r ON r.code = d.region_code ORDER BY d.code`,
    );
    return { items: rows };
  });

  app.get('/api/departments/:code', {
    config: { access: 'public' },
    schema: { tags, summary: 'A department with its outline', params: Type.Object({ code: DepartmentCode }), response: { 200: AreaFeature, ...errorResponses } },
  }, async (request, reply) => {
    const { rows } = await pool().query(
      `SELECT code, name, region_code, ST_AsGeoJSON(geom, 5)::json AS geometry FROM departments WHERE code = $1`, [request.params.code],
    );
    if (rows.length === 0) throw new NotFoundError('department', request.params.code);
    const { geometry, ...properties } = rows[0];
    reply.type('application/geo+json');
    return { type: 'Feature' as const, id: properties.code, geometry, properties };
  });

  app.get('/api/size-classes', { config: { access: 'public' }, schema: { tags, summary: 'Commune size classes and their thresholds' } }, async () => {
    const { rows } = await pool().query(`SELECT code, label, min_population, max_population, rank FROM size_classes ORDER BY rank`);
    return { items: rows };
  });

  app.get('/api/services', { config: { access: 'public' }, schema: { tags, summary: 'Services that report deal points' } }, async () => {
    const { rows } = await pool().query(`SELECT code, label FROM services ORDER BY code`);
    return { items: rows };
  });
}
