import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AnyRecord, IdParams, ListOf, VersionQuery, errorResponses } from '../schemas/common.js';
import { NetworkCreate, NetworkQuery, NetworkUpdate } from '../schemas/records.js';
import * as networks from '../services/networks.js';
import { analysts, preciseReaders } from '../domain/access.js';

export async function networkRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['networks'];
  const pool = () => app.db.pool;
  const read = { access: preciseReaders };
  const write = { access: analysts, audit: 'write' as const };
  app.get('/api/networks', { config: read, schema: { tags, summary: 'Distribution networks', querystring: NetworkQuery, response: { 200: ListOf(AnyRecord), ...errorResponses } } },
    async (request) => networks.listNetworks(pool(), request.query));
  app.get('/api/networks/:id', { config: read, schema: { tags, params: IdParams, response: { 200: AnyRecord, ...errorResponses } } },
    async (request) => networks.getNetwork(pool(), request.params.id));
  app.post('/api/networks', { config: write, schema: { tags, body: NetworkCreate, response: { 201: AnyRecord, ...errorResponses } } },
    async (request, reply) => { reply.status(201); return networks.createNetwork(pool(), request.body); });
  app.patch('/api/networks/:id', { config: write, schema: { tags, params: IdParams, body: NetworkUpdate, response: { 200: AnyRecord, ...errorResponses } } },
    async (request) => networks.updateNetwork(pool(), request.params.id, request.body));
  app.delete('/api/networks/:id', { config: write, schema: { tags, params: IdParams, querystring: VersionQuery, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => { await networks.deleteNetwork(pool(), request.params.id, request.query.version); return reply.status(204).send(null); });
}
