/**
 * The scale benchmark's national histories (bench-scale.ts): each scale its own database
 * (sillage_bench_scale_N) in DATABASE_URL's cluster, built once and kept: the demo scenario, then
 * N-1 jittered copies of every deal point made in SQL, every constraint kept.
 */
import pg from 'pg';
import { latLngToCell } from 'h3-js';
import { loadConfig } from '../server/config.js';
import { prepareDatabase } from '../server/server.js';
import type { progressReporter } from './progress.js';

type Progress = ReturnType<typeof progressReporter>;

/** The database of one scale, in the cluster of `adminUrl`. */
export const urlOf = (adminUrl: string, scale: number) => { const u = new URL(adminUrl); u.pathname = `/sillage_bench_scale_${scale}`; return u.toString(); };
const builtMarker = (scale: number) => `bench-scale:${scale}`;

async function databaseExists(admin: pg.Client, scale: number): Promise<boolean> {
  const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [`sillage_bench_scale_${scale}`]);
  return rows.length > 0;
}
async function isBuilt(adminUrl: string, scale: number): Promise<boolean> {
  const client = new pg.Client(urlOf(adminUrl, scale));
  await client.connect();
  try {
    const { rows } = await client.query('SELECT 1 FROM reference_loads WHERE name = $1', [builtMarker(scale)]).catch(() => ({ rows: [] }));
    return rows.length > 0;
  } finally { await client.end(); }
}

export function* random(seed: number) { let s = seed >>> 0; for (;;) { s = (s * 1664525 + 1013904223) >>> 0; yield s / 2 ** 32; } }

/**
 * Adds `copies` jittered copies of the demo's points, ten copies a statement. Row triggers are off
 * (session_replication_role = replica) and what they would do is done here, set-wise: the copy
 * keeps its original's commune, and a moved point that would leave it stays where it was (the
 * commune trigger); identifiers are recorded (the registry trigger); foreign keys hold by
 * construction; CHECK and UNIQUE constraints stay on. Then the stored histories are rebuilt.
 */
