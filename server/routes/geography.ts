/** Reference geography: communes, departments, size classes, services (public, from the replica when there is one). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { DepartmentCode, InseeCode, errorResponses } from '../schemas/common.js';
import { CommuneAt, CommuneFeature, CommuneList, CommuneUnion, DepartmentFeature, DepartmentList, DepartmentOutlines, ServiceList, SizeClassList } from '../schemas/geography.js';
import * as geography from '../services/geography.js';

export async function geographyRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['geography'];
  // Reference data, the same on the replica: every route here may read from it (DATABASE_READ_URL).
  const pool = (request: FastifyRequest) => app.readPool(request);
  const config = { access: 'public', replica: true } as const;

  app.get('/api/communes', {
    config: { ...config },
    schema: {
      tags, summary: 'Search communes by name or INSEE code',
      querystring: Type.Object({
        q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        department: Type.Optional(DepartmentCode),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
      }, { additionalProperties: false }),
      response: { 200: CommuneList, ...errorResponses },
    },
  }, async (request) => geography.searchCommunes(pool(request), request.query));

  app.get('/api/communes/union', {
    config: { ...config },
    schema: {
      tags, summary: 'The union (PostGIS ST_Union) of the outlines of the communes given by INSEE code, as a MultiPolygon: an operation\'s target area composed from communes',
      querystring: Type.Object({ insee: Type.Array(InseeCode, { minItems: 1, maxItems: 50, description: 'INSEE codes of communes (repeat the parameter)' }) }, { additionalProperties: false }),
      response: { 200: CommuneUnion, ...errorResponses },
    },
  }, async (request, reply) => {
    const union = await geography.communesUnion(pool(request), request.query.insee);
    reply.type('application/geo+json');
    return union;
  });

  app.get('/api/communes/:insee', {
    config: { ...config },
    schema: { tags, summary: 'A commune with its outline, population and size class', params: Type.Object({ insee: InseeCode }), response: { 200: CommuneFeature, ...errorResponses } },
  }, async (request, reply) => {
    const feature = await geography.commune(pool(request), request.params.insee);
    reply.type('application/geo+json');
    return feature;
  });

  // Outlines for the base map, built once per process (tried again by the next request on failure).
  let outlines: Promise<Static<typeof DepartmentOutlines>> | null = null;
  app.get('/api/departments/outlines', {
    config: { ...config },
    schema: { tags, summary: 'All department outlines, simplified, as a GeoJSON FeatureCollection (the offline base map)', response: { 200: DepartmentOutlines, ...errorResponses } },
  }, async (request, reply) => {
    outlines ??= geography.departmentOutlines(pool(request)).catch((error) => { outlines = null; throw error; });
    reply.type('application/geo+json').header('cache-control', 'public, max-age=86400');
    return outlines;
  });

  app.get('/api/communes/at', {
    config: { ...config },
    schema: {
      tags, summary: 'The commune at a location (for the report form: which commune the pin is in)',
      querystring: Type.Object({ longitude: Type.Number({ minimum: -180, maximum: 180 }), latitude: Type.Number({ minimum: -90, maximum: 90 }) }, { additionalProperties: false }),
      response: { 200: CommuneAt, ...errorResponses },
    },
  }, async (request) => geography.communeAt(pool(request), request.query.longitude, request.query.latitude));

  app.get('/api/departments', {
    config: { ...config }, schema: { tags, summary: 'Departments (without outlines)', response: { 200: DepartmentList, ...errorResponses } },
  }, async (request) => geography.departments(pool(request)));

  app.get('/api/departments/:code', {
    config: { ...config },
    schema: { tags, summary: 'A department with its outline', params: Type.Object({ code: DepartmentCode }), response: { 200: DepartmentFeature, ...errorResponses } },
  }, async (request, reply) => {
    const feature = await geography.department(pool(request), request.params.code);
    reply.type('application/geo+json');
    return feature;
  });

  app.get('/api/size-classes', {
    config: { ...config }, schema: { tags, summary: 'Commune size classes and their thresholds', response: { 200: SizeClassList, ...errorResponses } },
  }, async (request) => geography.sizeClasses(pool(request)));

  app.get('/api/services', {
    config: { ...config }, schema: { tags, summary: 'Services that report deal points', response: { 200: ServiceList, ...errorResponses } },
  }, async (request) => geography.services(pool(request)));
}
