/**
 * A client that goes away (closed tab, panned map, timed-out proxy) stops its queries: each
 * request's `pool.query` calls run on a connection it remembers (AsyncLocalStorage), and when the
 * response closes before it was finished, PostgreSQL is sent a cancel request for each of them
 * (the wire protocol's CancelRequest with the backend's key: no pool slot, no role needed).
 * Later queries of that request fail at once. A connection sent a cancel is closed, never handed
 * back to the pool: the cancel travels on a connection of its own and may reach the backend after
 * the query ended, and it would then cancel another request's query on a reused connection.
 * A response already ended (every byte handed to the socket or, under `app.inject`, buffered) is
 * not abandoned: queries still running for it (the loser of a `Promise.all`) are left to finish.
 *
 * Not on the embedded PGlite: it is a single session that runs one query at a time, so nothing
 * can interrupt the query in progress (abandoned requests still queue behind it).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';

interface RequestQueries { running: Map<pg.PoolClient, pg.Pool>; cancelled: Set<pg.PoolClient>; abandoned: boolean }

const requestQueries = new AsyncLocalStorage<RequestQueries>();

export class RequestAbandonedError extends Error {
  readonly code = '57014';
  constructor() { super('the client went away: query not run'); }
}

type ActiveClient = pg.PoolClient & { activeQuery?: unknown; processID?: number };

/** Runs each `query` of a request on a connection the request remembers, to cancel it if the client leaves. */
function patchQuery(pool: pg.Pool): void {
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<pg.QueryResult>;
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const store = requestQueries.getStore();
    if (!store || typeof args[args.length - 1] === 'function') return query(...args);
    if (store.abandoned) return Promise.reject(new RequestAbandonedError());
    return (async () => {
      const client = await pool.connect();
      store.running.set(client, pool);
      try {
        return await (client.query as (...a: unknown[]) => Promise<pg.QueryResult>)(...args);
      } finally {
        store.running.delete(client);
        // Destroyed rather than reused: a late cancel must not reach another request's query.
        client.release(store.cancelled.has(client) ? true : undefined);
      }
    })();
  };
}

export function registerCancelOnDisconnect(app: FastifyInstance): void {
  if (app.db.mode !== 'external') return;
  // The primary's pool and the replica's (DATABASE_READ_URL), each cancelled on its own server.
  for (const pool of [app.db.pool, app.db.replica?.pool].filter((p): p is pg.Pool => p !== undefined)) patchQuery(pool);

  app.addHook('onRequest', (request, reply, done) => {
    const store: RequestQueries = { running: new Map(), cancelled: new Set(), abandoned: false };
    reply.raw.once('close', () => {
      if (reply.raw.writableEnded) return;
      store.abandoned = true;
      for (const [running, pool] of store.running) {
        const client = running as ActiveClient;
        if (!client.activeQuery) continue;
        store.cancelled.add(running);
        const canceller = new pg.Client(pool.options);
        (canceller as unknown as { connection: NodeJS.EventEmitter }).connection.on('error', () => {});
        (canceller as unknown as { cancel(client: unknown, query: unknown): void }).cancel(client, client.activeQuery);
        request.log.info({ backend: client.processID }, 'client went away: query cancelled');
      }
    });
    requestQueries.run(store, done);
  });
}
