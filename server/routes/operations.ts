import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AreaFeature, AreaFeatureCollection, IdParams, VersionQuery, errorResponses } from '../schemas/common.js';
import { OperationCreate, OperationQuery, OperationUpdate } from '../schemas/records.js';
import * as operations from '../services/operations.js';

export async function operationRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['operations'];
  const pool = () => app.db.pool;
  app.get('/api/operations', { schema: { tags, summary: 'Operations as a GeoJSON FeatureCollection of target areas', querystring: OperationQuery, response: { 200: AreaFeatureCollection, ...errorResponses } } },
    async (request, reply) => { reply.type('application/geo+json'); return operations.listOperations(pool(), request.query); });
  app.get('/api/operations/:id', { schema: { tags, params: IdParams, response: { 200: AreaFeature, ...errorResponses } } },
    async (request, reply) => { reply.type('application/geo+json'); return operations.getOperation(pool(), request.params.id); });
  app.post('/api/operations', { schema: { tags, summary: 'Register an operation (target area, dates, outcomes)', body: OperationCreate, response: { 201: AreaFeature, ...errorResponses } } },
    async (request, reply) => { reply.status(201).type('application/geo+json'); return operations.createOperation(pool(), request.body); });
  app.patch('/api/operations/:id', { schema: { tags, params: IdParams, body: OperationUpdate, response: { 200: AreaFeature, ...errorResponses } } },
    async (request, reply) => { reply.type('application/geo+json'); return operations.updateOperation(pool(), request.params.id, request.body); });
  app.delete('/api/operations/:id', { schema: { tags, params: IdParams, querystring: VersionQuery, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => { await operations.deleteOperation(pool(), request.params.id, request.query.version); return reply.status(204).send(null); });
}
