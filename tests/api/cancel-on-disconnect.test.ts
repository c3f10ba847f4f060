/**
 * Cancelling the queries of a client that goes away (server/plugins/cancel-on-disconnect.ts), on
 * the real PostgreSQL with a one-connection pool so that reuse is certain: a connection sent a
 * cancel is never handed to the next request (a late cancel would kill that request's query: a
 * 500 seen in CI), and an answered request does not cancel the queries it left running.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { registerCancelOnDisconnect } from '../../server/plugins/cancel-on-disconnect.js';
import { externalUrl } from '../helpers/databases.js';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const url = externalUrl();

describe.skipIf(!url)('cancel on disconnect, on the external database', () => {
  let app: FastifyInstance;
  let pool: pg.Pool;
  let address: string;
  const seen = { slowPid: 0, strayFinished: false, strayFailed: '' };

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: url!, max: 1 });
    app = Fastify();
    app.decorate('db', { mode: 'external', pool, close: async () => {} });
    registerCancelOnDisconnect(app);
    const pid = async () => (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    app.get('/pid', async () => ({ pid: await pid() }));
    app.get('/slow', async () => {
      seen.slowPid = await pid();
      await pool.query('SELECT pg_sleep(5)');
      return { done: true };
    });
    // Answers 404 while its second query still runs: that query must be left to finish.
    app.get('/stray', async (_request, reply) => {
      const stray = pool.query('SELECT pg_sleep(0.3)').then(() => { seen.strayFinished = true; }, (error: Error) => { seen.strayFailed = error.message; });
      await Promise.race([stray, wait(20)]);
      return reply.code(404).send({ error: 'not_found' });
    });
    address = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app?.close();
    await pool?.end();
  });

  it('closes a connection it sent a cancel on instead of handing it to the next request', async () => {
    const request = http.get(`${address}/slow`);
    request.on('error', () => {});
    for (let i = 0; i < 50 && !seen.slowPid; i += 1) await wait(50);
    expect(seen.slowPid).toBeGreaterThan(0);
    await wait(100); // the sleep is running on that connection
    request.destroy();
    const next = await app.inject({ method: 'GET', url: '/pid' });
    expect(next.statusCode, next.body).toBe(200);
    expect(next.json().pid).not.toBe(seen.slowPid);
    // The pool's one slot is free again and serves further requests.
    expect((await app.inject({ method: 'GET', url: '/pid' })).statusCode).toBe(200);
  });

  it('leaves running the queries of a request already answered, under inject as over HTTP', async () => {
    for (const via of ['inject', 'http'] as const) {
      seen.strayFinished = false;
      seen.strayFailed = '';
      const status = via === 'inject'
        ? (await app.inject({ method: 'GET', url: '/stray' })).statusCode
        : (await fetch(`${address}/stray`)).status;
      expect(status).toBe(404);
      for (let i = 0; i < 40 && !seen.strayFinished && !seen.strayFailed; i += 1) await wait(50);
      expect(seen.strayFailed, via).toBe('');
      expect(seen.strayFinished, via).toBe(true);
    }
  });
});
