/**
 * The planted demo scenario, loaded once per test database and run: the first file that asks for
 * it empties the business tables, loads it through the real importers (server/services/scenario.ts)
 * and copies the tables the load wrote into a cache schema; later files of the same run get those
 * rows back (business tables emptied, rows copied with triggers off, identities and statistics
 * reset) in about a second instead of 10-30 s. tests/api/scenario-cache.test.ts checks that a
 * restored database equals a freshly loaded one, table by table.
 */
import type pg from 'pg';
import { buildScenarioFiles, loadScenario } from '../../server/services/scenario.js';
import { businessTables } from './databases.js';

/** Tables the scenario's load writes (directly or through triggers), in an order that keeps foreign keys. */
export const scenarioTables = [
  'networks', 'operations', 'deal_points', 'deal_point_identifiers', 'deal_point_status_events', 'deal_point_observations',
  'deal_point_histories', 'history_month_changes', 'import_runs',
] as const;

const cacheSchema = (seed: number) => `test_scenario_cache_${seed}`;

/** Columns that can be written (not generated), in table order. */
async function writableColumns(client: pg.PoolClient, table: string): Promise<string[]> {
  const { rows } = await client.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position`, [table]);
  return rows.map((r) => `"${r.column_name}"`);
}

/** The level the cache was made at: a cache of another migration level is made again. */
async function migrationLevel(client: pg.PoolClient): Promise<string> {
  const { rows } = await client.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY run_on DESC, id DESC LIMIT 1');
  return rows[0]?.name ?? '';
}

async function cacheIsValid(client: pg.PoolClient, schema: string, level: string): Promise<boolean> {
  const { rows } = await client.query<{ ok: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [`${schema}.made_at_level`]);
  if (!rows[0].ok) return false;
  const { rows: [made] } = await client.query<{ level: string }>(`SELECT level FROM ${schema}.made_at_level`);
  return made?.level === level;
}

/**
 * The business tables emptied and the planted scenario of `seed` loaded, from the cache when this
 * run already loaded it into this database. Answers whether the cache served it.
 */
export async function loadPlantedScenario(pool: pg.Pool, seed = 20190101): Promise<{ cached: boolean }> {
  const schema = cacheSchema(seed);
  let client = await pool.connect();
  let released = false;
  try {
    const level = await migrationLevel(client);
    if (await cacheIsValid(client, schema, level)) {
      // One connection throughout: the embedded database has a single session.
      await client.query(businessTables.truncate);
      await client.query('BEGIN');
      // Triggers off: the derived tables (histories, month islands) come back as they were made.
      await client.query('SET LOCAL session_replication_role = replica');
      for (const table of scenarioTables) {
        const columns = (await writableColumns(client, table)).join(', ');
        await client.query(`INSERT INTO public.${table} (${columns}) OVERRIDING SYSTEM VALUE SELECT ${columns} FROM ${schema}.${table}`);
      }
      await client.query('COMMIT');
      for (const table of scenarioTables) {
        const { rows: sequences } = await client.query<{ column: string; sequence: string }>(
          `SELECT a.attname AS column, pg_get_serial_sequence(format('public.%I', c.relname), a.attname) AS sequence
           FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relname = $1 AND a.attnum > 0 AND NOT a.attisdropped
             AND pg_get_serial_sequence(format('public.%I', c.relname), a.attname) IS NOT NULL`, [table]);
        for (const { column, sequence } of sequences) {
          await client.query(`SELECT setval($1, coalesce((SELECT max("${column}") FROM public.${table}), 0) + 1, false)`, [sequence]);
        }
      }
      // Readers that key caches on the data version see a new one.
      await client.query('UPDATE data_version SET version = version + 1');
      await client.query(`ANALYZE ${scenarioTables.join(', ')}`);
      return { cached: true };
    }
    await client.query(businessTables.truncate);
    client.release();
    released = true;
    await loadScenario(pool, buildScenarioFiles(seed, 'planted'));
    client = await pool.connect();
    released = false;
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.query(`CREATE SCHEMA ${schema}`);
    for (const table of scenarioTables) await client.query(`CREATE TABLE ${schema}.${table} AS SELECT * FROM public.${table}`);
    await client.query(`CREATE TABLE ${schema}.made_at_level (level text NOT NULL)`);
    await client.query(`INSERT INTO ${schema}.made_at_level VALUES ($1)`, [level]);
    return { cached: false };
  } catch (error) {
    if (!released) await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    if (!released) client.release();
  }
}
