/**
 * Read replica (issue 18): the routes flagged `config.replica` read from a real streaming standby
 * (DATABASE_READ_URL, started by .ci/run with `.ci/postgres.sh standby`), everything else from
 * the primary; an unreachable replica sends reads back to the primary. The proof that a route is
 * served by the standby: with replay paused on the standby (pg_wal_replay_pause), a point written
 * on the primary is seen by the primary's routes and not by the replica's, until replay resumes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import pg from 'pg';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';
import { loadConfig, type Config } from '../../server/config.js';
import { readVersions, type Database } from '../../server/database/connection.js';
import { attachReplica } from '../../server/server.js';
import { Replica } from '../../server/database/replica.js';
import { connect, emptyBusinessTables, externalUrl, replicaUrl, signInAs, type Target } from '../helpers/databases.js';
import { dealPointBody, send, setDefaultSession } from '../helpers/requests.js';

const standbyUrl = replicaUrl();
const skipReason = 'skipped: DATABASE_READ_URL is not set (start a standby with `bash .ci/postgres.sh standby <primary-port> <standby-port>`, as .ci/run does)';
if (!standbyUrl) console.warn(`tests/api/replica.test.ts: the standby tests are ${skipReason}`);

// Tile 9/263/186 holds Pertuis (dealPointBody's default location).
const tileUrl = '/tiles/deal-points/9/263/186.mvt?at=2024-06-01';
const aggregateUrl = '/api/aggregates/deal-points?group=department&at=2024-06-01';

/** One request for every route that may read from the replica (the test checks the list is complete). */
const replicaRequests: Record<string, string> = {
  'GET /api/communes': '/api/communes?q=pertuis',
  'GET /api/communes/union': '/api/communes/union?insee=84089',
  'GET /api/communes/:insee': '/api/communes/84089',
  'GET /api/departments/outlines': '/api/departments/outlines',
  'GET /api/communes/at': '/api/communes/at?longitude=5.5345&latitude=43.6931',
  'GET /api/departments': '/api/departments',
  'GET /api/departments/:code': '/api/departments/84',
  'GET /api/size-classes': '/api/size-classes',
  'GET /api/services': '/api/services',
  'GET /api/statistics/indicators': '/api/statistics/indicators',
  'GET /api/statistics/departments': '/api/statistics/departments?department=84',
  'GET /api/statistics/communes': '/api/statistics/communes?department=84&limit=5',
  'GET /api/statistics/national': '/api/statistics/national',
  'GET /api/statistics/active-points': '/api/statistics/active-points',
  'GET /api/aggregates/deal-points': aggregateUrl,
  'GET /api/aggregates/deal-points/cube': '/api/aggregates/deal-points/cube?from=2023-01&to=2023-12&resolution=5',
  'GET /api/aggregates/deal-points/series': '/api/aggregates/deal-points/series?from=2023-01&to=2023-12&by=department',
  'GET /tiles/deal-points/:z/:x/:y.mvt': tileUrl,
  'GET /tiles/communes/:z/:x/:y.mvt': '/tiles/communes/9/263/186.mvt',
};

interface ReplicaContext { app: FastifyInstance; database: Database; readFrom: Map<string, string | undefined>; cookie: string }

/** The real app over `target`, with the given database wrapped (a replica attached), signed in as a national analyst. */
async function openApp(target: Target, wrap: (database: Database, config: Config) => Database, keepData = false): Promise<ReplicaContext> {
  const config: Config = { ...loadConfig({}), tileCacheBytes: 0 };
  const database = wrap(connect(target), config);
  if (!keepData) await emptyBusinessTables(database.pool);
  const app = await buildApp({ database, databaseVersions: await readVersions(database.pool), config, serveWeb: false });
  // Where each answered request read from (the route's last answer).
  const readFrom = new Map<string, string | undefined>();
  app.addHook('onResponse', async (request) => { readFrom.set(`${request.method} ${request.routeOptions.url}`, request.readFrom); });
  const session = await signInAs({ app, database }, 'national_analyst');
  setDefaultSession(app, session);
  return { app, database, readFrom, cookie: session.cookie };
}

async function closeApp(context: ReplicaContext | undefined): Promise<void> {
  if (!context) return;
  await context.app.close();
  await context.database.close();
}

