import type { FastifyInstance } from 'fastify';
import { workScope } from './scope.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParams, ListOf, VersionQuery, errorResponses } from '../schemas/common.js';
import { Network, NetworkCreate, NetworkQuery, NetworkUpdate } from '../schemas/records.js';
import * as networks from '../services/networks.js';
import { analysts, preciseReaders } from '../domain/access.js';
import { pageLinks } from './origin.js';


export async function networkRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['networks'];
  const pool = () => app.db.pool;
  const read = { access: preciseReaders, audit: 'read_precise' as const };
  const write = { access: analysts, audit: 'write' as const };
  app.get('/api/networks', { config: read, schema: { tags, summary: 'Distribution networks (departmental roles: their departments\' and those with a point there)', querystring: NetworkQuery, response: { 200: ListOf(Network), ...errorResponses } } },
    async (request) => { const page = await networks.listNetworks(pool(), request.query, workScope(request)); return { ...page, links: pageLinks(request, page.next) }; });
  app.get('/api/networks/:id', { config: read, schema: { tags, summary: 'A distribution network', params: IdParams, response: { 200: Network, ...errorResponses } } },
    async (request) => networks.getNetwork(pool(), request.params.id, workScope(request)));
  app.post('/api/networks', { config: write, schema: { tags, summary: 'Record a distribution network', body: NetworkCreate, response: { 201: Network, ...errorResponses } } },
    async (request, reply) => { reply.status(201); return networks.createNetwork(pool(), request.body, workScope(request)); });
  app.patch('/api/networks/:id', { config: write, schema: { tags, summary: 'Change a network (with its version: 409 when someone saved first)', params: IdParams, body: NetworkUpdate, response: { 200: Network, ...errorResponses } } },
    async (request) => networks.updateNetwork(pool(), request.params.id, request.body, workScope(request)));
  app.delete('/api/networks/:id', { config: write, schema: { tags, summary: 'Delete a network (with its version)', params: IdParams, querystring: VersionQuery, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => { await networks.deleteNetwork(pool(), request.params.id, request.query.version, workScope(request)); return reply.status(204).send(null); });
}
