/**
 * Reads from the replica. A route that only reads data where a few seconds of replication lag do
 * no harm (tiles, reference geography, statistics, aggregates) declares `config.replica: true` and
 * takes its pool from `app.readPool(request)`: the replica when DATABASE_READ_URL is set and the
 * replica answers, else the primary. Everything else (writes, the journal, sessions, jobs, rate
 * limits, anything that must read its own writes) keeps `app.db.pool`: the primary.
 *
 * A replica outage is not an outage of the API: when a replica-flagged handler fails because the
 * replica cannot be reached, it runs again on the primary (before anything was sent), and the
 * replica is left alone for a few seconds (Replica.retryMs) before it is tried again.
 */
import type { FastifyInstance, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type pg from 'pg';
import { isDatabaseUnavailable } from '../errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The pool a replica-flagged route reads from: the replica when there is one and it answers, else the primary. */
    readPool(request: FastifyRequest): pg.Pool;
    /** Every route that may read from the replica, "METHOD /url" (for the docs and the tests). */
    replicaRoutes: Set<string>;
  }
  interface FastifyContextConfig {
    /** The route only reads, and may read slightly stale data: served by the replica when there is one. */
    replica?: boolean;
  }
  interface FastifyRequest {
    /** Where this request's reads went ('replica' or 'primary'), once it asked for its read pool. */
    readFrom?: 'replica' | 'primary';
  }
}

export function registerReplica(app: FastifyInstance): void {
  const replica = app.db.mode === 'external' ? app.db.replica ?? null : null;
  const replicaRoutes = new Set<string>();
  app.decorate('replicaRoutes', replicaRoutes);
  app.decorateRequest('readFrom', undefined);

  app.decorate('readPool', (request: FastifyRequest): pg.Pool => {
    // A request that met the replica's outage stays on the primary for all its reads.
    const useReplica = replica !== null && request.routeOptions.config.replica === true
      && request.readFrom !== 'primary' && replica.available();
    request.readFrom = useReplica ? 'replica' : 'primary';
    return useReplica ? replica.pool : app.db.pool;
  });

  app.addHook('onRoute', (route) => {
    if (route.config?.replica !== true) return;
    const methods = [route.method].flat();
    if (methods.some((method) => !['GET', 'HEAD'].includes(method))) throw new Error(`route ${methods.join(',')} ${route.url} reads from the replica but is not a GET`);
    for (const method of methods) replicaRoutes.add(`${method} ${route.url}`);
    if (!replica) return;
    const handler = route.handler as (...args: Parameters<RouteHandlerMethod>) => unknown;
    route.handler = async function (this: FastifyInstance, request, reply) {
      try {
        return await handler.call(this, request, reply);
      } catch (error) {
        if (request.readFrom !== 'replica' || reply.sent || !isDatabaseUnavailable(error as Error)) throw error;
        replica.markDown();
        request.log.warn({ code: (error as { code?: string }).code }, 'replica unavailable: read from the primary');
        request.readFrom = 'primary';
        return handler.call(this, request, reply);
      }
    };
  });
}
