/**
 * The databases API tests run against: always the embedded PGlite, and the real PostgreSQL when
 * DATABASE_URL is set. Each file starts from empty business tables (reference data kept).
 */
import pg from 'pg';
import { inject } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { readVersions, type Database } from '../../server/database/connection.js';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { readdirSync } from 'node:fs';
import type { Role } from '../../server/domain/access.js';
import { createUser } from '../../server/services/auth.js';
import { setDefaultSession, type TestSession } from './requests.js';
import { migrationsDirectory } from '../../server/database/migrations.js';

/** Name of the newest migration file: the level a fully migrated database reports. */
export const latestMigration = readdirSync(migrationsDirectory).filter((f) => f.endsWith('.sql')).sort().at(-1)!.replace(/\.sql$/, '');

export type Target = 'embedded' | 'external';

/** Which of the run's database pairs this file uses: one per worker (VITEST_POOL_ID counts from 1). */
function workerIndex(count: number): number {
  return (Math.max(1, Number(process.env.VITEST_POOL_ID) || 1) - 1) % count;
}

/** Loopback port of this worker's embedded PGlite. */
export function embeddedPort(): number {
  const ports = inject('embeddedPorts');
  return ports[workerIndex(ports.length)];
}

/** This worker's copy of the DATABASE_URL database, or null when the run has none. */
export function externalUrl(): string | null {
  const urls = inject('externalUrls');
  return urls.length ? urls[workerIndex(urls.length)] : null;
}

/**
 * This worker's database on the streaming standby of DATABASE_READ_URL (.ci/run starts one), or
 * null when the run has none.
 */
export function replicaUrl(): string | null {
  const urls = inject('replicaUrls');
  return urls.length ? urls[workerIndex(urls.length)] : null;
}

export function targets(): Target[] {
  return externalUrl() ? ['embedded', 'external'] : ['embedded'];
}

export function connect(target: Target): Database {
  const pool = target === 'embedded'
    ? new pg.Pool({ host: '127.0.0.1', port: embeddedPort(), user: 'postgres', database: 'postgres', max: 1 })
    : new pg.Pool({ connectionString: externalUrl()!, max: 4 });
  return { mode: target, pool, close: () => pool.end() };
}

/** The business tables, emptied between test files (what references them goes too). */
export const businessTables = {
  truncate: 'TRUNCATE public_reports, deal_point_observations, deal_point_status_events, deal_points, operations, networks, import_runs RESTART IDENTITY CASCADE',
};

export async function emptyBusinessTables(pool: pg.Pool): Promise<void> {
  await pool.query(businessTables.truncate);
}

export interface TestContext { app: FastifyInstance; database: Database }

export const testPassword = 'mot-de-passe-de-test-2026';

/** The test account of a role (created once, idempotently: the external database persists). */
export async function ensureUser(pool: pg.Pool, role: Role, departments: string[] = []): Promise<string> {
  const username = `test.${role}${departments.length ? `.${departments.join('-')}` : ''}`.toLowerCase();
  const { rows } = await pool.query('SELECT 1 FROM users WHERE username = $1', [username]);
  if (rows.length === 0) await createUser(pool, { username, password: testPassword, role, departments });
  return username;
}

/** Signs a role in and returns its session; `send` uses it when given. */
export async function signInAs(context: TestContext, role: Role, departments: string[] = []): Promise<TestSession> {
  const username = await ensureUser(context.database.pool, role, departments);
  const response = await context.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username, password: testPassword } });
  if (response.statusCode !== 200) throw new Error(`sign-in of ${username} failed: ${response.body}`);
  const cookie = response.cookies.find((c) => c.name === 'sillage_session')!;
  return { cookie: `sillage_session=${cookie.value}`, csrf: response.json().csrf_token, username };
}

/**
 * Builds the real app over `target`, with empty business tables, signed in as a national analyst
 * by default (requests through `send` carry that session unless told otherwise).
 */
export async function openTestApp(target: Target, configOverrides: Partial<ReturnType<typeof loadConfig>> = {}, role: Role | null = 'national_analyst'): Promise<TestContext> {
  const database = connect(target);
  await emptyBusinessTables(database.pool);
  const app = await buildApp({
    database, databaseVersions: await readVersions(database.pool),
    config: { ...loadConfig({}), ...configOverrides }, serveWeb: false,
    // Every JSON answer is checked against its route's response schema (SILLAGE_CHECK_RESPONSES=0 turns it off).
    checkResponses: process.env.SILLAGE_CHECK_RESPONSES !== '0',
  });
  const context = { app, database };
  if (role) setDefaultSession(app, await signInAs(context, role, role === 'departmental_analyst' || role === 'prefect' ? ['84'] : []));
  return context;
}

export async function closeTestApp(context: TestContext | undefined): Promise<void> {
  if (!context) return;
  await context.app.close();
  await context.database.close();
}

/** Row counts of every business table, to prove a rejected request stored nothing. */
export async function tableCounts(pool: pg.Pool): Promise<Record<string, number>> {
  const { rows } = await pool.query<Record<string, number>>(`
    SELECT (SELECT count(*)::int FROM deal_points) AS deal_points,
           (SELECT count(*)::int FROM deal_point_status_events) AS status_events,
           (SELECT count(*)::int FROM deal_point_observations) AS observations,
           (SELECT count(*)::int FROM operations) AS operations,
           (SELECT count(*)::int FROM networks) AS networks,
           (SELECT coalesce(sum(version), 0)::int FROM deal_points) AS deal_point_versions`);
  return rows[0];
}
