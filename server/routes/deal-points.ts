import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParams, VersionQuery, errorResponses } from '../schemas/common.js';
import { DealPointCreate, DealPointUpdate, DealPointQuery, StatusChange, DealPointFeature, DealPointCollection } from '../schemas/deal-points.js';
import * as dealPoints from '../services/deal-points.js';

export async function dealPointRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['deal points'];
  const pool = () => app.db.pool;

  app.get('/api/deal-points', {
    schema: { tags, summary: 'Deal points as a GeoJSON FeatureCollection, filtered, keyset-paginated', querystring: DealPointQuery, response: { 200: DealPointCollection, ...errorResponses } },
  }, async (request, reply) => {
    reply.type('application/geo+json');
    return dealPoints.listDealPoints(pool(), request.query);
  });

  app.get('/api/deal-points/:id', {
    schema: { tags, summary: 'One deal point with its status history', params: IdParams, querystring: Type.Object({ at: Type.Optional(Type.String({ format: 'date' })) }), response: { 200: DealPointFeature, ...errorResponses } },
  }, async (request, reply) => {
    reply.type('application/geo+json');
    return dealPoints.getDealPoint(pool(), request.params.id, request.query.at);
  });

  app.post('/api/deal-points', {
    schema: { tags, summary: 'Create a deal point (commune and H3 cells are derived from the location)', body: DealPointCreate, response: { 201: DealPointFeature, ...errorResponses } },
  }, async (request, reply) => {
    reply.status(201).type('application/geo+json');
    return dealPoints.createDealPoint(pool(), request.body);
  });

  app.patch('/api/deal-points/:id', {
    schema: { tags, summary: 'Edit a deal point (optimistic concurrency on version)', params: IdParams, body: DealPointUpdate, response: { 200: DealPointFeature, ...errorResponses } },
  }, async (request) => dealPoints.updateDealPoint(pool(), request.params.id, request.body));

  app.post('/api/deal-points/:id/status-changes', {
    schema: { tags, summary: 'Record a dated status change (dismantled, reopened)', params: IdParams, body: StatusChange, response: { 200: DealPointFeature, ...errorResponses } },
  }, async (request) => dealPoints.changeDealPointStatus(pool(), request.params.id, request.body));

  app.delete('/api/deal-points/:id', {
    schema: { tags, summary: 'Delete a deal point', params: IdParams, querystring: VersionQuery, response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    await dealPoints.deleteDealPoint(pool(), request.params.id, request.query.version);
    return reply.status(204).send(null);
  });
}
