import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UnprocessableError } from '../errors.js';
import { networkReadable } from '../services/networks.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParams, VersionQuery, errorResponses } from '../schemas/common.js';
import { pageLinks } from './origin.js';
import { DealPointCreate, DealPointUpdate, DealPointQuery, StatusChange, DealPointFeature, DealPointCollection } from '../schemas/deal-points.js';
import * as dealPoints from '../services/deal-points.js';
import { analysts, preciseReaders } from '../domain/access.js';
import { assertInScope, assertRecordInScope, departmentFilter, workScope } from './scope.js';

export async function dealPointRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['deal points'];
  const pool = () => app.db.pool;

  const read = { access: preciseReaders, audit: 'read_precise' as const };
  const write = { access: analysts, audit: 'write' as const };
  // A departmental analyst writes only in its departments: where the point is, and where it goes.
  const assertWritable = async (request: Parameters<typeof assertInScope>[0], id: number | null, location?: { coordinates: number[] }) => {
    if (id !== null) assertRecordInScope(request, (await dealPoints.getDealPoint(pool(), id)).properties.department_code, 'deal point', id);
    if (location) {
      const department = await dealPoints.departmentAt(pool(), location.coordinates[0], location.coordinates[1]);
      if (department) assertInScope(request, department);
    }
  };

  /** Operations and networks a write refers to: one of another department is as unknown as a missing one. */
  const assertReferences = async (request: FastifyRequest, body: { status_history?: { operation_id?: number | null }[]; operation_id?: number | null; network_id?: number | null }) => {
    const scope = workScope(request);
    if (!scope) return;
    const operationIds = [...(body.status_history ?? []).map((e) => e.operation_id), body.operation_id].filter((id): id is number => typeof id === 'number');
    if (operationIds.length) {
      const known = await dealPoints.operationsInScope(pool(), operationIds, scope);
      const unknown = operationIds.find((id) => !known.has(id));
      if (unknown !== undefined) throw new UnprocessableError([{ field: body.operation_id === unknown ? 'body.operation_id' : 'body.status_history.operation_id', reason: 'unknown operation' }], undefined, 'unknown_reference');
    }
    if (typeof body.network_id === 'number' && !(await networkReadable(pool(), body.network_id, scope))) {
      throw new UnprocessableError([{ field: 'body.network_id', reason: 'unknown network' }], undefined, 'unknown_reference');
    }
  };

  app.get('/api/deal-points', {
    config: read,
    schema: { tags, summary: 'Deal points as a GeoJSON FeatureCollection, filtered, keyset-paginated', querystring: DealPointQuery, response: { 200: DealPointCollection, ...errorResponses } },
  }, async (request, reply) => {
    reply.type('application/geo+json');
    const page = await dealPoints.listDealPoints(pool(), request.query, departmentFilter(request, request.query.department));
    return { ...page, links: pageLinks(request, page.next, 'application/geo+json') };
  });

  app.get('/api/deal-points/:id', {
    config: read,
    schema: { tags, summary: 'One deal point with its status history', params: IdParams, querystring: Type.Object({ at: Type.Optional(Type.String({ format: 'date' })) }, { additionalProperties: false }), response: { 200: DealPointFeature, ...errorResponses } },
  }, async (request, reply) => {
    reply.type('application/geo+json');
    const point = await dealPoints.getDealPoint(pool(), request.params.id, request.query.at);
    assertRecordInScope(request, point.properties.department_code, 'deal point', request.params.id);
    return point;
  });

  app.post('/api/deal-points', {
    config: write,
    schema: { tags, summary: 'Create a deal point (commune and H3 cells are derived from the location)', body: DealPointCreate, response: { 201: DealPointFeature, ...errorResponses } },
  }, async (request, reply) => {
    await assertWritable(request, null, request.body.location);
    await assertReferences(request, request.body);
    reply.status(201).type('application/geo+json');
    return dealPoints.createDealPoint(pool(), request.body);
  });

  app.patch('/api/deal-points/:id', {
    config: write,
    schema: { tags, summary: 'Edit a deal point (optimistic concurrency on version)', params: IdParams, body: DealPointUpdate, response: { 200: DealPointFeature, ...errorResponses } },
  }, async (request) => {
    await assertWritable(request, request.params.id, request.body.location);
    await assertReferences(request, request.body);
    return dealPoints.updateDealPoint(pool(), request.params.id, request.body);
  });

  app.post('/api/deal-points/:id/status-changes', {
    config: write,
    schema: { tags, summary: 'Record a dated status change (dismantled, reopened)', params: IdParams, body: StatusChange, response: { 200: DealPointFeature, ...errorResponses } },
  }, async (request) => {
    await assertWritable(request, request.params.id);
    await assertReferences(request, request.body);
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
