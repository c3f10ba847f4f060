import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParams, VersionQuery, errorResponses } from '../schemas/common.js';
import { pageLinks } from './origin.js';
import { OperationCollection, OperationCreate, OperationFeature, OperationQuery, OperationUpdate } from '../schemas/records.js';
import * as operations from '../services/operations.js';
import { aggregateReaders, analysts, preciseScope } from '../domain/access.js';
import { assertInScope, operationVisible } from './scope.js';
import { NotFoundError } from '../errors.js';
import type { FastifyRequest } from 'fastify';

/** Deputies see ended operations everywhere; analysts and prefects those of their departments. */
export function operationScope(request: FastifyRequest): { departments: string[] | null; endedOnly: boolean } {
  if (request.principal?.role === 'deputy') return { departments: null, endedOnly: true };
  const scope = preciseScope(request.principal);
  return { departments: scope === 'all' ? null : scope, endedOnly: false };
}

export async function operationRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['operations'];
  const pool = () => app.db.pool;
  const read = { access: aggregateReaders, audit: 'read_precise' as const };
  const write = { access: analysts, audit: 'write' as const };
  const inScope = (request: FastifyRequest) => (department: string) => assertInScope(request, department);
  // An operation of another department, or under way for a deputy, is as unknown as a missing one.
  const readable = async (request: FastifyRequest, id: number) => {
    const feature = await operations.getOperation(pool(), id);
    if (!operationVisible(request.principal, feature.properties as { department_code: string; ended_on: string | null })) throw new NotFoundError('operation', id);
    return feature;
  };
  app.get('/api/operations', { config: read, schema: { tags, summary: 'Operations as a GeoJSON FeatureCollection of target areas (deputies: ended operations only)', querystring: OperationQuery, response: { 200: OperationCollection, ...errorResponses } } },
    async (request, reply) => {
      const { departments, endedOnly } = operationScope(request);
      if (request.query.department && departments) assertInScope(request, request.query.department);
      reply.type('application/geo+json');
      const page = await operations.listOperations(pool(), request.query, departments, endedOnly);
      return { ...page, links: pageLinks(request, page.next, 'application/geo+json') };
    });
  app.get('/api/operations/:id', { config: read, schema: { tags, summary: 'An operation as a GeoJSON Feature of its target area (deputies: ended operations only)', params: IdParams, response: { 200: OperationFeature, ...errorResponses } } },
    async (request, reply) => { const feature = await readable(request, request.params.id); reply.type('application/geo+json'); return feature; });
  app.post('/api/operations', { config: write, schema: { tags, summary: 'Register an operation (target area, dates, outcomes)', body: OperationCreate, response: { 201: OperationFeature, ...errorResponses } } },
    async (request, reply) => { const created = await operations.createOperation(pool(), request.body, inScope(request)); reply.status(201).type('application/geo+json'); return created; });
  app.patch('/api/operations/:id', { config: write, schema: { tags, summary: 'Change an operation (with its version: 409 when someone saved first)', params: IdParams, body: OperationUpdate, response: { 200: OperationFeature, ...errorResponses } } },
    async (request, reply) => { await readable(request, request.params.id); reply.type('application/geo+json'); return operations.updateOperation(pool(), request.params.id, request.body, inScope(request)); });
  app.delete('/api/operations/:id', { config: write, schema: { tags, summary: 'Delete an operation (with its version)', params: IdParams, querystring: VersionQuery, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => { await readable(request, request.params.id); await operations.deleteOperation(pool(), request.params.id, request.query.version); return reply.status(204).send(null); });
}
