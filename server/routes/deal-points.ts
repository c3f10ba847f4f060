import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParams, VersionQuery, errorResponses } from '../schemas/common.js';
import { DealPointCreate, DealPointUpdate, DealPointQuery, StatusChange, DealPointFeature, DealPointCollection } from '../schemas/deal-points.js';
import * as dealPoints from '../services/deal-points.js';
import { analysts, preciseReaders } from '../domain/access.js';
import { assertInScope, departmentFilter } from './scope.js';

export async function dealPointRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['deal points'];
  const pool = () => app.db.pool;

  const read = { access: preciseReaders, audit: 'read_precise' as const };
  const write = { access: analysts, audit: 'write' as const };
  // A departmental analyst writes only in its departments: where the point is, and where it goes.
  const assertWritable = async (request: Parameters<typeof assertInScope>[0], id: number | null, location?: { coordinates: number[] }) => {
    if (id !== null) assertInScope(request, (await dealPoints.getDealPoint(pool(), id)).properties.department_code);
    if (location) {
      const department = await dealPoints.departmentAt(pool(), location.coordinates[0], location.coordinates[1]);
      if (department) assertInScope(request, department);
    }
  };

  app.get('/api/deal-points', {
    config: read,
    schema: { tags, summary: 'Deal points as a GeoJSON FeatureCollection, filtered, keyset-paginated', querystring: DealPointQuery, response: { 200: DealPointCollection, ...errorResponses } },
  }, async (request, reply) => {
    reply.type('application/geo+json');
    return dealPoints.listDealPoints(pool(), request.query, departmentFilter(request, request.query.department));
  });

  app.get('/api/deal-points/:id', {
    config: read,
    schema: { tags, summary: 'One deal point with its status history', params: IdParams, querystring: Type.Object({ at: Type.Optional(Type.String({ format: 'date' })) }), response: { 200: DealPointFeature, ...errorResponses } },
  }, async (request, reply) => {
    reply.type('application/geo+json');
    const point = await dealPoints.getDealPoint(pool(), request.params.id, request.query.at);
    assertInScope(request, point.properties.department_code);
    return point;
  });

  app.post('/api/deal-points', {
    config: write,
    schema: { tags, summary: 'Create a deal point (commune and H3 cells are derived from the location)', body: DealPointCreate, response: { 201: DealPointFeature, ...errorResponses } },
  }, async (request, reply) => {
    await assertWritable(request, null, request.body.location);
    reply.status(201).type('application/geo+json');
    return dealPoints.createDealPoint(pool(), request.body);
  });

  app.patch('/api/deal-points/:id', {
    config: write,
    schema: { tags, summary: 'Edit a deal point (optimistic concurrency on version)', params: IdParams, body: DealPointUpdate, response: { 200: DealPointFeature, ...errorResponses } },
  }, async (request) => {
    await assertWritable(request, request.params.id, request.body.location);
    return dealPoints.updateDealPoint(pool(), request.params.id, request.body);
  });

  app.post('/api/deal-points/:id/status-changes', {
    config: write,
    schema: { tags, summary: 'Record a dated status change (dismantled, reopened)', params: IdParams, body: StatusChange, response: { 200: DealPointFeature, ...errorResponses } },
  }, async (request) => {
    await assertWritable(request, request.params.id);
    return dealPoints.changeDealPointStatus(pool(), request.params.id, request.body);
  });

  app.delete('/api/deal-points/:id', {
    config: write,
    schema: { tags, summary: 'Delete a deal point', params: IdParams, querystring: VersionQuery, response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    await assertWritable(request, request.params.id);
    await dealPoints.deleteDealPoint(pool(), request.params.id, request.query.version);
    return reply.status(204).send(null);
  });
}
