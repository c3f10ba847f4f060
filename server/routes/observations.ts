import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AnyRecord, IdParams, ListOf, VersionQuery, errorResponses } from '../schemas/common.js';
import { ObservationCreate, ObservationQuery, ObservationUpdate } from '../schemas/records.js';
import * as observations from '../services/observations.js';

export async function observationRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['observations'];
  const pool = () => app.db.pool;
  app.get('/api/observations', { schema: { tags, summary: 'Activity observations, filtered, keyset-paginated', querystring: ObservationQuery, response: { 200: ListOf(AnyRecord), ...errorResponses } } },
    async (request) => observations.listObservations(pool(), request.query));
  app.get('/api/observations/:id', { schema: { tags, params: IdParams, response: { 200: AnyRecord, ...errorResponses } } },
    async (request) => observations.getObservation(pool(), request.params.id));
  app.post('/api/observations', { schema: { tags, summary: 'Record activity observed at a deal point', body: ObservationCreate, response: { 201: AnyRecord, ...errorResponses } } },
    async (request, reply) => { reply.status(201); return observations.createObservation(pool(), request.body); });
  app.patch('/api/observations/:id', { schema: { tags, params: IdParams, body: ObservationUpdate, response: { 200: AnyRecord, ...errorResponses } } },
    async (request) => observations.updateObservation(pool(), request.params.id, request.body));
  app.delete('/api/observations/:id', { schema: { tags, params: IdParams, querystring: VersionQuery, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => { await observations.deleteObservation(pool(), request.params.id, request.query.version); return reply.status(204).send(null); });
}