function tilePoints(bytes: Uint8Array): number {
  if (bytes.length === 0) return 0;
  return new VectorTile(new PbfReader(bytes)).layers.deal_points?.length ?? 0;
}

/** A loopback port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('DATABASE_READ_URL on the embedded database', () => {
  let context: ReplicaContext;
  const messages: string[] = [];
  beforeAll(async () => {
    context = await openApp('embedded', (database, config) => attachReplica(database, { ...config, databaseReadUrl: 'postgres://postgres@127.0.0.1:1/none' }, (m) => messages.push(m)));
  });
  afterAll(async () => closeApp(context));

  it('is ignored, and says so: replica routes read the embedded database, health reports no replica', async () => {
    expect(messages.join('\n')).toMatch(/DATABASE_READ_URL is ignored: the embedded database has no replica/);
    expect(context.database.replica ?? null).toBeNull();
    const tile = await send(context.app, 'GET', '/api/communes/84089');
    expect(tile.status).toBe(200);
    expect(context.readFrom.get('GET /api/communes/:insee')).toBe('primary');
    const health = await send(context.app, 'GET', '/api/health');
    expect(health.body.replica).toEqual({ status: 'none', lag_seconds: null, lag_bytes: null, serving_reads: false });
  });
});

describe.skipIf(!standbyUrl)(`a streaming standby as the read replica (${standbyUrl ? 'DATABASE_READ_URL' : skipReason})`, () => {
  let context: ReplicaContext;
  /** Superuser connection to the standby itself (pausing replay), and to the primary. */
  let standby: pg.Client;
  let primary: pg.Pool;

  /** Waits until the standby has replayed everything the primary has written so far. */
  const caughtUp = async () => {
    const { rows: [{ lsn }] } = await primary.query<{ lsn: string }>('SELECT pg_current_wal_flush_lsn()::text AS lsn');
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const { rows: [{ done }] } = await standby.query<{ done: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done', [lsn]);
      if (done) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the standby did not replay up to ${lsn} in 10 s`);
  };
  const aggregateTotal = async () => {
    const answer = await send(context.app, 'GET', aggregateUrl);
    expect(answer.status).toBe(200);
    return (answer.body.items as { count: number }[]).reduce((sum, item) => sum + item.count, 0);
  };
  const tileCount = async () => {
    const answer = await context.app.inject({ url: tileUrl, headers: { cookie: context.cookie } });
    expect(answer.statusCode).toBe(200);
    return tilePoints(answer.rawPayload);
  };

  beforeAll(async () => {
    // The worker's copy of the database reaches the standby when its CREATE DATABASE is replayed.
    for (let attempt = 0; ; attempt += 1) {
      standby = new pg.Client({ connectionString: standbyUrl! });
      try { await standby.connect(); break; } catch (error) {
        await standby.end().catch(() => {});
        if (attempt >= 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    context = await openApp('external', (database, config) => attachReplica(database, { ...config, databaseReadUrl: standbyUrl }, () => {}));
    primary = context.database.pool;
    await caughtUp();
  });
  afterAll(async () => {
    await standby?.query('SELECT pg_wal_replay_resume()').catch(() => {});
    await standby?.end();
    await closeApp(context);
  });

  it('serves every replica-flagged route from the standby, and only GET routes are flagged', async () => {
    const flagged = [...context.app.replicaRoutes].filter((route) => route.startsWith('GET ')).sort();
    expect(flagged).toEqual(Object.keys(replicaRequests).sort());
    expect([...context.app.replicaRoutes].every((route) => /^(GET|HEAD) /.test(route))).toBe(true);
    for (const [route, url] of Object.entries(replicaRequests)) {
      const answer = await send(context.app, 'GET', url);
      expect(answer.status, `${route}: ${JSON.stringify(answer.body).slice(0, 300)}`).toBe(200);
      expect(context.readFrom.get(route), route).toBe('replica');
    }
    // Routes not flagged never ask for the read pool: they read app.db.pool, the primary.
    expect((await send(context.app, 'GET', '/api/deal-points')).status).toBe(200);
    expect(context.readFrom.has('GET /api/deal-points')).toBe(true);
    expect(context.readFrom.get('GET /api/deal-points')).toBeUndefined();
  });

  it('does not see a point written on the primary while the standby\'s replay is paused; the primary\'s routes do; then it does', async () => {
    const first = await send(context.app, 'POST', '/api/deal-points', dealPointBody({ external_id: 'R1' }));
    expect(first.status).toBe(201);
    expect(context.readFrom.get('POST /api/deal-points')).toBeUndefined();
    await caughtUp();
    expect(await aggregateTotal()).toBe(1);
    expect(await tileCount()).toBe(1);
    const auditedBefore = Number((await primary.query(`SELECT count(*) FROM audit_log WHERE route = '/api/aggregates/deal-points'`)).rows[0].count);

    await standby.query('SELECT pg_wal_replay_pause()');
    try {
      // Writes go to the primary (a standby would refuse them): the second point is stored.
      const second = await send(context.app, 'POST', '/api/deal-points', dealPointBody({ external_id: 'R2', location: { type: 'Point', coordinates: [5.5, 43.7] } }));
      expect(second.status).toBe(201);
      const listed = await send(context.app, 'GET', '/api/deal-points');
      expect(listed.body.features ?? listed.body.items).toHaveLength(2);
      // The replica routes still see one point: they read the paused standby.
      expect(await aggregateTotal()).toBe(1);
      expect(await tileCount()).toBe(1);
      expect(context.readFrom.get('GET /tiles/deal-points/:z/:x/:y.mvt')).toBe('replica');
      // The journal rows of those replica reads are on the primary (not replayed on the standby yet).
      const audited = Number((await primary.query(`SELECT count(*) FROM audit_log WHERE route = '/api/aggregates/deal-points'`)).rows[0].count);
      expect(audited).toBe(auditedBefore + 1);
      // Health measures the lag without naming the replica's address.
      const health = await send(context.app, 'GET', '/api/health');
      expect(health.body.replica.status).toBe('streaming');
      expect(health.body.replica.lag_bytes).toBeGreaterThan(0);
      expect(health.body.replica.lag_seconds).toBeGreaterThanOrEqual(0);
      expect(health.body.replica.serving_reads).toBe(true);
      const port = new URL(standbyUrl!).port;
      expect(JSON.stringify(health.body)).not.toContain(`:${port}`);
      expect(JSON.stringify(health.body)).not.toContain('127.0.0.1');
    } finally {
      await standby.query('SELECT pg_wal_replay_resume()');
    }
    await caughtUp();
    expect(await aggregateTotal()).toBe(2);
    expect(await tileCount()).toBe(2);
    const health = await send(context.app, 'GET', '/api/health');
    expect(health.body.replica).toMatchObject({ status: 'streaming', lag_seconds: 0, serving_reads: true });
  });

  it('reports the standby as streaming, with its lag, to the application role too (no pg_read_all_stats)', async () => {
    const asApplication = new Replica(standbyUrl!, { applicationRole: 'sillage_app', primary });
    try {
      expect((await asApplication.pool.query('SELECT current_user AS role')).rows[0].role).toBe('sillage_app');
      await caughtUp();
      const health = await asApplication.health(primary);
      expect(health).toMatchObject({ status: 'streaming', serving_reads: true });
      expect(health.lag_seconds).toBeGreaterThanOrEqual(0);
      expect(health.lag_bytes).toBeGreaterThanOrEqual(0);
    } finally {
      await asApplication.close();
    }
  });

  it('reads from the primary while the standby lags beyond SILLAGE_REPLICA_MAX_LAG_SECONDS, from the standby again once it caught up', async () => {
    const lagging = await openApp('external', (database, config) => attachReplica(database, { ...config, databaseReadUrl: standbyUrl, replicaMaxLagSeconds: 1 }, () => {}), true);
    try {
      await caughtUp();
      const total = async () => {
        const answer = await send(lagging.app, 'GET', aggregateUrl);
        expect(answer.status).toBe(200);
        return (answer.body.items as { count: number }[]).reduce((sum, item) => sum + item.count, 0);
      };
      const before = await total();
      expect(lagging.readFrom.get('GET /api/aggregates/deal-points')).toBe('replica');
      await standby.query('SELECT pg_wal_replay_pause()');
      try {
        expect((await send(lagging.app, 'POST', '/api/deal-points', dealPointBody({ external_id: 'L1' }))).status).toBe(201);
        // Less than a second behind, reads stay on the replica, which does not have the point yet;
        // on a loaded machine the lag may already be measured beyond it: then the primary has it.
        const soon = await total();
        expect(soon).toBe(lagging.readFrom.get('GET /api/aggregates/deal-points') === 'replica' ? before : before + 1);
        // Measured once a second: paused, the standby falls more than a second behind.
        const deadline = Date.now() + 15_000;
        let now = await total();
        while (lagging.readFrom.get('GET /api/aggregates/deal-points') !== 'primary' && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 250));
          now = await total();
        }
        expect(lagging.readFrom.get('GET /api/aggregates/deal-points')).toBe('primary');
        expect(now).toBe(before + 1);
        const health = await send(lagging.app, 'GET', '/api/health');
        expect(health.body.replica).toMatchObject({ status: 'streaming', serving_reads: false });
        // Beyond the limit of 1 s (serving_reads false); reported to a tenth, so 1.04 s reads 1.
        expect(health.body.replica.lag_seconds).toBeGreaterThanOrEqual(1);
      } finally {
        await standby.query('SELECT pg_wal_replay_resume()');
      }
      await caughtUp();
      // Back on the replica once a measure finds it caught up.
      const deadline = Date.now() + 15_000;
      let after = await total();
      while (lagging.readFrom.get('GET /api/aggregates/deal-points') !== 'replica' && Date.now() < deadline) {
        await send(lagging.app, 'GET', '/api/health'); // measures again
        await new Promise((resolve) => setTimeout(resolve, 250));
        after = await total();
      }
      expect(after).toBe(before + 1);
      expect(lagging.readFrom.get('GET /api/aggregates/deal-points')).toBe('replica');
    } finally {
      await closeApp(lagging);
    }
  });

  it('reads from the primary when the standby drops its connections, and from the standby again a few seconds later', async () => {
    await caughtUp();
    const points = Number((await primary.query('SELECT count(*) FROM deal_points')).rows[0].count);
    expect(await aggregateTotal()).toBe(points);
    expect(context.readFrom.get('GET /api/aggregates/deal-points')).toBe('replica');
    // The standby ends every connection of the app's replica pool (as a restart would).
    const { rows: ended } = await standby.query<{ ended: boolean }>(
      `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
    );
    expect(ended.length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await aggregateTotal()).toBe(points);
    expect(context.readFrom.get('GET /api/aggregates/deal-points')).toBe('primary');
    expect((await send(context.app, 'GET', '/api/health')).body.replica.serving_reads).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 5200));
    expect(await aggregateTotal()).toBe(points);
    expect(context.readFrom.get('GET /api/aggregates/deal-points')).toBe('replica');
  });
});

