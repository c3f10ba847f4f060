/**
 * The databases API tests run against: always the embedded PGlite, and the real PostgreSQL when
 * DATABASE_URL is set. Each file starts from empty business tables (reference data kept).
 */
import pg from 'pg';
import { inject } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { readVersions, type Database } from '../../server/database.js';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { readdirSync } from 'node:fs';
import { migrationsDirectory } from '../../server/migrations.js';

/** Name of the newest migration file: the level a fully migrated database reports. */
export const latestMigration = readdirSync(migrationsDirectory).filter((f) => f.endsWith('.sql')).sort().at(-1)!.replace(/\.sql$/, '');

export type Target = 'embedded' | 'external';

export function targets(): Target[] {
  return inject('externalUrl') ? ['embedded', 'external'] : ['embedded'];
}

export function connect(target: Target): Database {
  const pool = target === 'embedded'
    ? new pg.Pool({ host: '127.0.0.1', port: inject('embeddedPort'), user: 'postgres', database: 'postgres', max: 1 })
    : new pg.Pool({ connectionString: inject('externalUrl')!, max: 4 });
  return { mode: target, pool, close: () => pool.end() };
}

export async function emptyBusinessTables(pool: pg.Pool): Promise<void> {
  await pool.query('TRUNCATE deal_point_observations, deal_point_status_events, deal_points, operations, networks RESTART IDENTITY CASCADE');
}

export interface TestContext { app: FastifyInstance; database: Database }

/** Builds the real app over `target`, with empty business tables. */
export async function openTestApp(target: Target, configOverrides: Partial<ReturnType<typeof loadConfig>> = {}): Promise<TestContext> {
  const database = connect(target);
  await emptyBusinessTables(database.pool);
  const app = await buildApp({
    database, databaseVersions: await readVersions(database.pool),
    config: { ...loadConfig({}), ...configOverrides }, serveWeb: false,
  });
  return { app, database };
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
