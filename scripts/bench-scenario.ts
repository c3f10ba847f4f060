/**
 * Benchmark: the whole demo scenario generated and loaded on a fresh embedded database (target:
 * under two minutes), against a raw SQL insert of the same points and observations in the same
 * database (baseline). Prints the phases and the peak memory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../server/config.js';
import { prepareDatabase } from '../server/server.js';
import { buildScenarioFiles, defaultScenarioSeed, loadScenario, readScenarioGeography } from '../server/services/scenario.js';
import { readPoints } from '../tests/helpers/scenario-counts.js';

let peakRss = 0;
const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 50);
const seconds = (start: number) => (performance.now() - start) / 1000;

const scratch = mkdtempSync(join(tmpdir(), 'sillage-bench-scenario-'));
let t = performance.now();
const database = await prepareDatabase({ ...loadConfig({}), dataDirectory: scratch, databaseUrl: null, loadDemo: false });
const prepareSeconds = seconds(t);

t = performance.now();
const geography = readScenarioGeography();
const readSeconds = seconds(t);
t = performance.now();
const files = buildScenarioFiles(defaultScenarioSeed, 'planted', geography);
const generateSeconds = seconds(t);
t = performance.now();
const report = await loadScenario(database.pool, files);
const loadSeconds = seconds(t);

// Baseline: the same points and observations inserted raw (no checks, no commune, no history).
const points = readPoints(files['deal-points.csv']);
const observations = files['observations.csv'].trim().split('\n').slice(1).map((l) => l.split(';'));
await database.pool.query('CREATE TABLE bench_points (external_id text, geom geometry(Point, 4326))');
await database.pool.query('CREATE TABLE bench_observations (external_id text, observed_on date, level int, transactions int)');
t = performance.now();
await database.pool.query(
  `INSERT INTO bench_points SELECT e, ST_SetSRID(ST_MakePoint(x, y), 4326) FROM unnest($1::text[], $2::float8[], $3::float8[]) AS t(e, x, y)`,
  [points.map((p) => p.externalId), points.map((p) => p.longitude), points.map((p) => p.latitude)],
);
for (let start = 0; start < observations.length; start += 20000) {
  const batch = observations.slice(start, start + 20000);
  await database.pool.query(`INSERT INTO bench_observations SELECT * FROM unnest($1::text[], $2::date[], $3::int[], $4::int[])`,
    [batch.map((o) => o[0]), batch.map((o) => o[3]), batch.map((o) => Number(o[4])), batch.map((o) => Number(o[5]))]);
}
const rawSeconds = seconds(t);
await database.close();
rmSync(scratch, { recursive: true, force: true });
clearInterval(sampler);

const total = prepareSeconds + readSeconds + generateSeconds + loadSeconds;
console.log(`\nScenario benchmark (embedded database, fresh data folder)`);
console.log(`  database creation, migrations, reference data : ${prepareSeconds.toFixed(1)} s`);
console.log(`  reading the geography                          : ${readSeconds.toFixed(1)} s`);
console.log(`  generating the scenario                        : ${generateSeconds.toFixed(1)} s (${report.dealPoints} points, ${report.observations} observations, ${report.operations} operations)`);
console.log(`  loading it through the importers               : ${loadSeconds.toFixed(1)} s`);
console.log(`  raw SQL insert of the same rows (baseline)     : ${rawSeconds.toFixed(1)} s -> the import costs ${(loadSeconds / rawSeconds).toFixed(1)}x the raw insert`);
console.log(`  total, from nothing to a loaded demo           : ${total.toFixed(1)} s (target: under 120 s)`);
console.log(`  peak memory (RSS)                              : ${Math.round(peakRss / 1e6)} MB`);
