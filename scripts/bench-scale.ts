/**
 * Benchmark: the national history at 1x, 10x and 100x the demo scenario, on a real PostgreSQL.
 * Each scale is its own database in DATABASE_URL's cluster (sillage_bench_scale_N), built once and
 * kept between runs: the demo scenario, then N-1 jittered copies of every deal point made in SQL
 * (locations moved by up to ~150 m inside their commune, H3 cells recomputed, histories shifted by
 * up to 45 days unless linked to an operation, observations following), every constraint kept.
 * At each scale it starts the server in a child process and prints, side by side with the raw SQL
 * each endpoint wraps (same parameters, same database): deal-point tiles z5/z8/z10/z12 at 1 and 50
 * connections, the H3 x month cube and the monthly series (national, one department), an emerging
 * hot spot job (one department), an import of 100,000 rows against COPY, and the server's RSS.
 *   npm run bench -- scale [--scales 1,10,100] [--seconds 5] [--no-import]
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import pg from 'pg';
import { parse } from 'csv-parse/sync';
import { loadConfig } from '../server/config.js';
import { startServer } from '../server/server.js';
import { ensureUser, testPassword } from '../tests/helpers/databases.js';
import { dealPointTileMvt } from '../server/queries/tiles.js';
import { inZoomRange, tileZoomRanges } from '../server/domain/tile-coordinates.js';
import { spansQuery, type SeriesKey } from '../server/services/time-series.js';
import { activeMonthChanges, storedMonthChanges } from '../server/queries/time-series.js';
import { pointHistories, storedPointHistories } from '../server/queries/analyses.js';
import { referenceDirectory } from '../server/reference-files.js';
import { commandLine } from './command-line.js';
import { ensureScale, random, urlOf } from './bench-scale-build.js';
import { fmt, median, ratio, rssOf, tilesAround, underLoad } from './bench-load.js';
import { progressReporter } from './progress.js';
import { routeSweep } from './bench-routes.js';

// --- the server child: `--serve <database url>` -------------------------------------------------
if (process.argv[2] === '--serve') {
  const running = await startServer({ config: { ...loadConfig({}), databaseUrl: process.argv[3], loadDemo: false, port: 0, host: '127.0.0.1', logLevel: 'error' }, logger: { level: 'error' } });
  process.send!({ url: running.url });
  process.on('message', async (message) => {
    // What the RSS holds: V8's heap (live after a full collection, and reserved), Buffers, the rest.
    if (message === 'memory') {
      const before = process.memoryUsage();
      (globalThis as { gc?: () => void }).gc?.();
      process.send!({ before, after: process.memoryUsage() });
      return;
    }
    await running.close();
    process.exit(0);
  });
  await new Promise(() => {});
}

const options = commandLine(`usage: npm run bench -- scale [--scales 1,10,100] [--seconds 5] [--no-import]

Builds (once; kept in the databases sillage_bench_scale_N of DATABASE_URL's cluster) the national
history at each scale and prints tiles, cube, series, hot spots, import and RSS against raw SQL.`, { scales: { type: 'string' }, seconds: { type: 'string' }, 'no-import': { type: 'boolean' } }).values;
const scales = (options.scales ?? '1,10,100').split(',').map(Number);
if (!scales.every((s) => Number.isInteger(s) && s >= 1 && s <= 1000)) { console.error('--scales: whole numbers 1-1000 separated by commas'); process.exit(2); }
const loadSeconds = Number(options.seconds ?? 5);
const adminUrl = process.env.DATABASE_URL;
if (!adminUrl) { console.error('bench scale needs a real PostgreSQL: set DATABASE_URL (e.g. eval "$(bash .ci/postgres.sh start)")'); process.exit(2); }
const progress = progressReporter();

/** CSV of `rows` deal points near towns of 20,000+ inhabitants (as bench-import). */
function importCsv(rows: number, tag: string): { csv: string; towns: number } {
  const rng = random(42);
  const next = () => rng.next().value as number;
  const towns = (parse(gunzipSync(readFileSync(join(referenceDirectory, 'communes.csv.gz'))), { columns: true }) as { kind: string; population: string; lon: string; lat: string; department_code: string }[])
    .filter((c) => c.kind === 'COM' && Number(c.population) >= 20000 && !c.department_code.startsWith('97'));
  const lines = ['external_id;source;lat;lon;first_seen_on;dismantled_on;products'];
  for (let i = 0; i < rows; i += 1) {
    const town = towns[Math.floor(next() * towns.length)];
    const longitude = Number(town.lon) + (next() - 0.5) * 0.006;
    const latitude = Number(town.lat) + (next() - 0.5) * 0.004;
    const year = 2019 + Math.floor(next() * 6);
    lines.push(`${tag}-${i};douane;${latitude.toFixed(6).replace('.', ',')};${longitude.toFixed(6).replace('.', ',')};${year}-0${1 + Math.floor(next() * 9)}-15;${next() < 0.3 ? '2025-03-01' : ''};cannabis_resine`);
  }
  return { csv: lines.join('\n'), towns: towns.length };
}

