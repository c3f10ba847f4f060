/**
 * Several server processes on one database (issue 18): two apps with their own in-memory state
 * (on the real PostgreSQL, each with its own pool) share sessions, jobs, single-use form tokens and
 * rate limits through the database; a queued job survives the app that queued it; sessions are
 * touched at most once a minute; tile reads are journalled in batches, written on close; and on
 * PostgreSQL a client that goes away has its running query cancelled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { readVersions, type Database } from '../../server/database/connection.js';
import { issueFormToken } from '../../server/domain/form-tokens.js';
import { StoppingError, startJobRunner, type JobHandler } from '../../server/services/jobs.js';
import { randomUUID } from 'node:crypto';
import { connect, emptyBusinessTables, ensureUser, targets, testPassword, type Target } from '../helpers/databases.js';
import { send, type TestSession } from '../helpers/requests.js';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(targets())('two server processes on the %s database', (target: Target) => {
  const databases: Database[] = [];
  const apps: FastifyInstance[] = [];
  /** A second pool of its own on PostgreSQL; on the single-session PGlite, the same one. */
  const database = () => {
    if (target === 'embedded' && databases.length) return databases[0];
    const opened = connect(target);
    databases.push(opened);
    return opened;
  };
  const open = async (options: Partial<AppOptions> = {}, config: Partial<ReturnType<typeof loadConfig>> = {}) => {
    const db = database();
    const app = await buildApp({ database: db, databaseVersions: await readVersions(db.pool), config: { ...loadConfig({}), reportRateLimitPerMinute: 3, auditFlushMs: 60_000, ...config }, serveWeb: false, ...options });
    apps.push(app);
    return app;
  };
  let a: FastifyInstance;
  let b: FastifyInstance;
  let session: TestSession;

  beforeAll(async () => {
    const first = database();
    await emptyBusinessTables(first.pool);
    await first.pool.query('TRUNCATE rate_limit_counters, used_form_tokens');
    // Slow pollers: neither takes a job during the test unless told to.
    a = await open({ jobPollingSeconds: 60 });
    b = await open({ jobPollingSeconds: 60 });
    const username = await ensureUser(first.pool, 'national_analyst');
    const signedIn = await a.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username, password: testPassword } });
    expect(signedIn.statusCode).toBe(200);
    session = { cookie: `sillage_session=${signedIn.cookies.find((c) => c.name === 'sillage_session')!.value}`, csrf: signedIn.json().csrf_token, username };
  }, 60_000);
  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const db of databases) await db.close();
  });

  it('hands a job running in a process that stops back to the queue, where another process finishes it', async () => {
    const pool = database().pool;
    const marker = randomUUID();
    const runs: string[] = [];
    let running = false;
    // The first process works until told to stop; the second finishes at once. Other jobs are ignored.
    const slow: JobHandler = async (data, _id, context) => {
      if (data.marker !== marker) return;
      runs.push('first'); running = true;
      while (!context.stopping) await wait(20);
      throw new StoppingError();
    };
    const quick: JobHandler = async (data) => { if (data.marker === marker) runs.push('second'); };
    const first = await startJobRunner(pool, { 'emerging-hot-spots': slow }, { pollingSeconds: 0.5 });
    await first.send('emerging-hot-spots', randomUUID(), { marker });
    for (let i = 0; i < 60 && !running; i += 1) await wait(100);
    expect(runs).toEqual(['first']);
    await first.stop();
    const second = await startJobRunner(pool, { 'emerging-hot-spots': quick }, { pollingSeconds: 0.5 });
    try {
      for (let i = 0; i < 60 && runs.length < 2; i += 1) await wait(100);
      expect(runs).toEqual(['first', 'second']);
    } finally {
      await second.stop();
    }
  }, 20_000);

  it('opens a session made by one process in the other, touching it at most once a minute', async () => {
    const me = await send(b, 'GET', '/api/auth/me', undefined, undefined, session);
    expect(me.body.user).toMatchObject({ username: session.username, role: 'national_analyst' });
    expect(me.body.csrf_token).toBe(session.csrf);
    const pool = databases[0].pool;
    const lastSeen = async () => (await pool.query<{ t: Date }>('SELECT last_seen_at AS t FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = $1) ORDER BY last_seen_at DESC LIMIT 1', [session.username])).rows[0].t.getTime();
    await pool.query(`UPDATE sessions SET last_seen_at = now() - interval '30 seconds' WHERE user_id = (SELECT id FROM users WHERE username = $1)`, [session.username]);
    const recent = await lastSeen();
    await send(a, 'GET', '/api/auth/me', undefined, undefined, session);
    expect(await lastSeen()).toBe(recent); // 30 s old: not written again
    await pool.query(`UPDATE sessions SET last_seen_at = now() - interval '2 minutes' WHERE user_id = (SELECT id FROM users WHERE username = $1)`, [session.username]);
    const old = await lastSeen();
    await send(b, 'GET', '/api/auth/me', undefined, undefined, session);
    expect(await lastSeen()).toBeGreaterThan(old + 60_000);
  });

  it('accepts a form token once across processes, and counts rate limits across them', async () => {
    expect(a.sharedSecret).toBe(b.sharedSecret);
    const token = issueFormToken(a.sharedSecret, Date.now() - 5000);
    const report = { location: { type: 'Point', coordinates: [5.5345, 43.6931] }, seen: ['vente'], form_token: token };
    const created = await send(b, 'POST', '/api/public/reports', report, undefined, null);
    expect(created.status).toBe(201);
    const again = await send(a, 'POST', '/api/public/reports', report, undefined, null);
    expect(again.status).toBe(400);
    expect(again.body.details).toEqual([{ field: 'body.form_token', reason: 'was already used: reload the page' }]);
    // Limit 3 a minute per client and route: A, B, A, then B refuses (each process alone counted 2).
    const follow = (app: FastifyInstance) => send(app, 'GET', `/api/public/reports/${created.body.receipt}`, undefined, undefined, null);
    for (const app of [a, b, a]) expect((await follow(app)).status).toBe(200);
    const refused = await follow(b);
    expect(refused.status).toBe(429);
  });

  it('runs a job queued by one process in another, after the first has stopped, progress readable from any', async () => {
    const started = await send(a, 'POST', '/api/analyses/emerging-hot-spots', { resolution: 7, from: '2023-01', to: '2024-12', department: '13', permutations: 19 }, undefined, session);
    expect(started.status).toBe(202);
    const seen = await send(b, 'GET', started.body.poll, undefined, undefined, session);
    expect(seen.body).toMatchObject({ id: started.body.id, status: 'running', done: 0, total: 24 });
    await a.close(); // the process that queued it stops: the job stays queued in PostgreSQL
    const c = await open({ jobPollingSeconds: 0.5 }); // a process started later takes it
    let job = seen.body;
    for (let i = 0; i < 100 && job.status === 'running'; i += 1) {
      await wait(100);
      job = (await send(b, 'GET', started.body.poll, undefined, undefined, session)).body;
    }
    expect(job.status).toBe('done');
    expect(job.result.type).toBe('FeatureCollection');
    const { rows } = await databases[0].pool.query('SELECT attempts FROM analysis_jobs WHERE id = $1', [started.body.id]);
    expect(rows[0].attempts).toBe(1);
    expect(c).toBeDefined();
  }, 30_000);

  it('journals tile reads in batches and writes the pending ones on close', async () => {
    const pool = databases[0].pool;
    const before = (await pool.query('SELECT coalesce(max(id), 0) AS id FROM audit_log')).rows[0].id;
    for (const x of [4148, 4149]) expect((await send(b, 'GET', `/tiles/deal-points/13/${x}/2816.mvt`, undefined, undefined, session)).status).toBeLessThan(300);
    const count = async () => (await pool.query(`SELECT count(*)::int AS n FROM audit_log WHERE id > $1 AND route = '/tiles/deal-points/:z/:x/:y.mvt'`, [before])).rows[0].n;
    expect(await count()).toBe(0); // pending (flushed every 60 s here)
    expect(b.tileAudit.size).toBe(2);
    await b.close();
    expect(await count()).toBe(2);
  });

  it.skipIf(target === 'embedded')('cancels the query of a client that goes away', async () => {
    const app = await open({}, { reportRateLimitPerMinute: 100 });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const pool = databases[0].pool;
    const blocker = await pool.connect();
    const waiting = async () => (await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%public_reports%' AND pid <> pg_backend_pid()`)).rows[0].n;
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE public_reports IN ACCESS EXCLUSIVE MODE');
      const request = http.get(`${address}/api/public/reports/SIG-0000000000`);
      request.on('error', () => {});
      for (let i = 0; i < 50 && await waiting() === 0; i += 1) await wait(100);
      expect(await waiting()).toBe(1); // the request's query runs (waits) in PostgreSQL
      request.destroy();
      for (let i = 0; i < 50 && await waiting() > 0; i += 1) await wait(100);
      expect(await waiting()).toBe(0); // cancelled although the lock is still held
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
  });
});
