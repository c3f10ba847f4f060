/**
 * Benchmark: importing 100,000 deal points (CSV) through Sillage's import (validation, commune
 * derivation, H3 cells, upsert, status histories) against a raw SQL insert of the same rows
 * (unnest batches into a bare table), in the same run and database. Then the idempotent re-run.
 * Uses DATABASE_URL when set, else a throwaway embedded database.
 *   npm run bench -- import        (or: tsx scripts/bench-import.ts [rows])
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { loadConfig } from '../server/config.js';
import { prepareDatabase } from '../server/server.js';
import { importFile } from '../server/services/imports.js';
import { referenceDirectory } from '../server/reference-files.js';
import { progressReporter } from './progress.js';

const rowCount = Number(process.argv[2] ?? 100_000);
const progress = progressReporter();
let peakRss = 0;
const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 50);

// Deterministic rows: points within 250 m of the centres of towns of 20,000+ inhabitants.
function* random(seed: number) { let s = seed >>> 0; for (;;) { s = (s * 1664525 + 1013904223) >>> 0; yield s / 2 ** 32; } }
const rng = random(42);
const next = () => rng.next().value as number;
const towns = (parse(gunzipSync(readFileSync(join(referenceDirectory, 'communes.csv.gz'))), { columns: true }) as { kind: string; population: string; lon: string; lat: string; department_code: string }[])
  .filter((c) => c.kind === 'COM' && Number(c.population) >= 20000 && !c.department_code.startsWith('97'));
const rows = Array.from({ length: rowCount }, (_, i) => {
  const town = towns[Math.floor(next() * towns.length)];
  const longitude = Number(town.lon) + (next() - 0.5) * 0.006;
  const latitude = Number(town.lat) + (next() - 0.5) * 0.004;
  const year = 2019 + Math.floor(next() * 6);
  return { externalId: `BENCH-${i}`, longitude, latitude, firstSeen: `${year}-0${1 + Math.floor(next() * 9)}-15`, dismantled: next() < 0.3 ? '2025-03-01' : '' };
});
const csv = ['external_id;source;lat;lon;first_seen_on;dismantled_on;products',
  ...rows.map((r) => `${r.externalId};douane;${r.latitude.toFixed(6).replace('.', ',')};${r.longitude.toFixed(6).replace('.', ',')};${r.firstSeen};${r.dismantled};cannabis_resine`)].join('\n');

const config = loadConfig();
const scratch = config.databaseUrl ? null : mkdtempSync(join(tmpdir(), 'sillage-bench-'));
const database = await prepareDatabase({ ...config, dataDirectory: scratch ?? config.dataDirectory }, { onProgress: progress.step, onReferenceProgress: progress.count });
const pool = database.pool;
await pool.query(`DELETE FROM deal_points WHERE source_code = 'douane' AND external_id LIKE 'BENCH-%'`);

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, (performance.now() - started) / 1000];
}

// Baseline: the same rows, raw INSERT ... SELECT FROM unnest in 20k batches, no checks at all.
await pool.query('DROP TABLE IF EXISTS bench_raw_points');
await pool.query('CREATE TABLE bench_raw_points (external_id text, source_code text, geom geometry(Point, 4326), first_seen_on date, dismantled_on date)');
const [, rawSeconds] = await timed(async () => {
  for (let start = 0; start < rows.length; start += 20000) {
    const batch = rows.slice(start, start + 20000);
    await pool.query(
      `INSERT INTO bench_raw_points SELECT e, 'douane', ST_SetSRID(ST_MakePoint(x, y), 4326), f, nullif(d, '')::date
       FROM unnest($1::text[], $2::float8[], $3::float8[], $4::date[], $5::text[]) AS t(e, x, y, f, d)`,
      [batch.map((r) => r.externalId), batch.map((r) => r.longitude), batch.map((r) => r.latitude), batch.map((r) => r.firstSeen), batch.map((r) => r.dismantled)],
    );
  }
});
await pool.query('DROP TABLE bench_raw_points');

progress.step(`importing ${rowCount} rows`);
const [first, importSeconds] = await timed(() => importFile(pool, csv, { onProgress: progress.count }));
const [second, rerunSeconds] = await timed(() => importFile(pool, csv, { onProgress: progress.count }));
progress.stop();
await pool.query(`DELETE FROM deal_points WHERE source_code = 'douane' AND external_id LIKE 'BENCH-%'`);
await database.close();
if (scratch) rmSync(scratch, { recursive: true, force: true });
clearInterval(sampler);

console.log(`\nImport benchmark (${database.mode} database, ${rowCount} deal points)`);
console.log(`  raw SQL insert (baseline) : ${rawSeconds.toFixed(1)} s  (${Math.round(rowCount / rawSeconds)} rows/s)`);
console.log(`  Sillage import, first run : ${importSeconds.toFixed(1)} s  (${Math.round(rowCount / importSeconds)} rows/s), ${(importSeconds / rawSeconds).toFixed(1)}x the raw insert; inserted ${first.inserted}`);
console.log(`  Sillage import, re-run    : ${rerunSeconds.toFixed(1)} s, ${second.unchanged} unchanged, ${second.inserted} inserted, ${second.updated} updated`);
console.log(`  peak memory (RSS)         : ${Math.round(peakRss / 1e6)} MB`);