describe.skipIf(!externalUrl())(`an unreachable replica on the external database (${externalUrl() ? 'DATABASE_URL' : 'skipped: DATABASE_URL is not set'})`, () => {
  let context: ReplicaContext;
  let port: number;
  beforeAll(async () => {
    port = await closedPort();
    context = await openApp('external', (database, config) => attachReplica(database, { ...config, databaseReadUrl: `postgres://postgres@127.0.0.1:${port}/postgres` }, () => {}));
  });
  afterAll(async () => closeApp(context));

  it('does not stop the server: replica routes answer from the primary, the outage is a health status without address', async () => {
    expect(context.database.replica).toBeTruthy();
    await send(context.app, 'POST', '/api/deal-points', dealPointBody({ external_id: 'U1' }));
    // The first read meets the outage and is run again on the primary; the next ones go there at once.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const aggregates = await send(context.app, 'GET', aggregateUrl);
      expect(aggregates.status).toBe(200);
      expect((aggregates.body.items as { count: number }[]).reduce((sum, item) => sum + item.count, 0)).toBe(1);
      expect(context.readFrom.get('GET /api/aggregates/deal-points')).toBe('primary');
      const commune = await send(context.app, 'GET', '/api/communes/84089');
      expect(commune.status).toBe(200);
      expect(commune.body.properties.name).toBe('Pertuis');
    }
    const health = await send(context.app, 'GET', '/api/health');
    expect(health.status).toBe(200);
    expect(health.body.replica).toEqual({ status: 'unavailable', lag_seconds: null, lag_bytes: null, serving_reads: false });
    expect(health.body.database.mode).toBe('external');
    expect(JSON.stringify(health.body)).not.toContain(String(port));
  });
});
