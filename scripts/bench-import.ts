/**
 * Benchmark: importing deal points (CSV) through Sillage's streamed import (validation, commune
 * derivation, H3 cells, upsert, status histories), read from a file on disk, against COPY of the
 * same file into a bare table (PostgreSQL; on the embedded database, a raw unnest insert), in the
 * same run and database; then the idempotent re-run; peak memory of this process at each size, to
 * show it flat in the file's size (the file is streamed, never held whole).
 * Uses DATABASE_URL when set, else a throwaway embedded database.
 *   npm run bench -- import [--rows 100000,1000000]
 */
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { from as copyFrom } from 'pg-copy-streams';
import { loadConfig } from '../server/config.js';
import { prepareDatabase } from '../server/server.js';
import { importFile } from '../server/services/imports.js';
import { referenceDirectory } from '../server/reference-files.js';
import { progressReporter } from './progress.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' } } });
const sizes = values.rows!.split(',').map(Number);
const progress = progressReporter();
let peakRss = 0;
const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 50);

const towns = (parse(gunzipSync(readFileSync(join(referenceDirectory, 'communes.csv.gz'))), { columns: true }) as { kind: string; population: string; lon: string; lat: string; department_code: string }[])
  .filter((c) => c.kind === 'COM' && Number(c.population) >= 20000 && !c.department_code.startsWith('97'));

/** Writes `count` deterministic rows (points within 250 m of towns of 20,000+) to a CSV file, streamed. */
async function writeCsv(path: string, count: number): Promise<void> {
  let s = 42;
  const next = () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
  const out = createWriteStream(path);
  out.write('external_id;source;lat;lon;first_seen_on;dismantled_on;products\n');
  for (let i = 0; i < count; i++) {
    const town = towns[Math.floor(next() * towns.length)];
    const longitude = Number(town.lon) + (next() - 0.5) * 0.006;
    const latitude = Number(town.lat) + (next() - 0.5) * 0.004;
    const firstSeen = `${2019 + Math.floor(next() * 6)}-0${1 + Math.floor(next() * 9)}-15`;
    const dismantled = next() < 0.3 ? '2025-03-01' : '';
    if (!out.write(`BENCH-${i};douane;${latitude.toFixed(6).replace('.', ',')};${longitude.toFixed(6).replace('.', ',')};${firstSeen};${dismantled};cannabis_resine\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const config = loadConfig();
const scratch = mkdtempSync(join(tmpdir(), 'sillage-bench-'));
const database = await prepareDatabase({ ...config, dataDirectory: config.databaseUrl ? config.dataDirectory : scratch }, { onProgress: progress.step, onReferenceProgress: progress.count });
const pool = database.pool;
const clear = () => pool.query(`DELETE FROM deal_points WHERE source_code = 'douane' AND external_id LIKE 'BENCH-%'`);

async function timed<T>(work: () => Promise<T>): Promise<[T, number, number]> {
  peakRss = process.memoryUsage().rss;
  const started = performance.now();
  const result = await work();
  return [result, (performance.now() - started) / 1000, peakRss];
}

/** The baseline: the same file loaded with no checks at all (COPY on PostgreSQL; unnest batches on PGlite). */
async function rawLoad(path: string): Promise<void> {
  const client = await pool.connect();
  try {
    // A temporary table: the application role may not create tables in the schema.
    await client.query('CREATE TEMP TABLE bench_raw_points (external_id text, source_code text, lat text, lon text, first_seen_on date, dismantled_on date, products text)');
    if (database.mode === 'external') {
      await pipeline(createReadStream(path), client.query(copyFrom("COPY bench_raw_points FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER true)")));
    } else {
      const rows = (parse(readFileSync(path), { delimiter: ';', columns: true }) as Record<string, string>[]);
      for (let start = 0; start < rows.length; start += 20000) {
        const batch = rows.slice(start, start + 20000);
        await client.query('INSERT INTO bench_raw_points SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[], $6::date[], $7::text[])',
          ['external_id', 'source', 'lat', 'lon', 'first_seen_on', 'dismantled_on', 'products'].map((c) => batch.map((r) => (r[c] === '' && c.endsWith('_on') ? null : r[c]))));
      }
    }
    await client.query('DROP TABLE bench_raw_points');
  } finally { client.release(); }
}

const lines: string[] = [];
for (const rowCount of sizes) {
  const path = join(scratch, `bench-${rowCount}.csv`);
  progress.step(`writing a CSV of ${rowCount} rows`);
  await writeCsv(path, rowCount);
  const sizeBytes = statSync(path).size;
  const megabytes = sizeBytes / 1e6;
  await clear();
  progress.step(`raw load of ${rowCount} rows (baseline)`);
  const [, rawSeconds] = await timed(() => rawLoad(path));
  progress.step(`importing ${rowCount} rows`);
  const [first, importSeconds, importRss] = await timed(() => importFile(pool, createReadStream(path), { onProgress: progress.count, sizeBytes }));
  const [second, rerunSeconds] = await timed(() => importFile(pool, createReadStream(path), { onProgress: progress.count, sizeBytes }));
  await clear();
  lines.push(
    `  ${rowCount.toLocaleString('en')} rows (${megabytes.toFixed(0)} MB)`,
    `    ${database.mode === 'external' ? 'COPY' : 'raw unnest insert'} (baseline) : ${rawSeconds.toFixed(1)} s  (${Math.round(rowCount / rawSeconds)} rows/s)`,
    `    Sillage import, first run : ${importSeconds.toFixed(1)} s  (${Math.round(rowCount / importSeconds)} rows/s), ${(rawSeconds / importSeconds).toFixed(3)}x the baseline's speed (target >= 0.3x); inserted ${first.inserted}`,
    `    Sillage import, re-run    : ${rerunSeconds.toFixed(1)} s, ${second.unchanged} unchanged, ${second.inserted} inserted, ${second.updated} updated`,
    `    peak memory (RSS) of the import: ${Math.round(importRss / 1e6)} MB`,
  );
  rmSync(path);
  // Each size as it ends: a million rows take long, and the smaller sizes stay on record.
  console.log(`\n${lines.slice(-5).join('\n')}`);
}
progress.stop();
await database.close();
rmSync(scratch, { recursive: true, force: true });
clearInterval(sampler);
console.log(`\nImport benchmark (${database.mode} database, deal points, file streamed from disk)`);
console.log(lines.join('\n'));
