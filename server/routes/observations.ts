import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParams, ListOf, VersionQuery, errorResponses } from '../schemas/common.js';
import { Observation, ObservationCreate, ObservationQuery, ObservationUpdate } from '../schemas/records.js';
import * as observations from '../services/observations.js';
import { getDealPoint } from '../services/deal-points.js';
import { analysts, inPreciseScope, preciseReaders } from '../domain/access.js';
import { assertRecordInScope, departmentFilter } from './scope.js';
import { UnprocessableError } from '../errors.js';
import { pageLinks } from './origin.js';

export async function observationRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['observations'];
  const pool = () => app.db.pool;
  const read = { access: preciseReaders, audit: 'read_precise' as const };
  const write = { access: analysts, audit: 'write' as const };
  const scoped = async <T extends { id: number; department_code: string }>(request: Parameters<typeof assertRecordInScope>[0], observation: Promise<T>) => {
    const value = await observation;
    assertRecordInScope(request, value.department_code, 'observation', value.id);
    return value;
  };
  app.get('/api/observations', { config: read, schema: { tags, summary: 'Activity observations, filtered, keyset-paginated', querystring: ObservationQuery, response: { 200: ListOf(Observation), ...errorResponses } } },
    async (request) => { const page = await observations.listObservations(pool(), request.query, departmentFilter(request)); return { ...page, links: pageLinks(request, page.next) }; });
  app.get('/api/observations/:id', { config: read, schema: { tags, summary: 'An activity observation', params: IdParams, response: { 200: Observation, ...errorResponses } } },
    async (request) => scoped(request, observations.getObservation(pool(), request.params.id)));
  app.post('/api/observations', { config: write, schema: { tags, summary: 'Record activity observed at a deal point', body: ObservationCreate, response: { 201: Observation, ...errorResponses } } },
    async (request, reply) => {
      // A deal point of another department is as unknown as a missing one.
      const point = await getDealPoint(pool(), request.body.deal_point_id).catch(() => null);
      if (!point || !inPreciseScope(request.principal, point.properties.department_code)) {
        throw new UnprocessableError([{ field: 'body.deal_point_id', reason: 'unknown deal point' }], 'deal_point_id: unknown deal point', 'unknown_reference');
      }
      reply.status(201);
      return observations.createObservation(pool(), request.body);
    });
  app.patch('/api/observations/:id', { config: write, schema: { tags, summary: 'Change an observation (with its version: 409 when someone saved first)', params: IdParams, body: ObservationUpdate, response: { 200: Observation, ...errorResponses } } },
    async (request) => { await scoped(request, observations.getObservation(pool(), request.params.id)); return observations.updateObservation(pool(), request.params.id, request.body); });
  app.delete('/api/observations/:id', { config: write, schema: { tags, summary: 'Delete an observation (with its version)', params: IdParams, querystring: VersionQuery, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => { await scoped(request, observations.getObservation(pool(), request.params.id)); await observations.deleteObservation(pool(), request.params.id, request.query.version); return reply.status(204).send(null); });
}
