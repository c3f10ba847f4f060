/**
 * Faults survived, on a throwaway PostgreSQL of its own (started with .ci/postgres.sh on another
 * port, so that stopping it disturbs no other test): PostgreSQL closing idle pooled connections,
 * stopping under busy ones, staying down, coming back. The server stays up, answers 503 with
 * Retry-After and a French message (no host, no port, no database message) while it is down,
 * recovers by itself, and loses no write it accepted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { externalUrl } from '../helpers/databases.js';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { openExternalDatabase, readVersions, type Database } from '../../server/database/connection.js';
import { migrate } from '../../server/database/migrations.js';
import { loadReferenceData } from '../../server/reference-data.js';
import { createUser } from '../../server/services/auth.js';
import { dealPointBody, send, type TestSession } from '../helpers/requests.js';

const pgctl = '/usr/lib/postgresql/15/bin/pg_ctl';
const runnable = !!externalUrl() && existsSync(pgctl) && process.getuid?.() === 0;
const port = Number(process.env.SILLAGE_FAULT_PG_PORT ?? 54339);

describe.skipIf(!runnable)('faults on a throwaway PostgreSQL of its own', () => {
  let dataDirectory: string;
  let url: string;
  let database: Database;
  let app: FastifyInstance;
  let session: TestSession;
  const processErrors: unknown[] = [];
  const onUncaught = (error: unknown) => processErrors.push(error);

  const pgCtl = (action: 'stop' | 'start') => execFileSync('runuser', ['-u', 'postgres', '--', pgctl, '-D', dataDirectory, '-w', '-m', 'fast',
    ...(action === 'start' ? ['-l', `${dataDirectory}/server.log`, '-o', `-p ${port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off`] : []), action], { stdio: 'ignore' });

  beforeAll(async () => {
    const output = execFileSync('bash', ['.ci/postgres.sh', 'start'], { env: { ...process.env, SILLAGE_PG_PORT: String(port) }, encoding: 'utf8' });
    dataDirectory = /PGDATA_SILLAGE=(\S+)/.exec(output)![1];
    url = /DATABASE_URL=(\S+)/.exec(output)![1];
    const setup = await openExternalDatabase(url);
    await migrate(setup.pool);
    await loadReferenceData(setup.pool);
    await createUser(setup.pool, { username: 'faults.analyst', password: 'mot-de-passe-des-pannes', role: 'national_analyst' });
    await setup.close();
    process.on('uncaughtException', onUncaught);
    database = await openExternalDatabase(url);
    app = await buildApp({ database, databaseVersions: await readVersions(database.pool), config: loadConfig({}), serveWeb: false });
    const signedIn = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'faults.analyst', password: 'mot-de-passe-des-pannes' } });
    session = { cookie: `sillage_session=${signedIn.cookies.find((c) => c.name === 'sillage_session')!.value}`, csrf: signedIn.json().csrf_token, username: 'faults.analyst' };
  }, 120_000);

  afterAll(async () => {
    process.off('uncaughtException', onUncaught);
    await app?.close().catch(() => {});
    await database?.close().catch(() => {});
    if (dataDirectory) execFileSync('bash', ['.ci/postgres.sh', 'stop', dataDirectory], { stdio: 'ignore' });
  });

  const accepted: string[] = [];
  const write = async (externalId: string) => {
    const response = await send(app, 'POST', '/api/deal-points', dealPointBody({ external_id: externalId }), undefined, session);
    if (response.status === 201) accepted.push(externalId);
    return response;
  };
  const expectUnavailable = (response: { status: number; body: any; headers: Record<string, unknown> }) => {
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBeTruthy();
    expect(response.body.error).toBe('database_unavailable');
    expect(response.body.message).toMatch(/momentanément indisponible/);
    expect(JSON.stringify(response.body)).not.toMatch(new RegExp(`${port}|127\\.0\\.0\\.1|ECONN|postgres|terminat`, 'i'));
  };

  it('survives PostgreSQL closing its idle pooled connections', async () => {
    expect((await write('FAULT-1')).status).toBe(201);
    // Several idle connections in the pool, then the server ends every one of them.
    await Promise.all([1, 2, 3, 4].map(() => send(app, 'GET', '/api/deal-points?limit=5', undefined, undefined, session)));
    expect(database.pool.idleCount).toBeGreaterThan(0);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const { rowCount } = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`);
    await admin.end();
    expect(rowCount).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(processErrors).toEqual([]);
    expect((await send(app, 'GET', '/api/deal-points?limit=5', undefined, undefined, session)).status).toBe(200);
    expect((await write('FAULT-2')).status).toBe(201);
  });

  it('answers 503 while PostgreSQL is stopped under busy connections, then recovers by itself', async () => {
    // Busy: requests in flight when PostgreSQL stops.
    const inFlight = Array.from({ length: 6 }, (_, i) => (i % 2 ? write(`FAULT-BUSY-${i}`) : send(app, 'GET', '/api/deal-points?limit=100', undefined, undefined, session)));
    pgCtl('stop');
    const answers = await Promise.all(inFlight);
    for (const answer of answers) expect([200, 201, 503]).toContain(answer.status);
    // Down: every kind of request gets a 503, no internals; the process stays up.
    expectUnavailable(await send(app, 'GET', '/api/deal-points?limit=5', undefined, undefined, session));
    expectUnavailable(await write('FAULT-DOWN'));
    expectUnavailable(await send(app, 'POST', '/api/auth/sign-in', { username: 'faults.analyst', password: 'mot-de-passe-des-pannes' }, undefined, null));
    expectUnavailable(await send(app, 'GET', `/api/aggregates/deal-points?group=department`, undefined, undefined, session));
    expectUnavailable(await send(app, 'GET', '/api/health', undefined, undefined, null));
    expect(processErrors).toEqual([]);
    // Back: the pool reconnects on its own.
    pgCtl('start');
    let recovered = 0;
    for (let attempt = 0; attempt < 40 && recovered === 0; attempt++) {
      const response = await send(app, 'GET', '/api/deal-points?limit=5', undefined, undefined, session);
      if (response.status === 200) recovered = attempt + 1;
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(recovered).toBeGreaterThan(0);
    expect((await write('FAULT-3')).status).toBe(201);
    expect(processErrors).toEqual([]);
  });

  it('lost no write it accepted, and stored none it refused', async () => {
    const { rows } = await database.pool.query<{ external_id: string }>(`SELECT external_id FROM deal_points WHERE external_id LIKE 'FAULT-%'`);
    const stored = new Set(rows.map((r) => r.external_id));
    for (const id of accepted) expect(stored.has(id), id).toBe(true);
    expect(stored.has('FAULT-DOWN')).toBe(false);
    expect(accepted.length).toBeGreaterThanOrEqual(3);
  });
});
