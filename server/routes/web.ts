/** Serves the built web client (dist/web) at /, with index.html for client-side routes. */
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const webDirectory = fileURLToPath(new URL('../../dist/web', import.meta.url));

export async function webRoutes(app: FastifyInstance) {
  if (!existsSync(`${webDirectory}/index.html`)) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send('<!doctype html><meta charset="utf-8"><title>Sillage</title><p>Interface non construite : lancez <code>npm run build:web</code>. API : <a href="/api/docs">/api/docs</a></p>'));
    return;
  }
  await app.register(fastifyStatic, { root: webDirectory, prefix: '/', wildcard: false });
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    if (request.url.startsWith('/api/') || request.url.startsWith('/tiles/') || request.url.startsWith('/ogc/')) {
      return reply.status(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}`, details: [{ field: 'url', reason: 'unknown route' }] });
    }
    return reply.sendFile('index.html');
  });
}
