import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AnyRecord, IdParams, ListOf, VersionQuery, errorResponses } from '../schemas/common.js';
import { NetworkCreate, NetworkQuery, NetworkUpdate } from '../schemas/records.js';
import * as networks from '../services/networks.js';

export async function networkRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['networks'];
  const pool = () => app.db.pool;
  app.get('/api/networks', { schema: { tags, summary: 'Distribution networks', querystring: NetworkQuery, response: { 200: ListOf(AnyRecord), ...errorResponses } } },
    async (request) => networks.listNetworks(pool(), request.query));
  app.get('/api/networks/:id', { schema: { tags, params: IdParams, response: { 200: AnyRecord, ...errorResponses } } },
    async (request) => networks.getNetwork(pool(), request.params.id));
  app.post('/api/networks', { schema: { tags, body: NetworkCreate, response: { 201: AnyRecord, ...errorResponses } } },
    async (request, reply) => { reply.status(201); return networks.createNetwork(pool(), request.body); });
  app.patch('/api/networks/:id', { schema: { tags, params: IdParams, body: NetworkUpdate, response: { 200: AnyRecord, ...errorResponses } } },
    async (request) => networks.updateNetwork(pool(), request.params.id, request.body));
  app.delete('/api/networks/:id', { schema: { tags, params: IdParams, querystring: VersionQuery, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => { await networks.deleteNetwork(pool(), request.params.id, request.query.version); return reply.status(204).send(null); });
}