interface ScaleReport { scale: number; points: number; events: number; observations: number; lines: string[] }

async function measure(scale: number): Promise<ScaleReport> {
  const url = urlOf(adminUrl!, scale);
  const pool = new pg.Pool({ connectionString: url, max: 50 });
  const counts = (await pool.query<{ p: number; e: number; o: number }>(`SELECT (SELECT count(*) FROM deal_points)::int AS p, (SELECT count(*) FROM deal_point_status_events)::int AS e, (SELECT count(*) FROM deal_point_observations)::int AS o`)).rows[0];
  const username = await ensureUser(pool, 'national_analyst');
  progress.step(`${scale}x: ${counts.p.toLocaleString('en')} points, ${counts.e.toLocaleString('en')} status events, ${counts.o.toLocaleString('en')} observations; starting the server`);
  const child: ChildProcess = fork(new URL(import.meta.url).pathname, ['--serve', url], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const base = await new Promise<string>((resolve, reject) => { child.once('message', (m) => resolve((m as { url: string }).url)); child.once('exit', (code) => reject(new Error(`server exited ${code}`))); });
  const startRss = rssOf(child.pid!).rss;
  const signIn = await fetch(`${base}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: testPassword }) });
  const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = (await signIn.json() as { csrf_token: string }).csrf_token;
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(base + path, { headers: { cookie, ...headers }, signal: AbortSignal.timeout(60_000) });
    if (response.status !== 200 && response.status !== 304 && response.status !== 202) throw new Error(`${path}: ${response.status}`);
    await response.arrayBuffer();
    return response;
  };
  const lines: string[] = [];
  const at = '2025-06-30';

  // Tiles: Marseille, a 3x3 block per zoom; one connection walks the tiles, 50 hammer them.
  lines.push(`deal-point tiles around Marseille (3x3 tiles, at=${at}); endpoint vs raw SQL (ST_AsMVT query, same parameters):`);
  for (const z of [5, 8, 10, 12]) {
    const tiles = tilesAround(5.38, 43.30, z);
    const results: string[] = [];
    const url = (t: { z: number; x: number; y: number }) => `/tiles/deal-points/${t.z}/${t.x}/${t.y}.mvt?at=${at}`;
    if (!inZoomRange(z, tileZoomRanges.dealPoints)) {
      // Below the point tiles' zooms the map shows the H3 cube; the tile is empty without SQL.
      const empty = await median(5, () => get(url(tiles[4])));
      lines.push(`  z${z}: outside the deal-point tiles' zooms (${tileZoomRanges.dealPoints.minzoom}-${tileZoomRanges.dealPoints.maxzoom}): an empty tile in ${fmt(empty)}, no point read (the map shows the H3 cube there)`);
      continue;
    }
    const features = (await Promise.all(tiles.map((t) => pool.query<{ count: number }>(dealPointTileMvt, [t.z, t.x, t.y, at, null, null, null, null, null, null])))).reduce((n, r) => n + r.rows[0].count, 0);
    // Cold: each tile's first request since the server started (nothing cached), one at a time.
    const cold: number[] = [];
    for (const t of tiles) { const started = performance.now(); await get(url(t)); cold.push(performance.now() - started); }
    const coldRaw = await median(3, () => pool.query(dealPointTileMvt, [tiles[4].z, tiles[4].x, tiles[4].y, at, null, null, null, null, null, null]));
    cold.sort((a, b) => a - b);
    results.push(`    cold (first request of each tile): median ${fmt(cold[4])}, max ${fmt(cold[8])} | raw SQL of the centre tile ${fmt(coldRaw)}`);
    for (const connections of [1, 50]) {
      progress.step(`${scale}x: z${z} tiles, ${connections} connection(s)`);
      const tile = (i: number) => tiles[i % tiles.length];
      const endpoint = await underLoad(connections, loadSeconds, async (i) => { await get(url(tile(i))); });
      const raw = await underLoad(connections, loadSeconds, async (i) => { const t = tile(i); await pool.query(dealPointTileMvt, [t.z, t.x, t.y, at, null, null, null, null, null, null]); });
      results.push(`    ${String(connections).padStart(2)} conn: endpoint p50 ${fmt(endpoint.p50)}, p95 ${fmt(endpoint.p95)}, ${endpoint.perSecond.toFixed(1)} tiles/s${endpoint.errors ? ` (${endpoint.errors} failed)` : ''} | raw SQL p50 ${fmt(raw.p50)}, p95 ${fmt(raw.p95)}, ${raw.perSecond.toFixed(1)} tiles/s | p95 ratio ${ratio(endpoint.p95, raw.p95)}`);
    }
    // Revalidation: a client holding the tile sends its ETag back.
    const first = await get(url(tiles[4]));
    const etag = first.headers.get('etag') ?? '';
    const revalidated = await median(5, () => get(url(tiles[4]), { 'if-none-match': etag }));
    lines.push(`  z${z} (${features.toLocaleString('en')} points in the 9 tiles; a 304 revalidation: ${fmt(revalidated)}):`, ...results);
  }

  // Cube and series: the endpoint (pre-aggregated month changes summed in SQL, sums in Node, disclosure, JSON)
  // vs the query it wraps, and the queries it replaced (month changes from every history; every period sent to Node).
  const window = { from: '2019-01', to: '2025-12' };
  const spanParams = (departments: string[] | null) => ['2019-01-01', '2025-12-01', null, null, null, null, departments, null, null, null, null, null, null];
  // Three runs each below 100x, one from 100x (a slow baseline takes minutes a run).
  const runs = scale >= 100 ? 1 : 3;
  lines.push(`H3 x month cube and monthly series, ${window.from}..${window.to} (${runs === 1 ? 'one run' : 'median of 3'}); the endpoint's first request (cube cache empty) and again (cubes of national analysts from memory) vs the raw SQL it wraps (the pre-aggregated month changes, migration 0024), and what it read before:`);
  for (const [label, path, key, departments] of [
    ['national cube, resolution 7', `/api/aggregates/deal-points/cube?resolution=7&from=${window.from}&to=${window.to}`, 'h3_7', null],
    ['department 13 cube, resolution 8', `/api/aggregates/deal-points/cube?resolution=8&from=${window.from}&to=${window.to}&department=13`, 'h3_8', ['13']],
    ['national series by size class', `/api/aggregates/deal-points/series?by=size_class&from=${window.from}&to=${window.to}`, 'size_class', null],
    ['department 13 series', `/api/aggregates/deal-points/series?from=${window.from}&to=${window.to}&department=13`, 'total', ['13']],
  ] as const) {
    progress.step(`${scale}x: ${label}`);
    // The first request of this server process (its cube cache empty), then the median of the next ones (a national analyst's cube served from memory).
    const first = await median(1, () => get(path));
    const endpoint = await median(runs, () => get(path));
    const keyExpression = { h3_7: 'd.h3_r7', h3_8: 'd.h3_r8', size_class: 's.size_class', total: `'total'` }[key];
    const storedKey = { h3_7: 'm.h3_r7', h3_8: 'm.h3_r8', size_class: 's.size_class', total: `'total'` }[key];
    const raw = await median(runs, () => pool.query(storedMonthChanges(storedKey, { sizeClasses: key === 'size_class' }), ['2019-01-01', '2025-12-01', departments, null, null, null, null]));
    const changes = await median(runs, () => pool.query(activeMonthChanges(keyExpression, { sizeClasses: key === 'size_class' }), spanParams(departments as string[] | null)));
    const spans = await median(runs, () => pool.query(spansQuery(key as SeriesKey, { underWayVisibleIn: null }), spanParams(departments as string[] | null)));
    // Uncached in a warm process: three other windows (each a cache miss), against the raw SQL of the same windows.
    const windows = ['2025-11', '2025-10', '2025-09'];
    const missMs: number[] = []; const missRawMs: number[] = [];
    for (const to of windows) {
      let t = performance.now(); await get(path.replace(`to=${window.to}`, `to=${to}`)); missMs.push(performance.now() - t);
      t = performance.now(); await pool.query(storedMonthChanges(storedKey, { sizeClasses: key === 'size_class' }), ['2019-01-01', `${to}-01`, departments, null, null, null, null]); missRawMs.push(performance.now() - t);
    }
    const middle = (values: number[]) => [...values].sort((a, b) => a - b)[1];
    lines.push(`  ${label.padEnd(34)}: first request ${fmt(first).padStart(8)} | again ${fmt(endpoint).padStart(8)} | raw SQL ${fmt(raw).padStart(8)} | first/raw ${ratio(first, raw)} | uncached in a warm process (3 other windows) ${fmt(middle(missMs))} vs raw ${fmt(middle(missRawMs))}, ${ratio(middle(missMs), middle(missRawMs))} | before 0024, the month changes from every history ${fmt(changes)} | before 0019, the spans ${fmt(spans)}`);
  }

  // Emerging hot spots (one department, normal approximation: the cheapest method).
  progress.step(`${scale}x: emerging hot spots, department 13`);
  const hotStarted = performance.now();
  const job = await (await fetch(`${base}/api/analyses/emerging-hot-spots`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: JSON.stringify({ resolution: 7, from: '2019-01', to: '2025-12', department: '13', method: 'normal' }) })).json() as { poll?: string };
  let hotStatus = 'failed to start';
  while (job.poll) {
    const polled = await fetch(base + job.poll, { headers: { cookie } });
    const body = await polled.json() as { status: string };
    if (polled.status !== 200 || body.status === 'done' || body.status === 'failed') { hotStatus = polled.status === 200 ? body.status : `HTTP ${polled.status}`; break; }
    if (performance.now() - hotStarted > 300_000) { hotStatus = 'timed out (5 min)'; break; }
    await new Promise((r) => setTimeout(r, 200));
  }
  const hotMs = performance.now() - hotStarted;
  const hotRaw = await median(runs, () => pool.query(spansQuery('h3_7', { underWayVisibleIn: null }), spanParams(['13'])));
  lines.push(`emerging hot spots, department 13, resolution 7, 84 months (normal): endpoint ${fmt(hotMs)} (${hotStatus}) | raw SQL of its spans ${fmt(hotRaw)} | ${ratio(hotMs, hotRaw)}`);

  // One operation's full analysis (effect, wake, placebos, reading) through its route, as a national
  // analyst, vs the raw SQL of the histories it reads (every point with its stored periods).
  progress.step(`${scale}x: an operation's analysis`);
  const { rows: [operation] } = await pool.query<{ id: string; name: string }>(`SELECT id, name FROM operations ORDER BY (name ILIKE '%marseille%') DESC, started_on LIMIT 1`);
  let analysisStatus = 0;
  const analysisMs = await median(runs, async () => { const r = await fetch(`${base}/api/analyses/operations/${operation.id}`, { headers: { cookie } }); analysisStatus = r.status; await r.arrayBuffer(); });
  const historiesMs = await median(runs, () => pool.query(storedPointHistories));
  const eventsMs = await median(runs, () => pool.query(pointHistories, [null]));
  lines.push(`operation analysis (${operation.name}): endpoint ${fmt(analysisMs)} (HTTP ${analysisStatus}) | raw SQL of the histories it reads ${fmt(historiesMs)} | ${ratio(analysisMs, historiesMs)} | before this stop, the histories from every event ${fmt(eventsMs)}`);

  lines.push(...await routeSweep(base, pool, (message) => progress.step(`${scale}x: ${message}`)));

  // Import of 100,000 rows through the HTTP route vs COPY of the same file into a bare table.
  if (!options['no-import']) {
    const tag = `SCALE${scale}`;
    const { csv } = importCsv(100_000, tag);
    progress.step(`${scale}x: COPY of 100,000 rows (baseline)`);
    await pool.query('DROP TABLE IF EXISTS bench_copy_rows');
    await pool.query('CREATE TABLE bench_copy_rows (external_id text, source text, lat text, lon text, first_seen_on date, dismantled_on date, products text)');
    const copyStarted = performance.now();
    const copied = spawnSync('psql', [url, '-q', '-c', `\\copy bench_copy_rows FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER true)`], { input: csv });
    const copyMs = performance.now() - copyStarted;
    if (copied.status !== 0) throw new Error(`COPY failed: ${copied.stderr}`);
    await pool.query('DROP TABLE bench_copy_rows');
    progress.step(`${scale}x: import of 100,000 rows (POST /api/imports)`);
    const before = rssOf(child.pid!);
    const importStarted = performance.now();
    let peak = before.rss;
    const sampler = setInterval(() => { peak = Math.max(peak, rssOf(child.pid!).rss); }, 100);
    const response = await fetch(`${base}/api/imports?kind=deal-points`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'text/csv' }, body: csv, signal: AbortSignal.timeout(1_800_000) });
    const importMs = performance.now() - importStarted;
    clearInterval(sampler);
    const report = await response.json() as { inserted?: number; message?: string };
    if (response.status !== 200) console.error(`import answered ${response.status}: ${JSON.stringify(report).slice(0, 300)}`);
    await pool.query(`DELETE FROM deal_points WHERE source_code = 'douane' AND external_id LIKE $1`, [`${tag}-%`]);
    lines.push(`import of 100,000 deal points (${(csv.length / 1e6).toFixed(1)} MB CSV): endpoint ${fmt(importMs)} (${response.status}, ${report.inserted ?? 0} inserted; server RSS +${Math.round((peak - before.rss) / 1e6)} MB during it) | COPY ${fmt(copyMs)} | the import runs at ${ratio(copyMs, importMs)} COPY's speed`);
  }

  const memory = rssOf(child.pid!);
  const usage = await new Promise<{ before: NodeJS.MemoryUsage; after: NodeJS.MemoryUsage }>((resolve) => { child.once('message', (m) => resolve(m as never)); child.send('memory'); });
  const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;
  lines.push(`server RSS after the run: ${mb(memory.rss)} (peak ${mb(memory.peak)}, ${mb(startRss)} at start); V8 heap ${mb(usage.before.heapUsed)} used of ${mb(usage.before.heapTotal)}, ${mb(usage.after.heapUsed)} live after a full collection; Buffers ${mb(usage.before.arrayBuffers)}; RSS after that collection ${mb(usage.after.rss)}`);
  child.send('close');
  await new Promise((r) => child.once('exit', r));
  await pool.end();
  return { scale, points: counts.p, events: counts.e, observations: counts.o, lines };
}

const print = (report: ScaleReport) => {
  console.log(`\n${report.scale}x: ${report.points.toLocaleString('en')} deal points, ${report.events.toLocaleString('en')} status events, ${report.observations.toLocaleString('en')} observations`);
  for (const line of report.lines) console.log(`  ${line}`);
};
const reports: ScaleReport[] = [];
for (const scale of scales) {
  await ensureScale(adminUrl!, scale, progress);
  const report = await measure(scale);
  reports.push(report);
  // Each scale as soon as measured (a long run interrupted keeps what it measured).
  progress.stop();
  print(report);
}
console.log(`\nScale benchmark (PostgreSQL ${adminUrl.replace(/\/\/[^@]*@/, '//')}, ${loadSeconds} s per load, server in a child process): all scales`);
for (const report of reports) print(report);