async function multiply(pool: pg.Pool, copies: number, progress: Progress): Promise<void> {
  const { rows: base } = await pool.query<{ id: string; lon: number; lat: number; linked: boolean }>(`
    SELECT d.id, ST_X(d.geom) AS lon, ST_Y(d.geom) AS lat,
           EXISTS (SELECT 1 FROM deal_point_status_events e WHERE e.deal_point_id = d.id AND e.operation_id IS NOT NULL) AS linked
    FROM deal_points d ORDER BY d.id`);
  const rng = random(18);
  const next = () => rng.next().value as number;
  const client = await pool.connect();
  try {
    await client.query(`SET session_replication_role = replica`);
    await client.query('CREATE TEMP TABLE bench_copies (copy_id bigint PRIMARY KEY, original_id bigint NOT NULL, shift integer NOT NULL)');
    for (let first = 1; first <= copies; first += 10) {
      const last = Math.min(copies, first + 9);
      const original: string[] = []; const copy: number[] = []; const lon: number[] = []; const lat: number[] = []; const shift: number[] = [];
      const r7: string[] = []; const r8: string[] = []; const r9: string[] = [];
      for (let k = first; k <= last; k += 1) {
        for (const p of base) {
          const x = p.lon + (next() - 0.5) * 0.004;
          const y = p.lat + (next() - 0.5) * 0.0027;
          original.push(p.id); copy.push(k); lon.push(x); lat.push(y); shift.push(p.linked ? 0 : Math.round((next() - 0.5) * 90));
          r7.push(latLngToCell(y, x, 7)); r8.push(latLngToCell(y, x, 8)); r9.push(latLngToCell(y, x, 9));
        }
      }
      await client.query('BEGIN');
      await client.query('TRUNCATE bench_copies');
      await client.query(`
        WITH src AS (
          SELECT * FROM unnest($1::bigint[], $2::int[], $3::float8[], $4::float8[], $5::text[], $6::text[], $7::text[], $8::int[]) AS t(original, k, lon, lat, r7, r8, r9, shift)
        ), moved AS (
          SELECT s.*, ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326) AS jittered FROM src s
        ), placed AS (
          SELECT m.*, d.geom AS original_geom, d.commune_insee, d.h3_r7, d.h3_r8, d.h3_r9, d.products, d.source_code, d.external_id, d.network_id, d.dataset, d.verification, d.created_at, d.updated_at,
                 c.geom && m.jittered AND ST_Intersects(c.geom, m.jittered) AS inside
          FROM moved m JOIN deal_points d ON d.id = m.original JOIN communes c ON c.insee = d.commune_insee
        ), inserted AS (
          INSERT INTO deal_points (geom, commune_insee, h3_r7, h3_r8, h3_r9, products, source_code, external_id, network_id, dataset, verification, created_at, updated_at)
          SELECT CASE WHEN inside THEN jittered ELSE original_geom END, commune_insee,
                 CASE WHEN inside THEN r7 ELSE h3_r7 END, CASE WHEN inside THEN r8 ELSE h3_r8 END, CASE WHEN inside THEN r9 ELSE h3_r9 END,
                 products, source_code, left(COALESCE(external_id, 'p' || original), 80) || '~' || k || '~' || original, network_id, dataset, verification, created_at, updated_at
          FROM placed
          RETURNING id, source_code, external_id
        ), identifiers AS (
          INSERT INTO deal_point_identifiers (source_code, external_id, deal_point_id) SELECT source_code, external_id, id FROM inserted
        )
        INSERT INTO bench_copies (copy_id, original_id, shift)
        SELECT i.id, s.original, s.shift FROM inserted i
        JOIN src s ON s.original = split_part(i.external_id, '~', 3)::bigint AND s.k = split_part(i.external_id, '~', 2)::int`,
      [original, copy, lon, lat, r7, r8, r9, shift]);
      await client.query(`
        INSERT INTO deal_point_status_events (deal_point_id, status, effective_on, operation_id, recorded_at)
        SELECT b.copy_id, e.status, e.effective_on + b.shift, e.operation_id, e.recorded_at
        FROM bench_copies b JOIN deal_point_status_events e ON e.deal_point_id = b.original_id
        WHERE e.effective_on + b.shift >= DATE '2000-01-01'`);
      await client.query(`
        INSERT INTO deal_point_observations (deal_point_id, observed_on, activity_level, estimated_daily_transactions, source_code)
        SELECT b.copy_id, o.observed_on + b.shift, o.activity_level, o.estimated_daily_transactions, o.source_code
        FROM bench_copies b JOIN deal_point_observations o ON o.deal_point_id = b.original_id
        WHERE o.observed_on + b.shift >= DATE '2000-01-01'`);
      await client.query(`SELECT deal_point_histories_refresh(ARRAY(SELECT copy_id FROM bench_copies))`);
      await client.query('COMMIT');
      progress.count('copies of the demo', last, copies);
    }
    // The pre-aggregated monthly changes (migration 0024) follow the histories by triggers, off here.
    await client.query(`SELECT history_month_changes_rebuild()`);
    await client.query(`ANALYZE history_month_changes`);
    await client.query(`UPDATE data_version SET version = version + 1`);
  } finally {
    await client.query('RESET session_replication_role').catch(() => {});
    client.release();
  }
}

export async function ensureScale(adminUrl: string, scale: number, progress: Progress): Promise<void> {
  const admin = new pg.Client(adminUrl);
  await admin.connect();
  try {
    if (await databaseExists(admin, scale) && await isBuilt(adminUrl, scale)) {
      // Migrations added since the build are applied (as a start would).
      await (await prepareDatabase({ ...loadConfig({}), databaseUrl: urlOf(adminUrl, scale), loadDemo: false, applicationRole: null })).close();
      return;
    }
    if (scale > 1) await ensureScale(adminUrl, 1, progress);
    progress.step(`building the ${scale}x national history (database sillage_bench_scale_${scale}, kept for later runs)`);
    await admin.query(`DROP DATABASE IF EXISTS sillage_bench_scale_${scale}`);
    await admin.query(scale === 1 ? `CREATE DATABASE sillage_bench_scale_1` : `CREATE DATABASE sillage_bench_scale_${scale} TEMPLATE sillage_bench_scale_1`);
  } finally { await admin.end(); }
  const database = await prepareDatabase({ ...loadConfig({}), databaseUrl: urlOf(adminUrl, scale), loadDemo: true, applicationRole: null }, { onProgress: progress.step, onReferenceProgress: progress.count });
  try {
    if (scale > 1) {
      await database.pool.query(`DELETE FROM reference_loads WHERE name LIKE 'bench-scale:%'`);
      await multiply(database.pool, scale - 1, progress);
      progress.step('VACUUM ANALYZE');
      await database.pool.query('VACUUM ANALYZE');
    }
    await database.pool.query(`INSERT INTO reference_loads (name, checksum, rows) SELECT $1, 'bench', count(*) FROM deal_points`, [builtMarker(scale)]);
  } finally { await database.close(); }
}
