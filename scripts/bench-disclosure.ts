/**
 * Cost of disclosure control: the aggregate endpoints as a national analyst (precise) and as a
 * deputy (whole cells, cell-key perturbation), against the raw SQL they wrap, measured in the same
 * run on the demo scenario. On DATABASE_URL when set (its business tables are replaced), else on an
 * in-memory PGlite.   npm run bench -- disclosure   (options: --runs 15, --copies 10 for 10x the demo:
 * every deal point and its history copied in place)
 */
import { parseArgs } from 'node:util';
import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { openEmbeddedDatabase, openExternalDatabase, readVersions } from '../server/database/connection.js';
import { migrate } from '../server/database/migrations.js';
import { loadReferenceData } from '../server/reference-data.js';
import { buildScenarioFiles, loadScenario } from '../server/services/scenario.js';
import { createUser } from '../server/services/auth.js';
import { activeSpans } from '../server/queries/time-series.js';

const { values } = parseArgs({ options: { runs: { type: 'string' }, copies: { type: 'string' } } });
const runs = Number(values.runs ?? 15);
const copies = Number(values.copies ?? 1);
const url = process.env.DATABASE_URL;
console.log(url ? 'database: PostgreSQL from DATABASE_URL' : 'database: in-memory PGlite');
const database = url ? await openExternalDatabase(url) : await openEmbeddedDatabase({ dataDirectory: null });
await migrate(database.pool);
await loadReferenceData(database.pool);
await database.pool.query('TRUNCATE public_reports, deal_point_observations, deal_point_status_events, deal_points, operations, networks RESTART IDENTITY CASCADE');
const loaded = await loadScenario(database.pool, buildScenarioFiles(20190101, 'planted'));
for (let k = 1; k < copies; k++) {
  await database.pool.query(`
    WITH copied AS (
      INSERT INTO deal_points (geom, commune_insee, h3_r7, h3_r8, h3_r9, products, source_code, external_id, network_id, dataset)
      SELECT geom, commune_insee, h3_r7, h3_r8, h3_r9, products, source_code, external_id || '-x' || $1, network_id, dataset
      FROM deal_points WHERE external_id NOT LIKE '%-x%' RETURNING id, source_code, external_id)
    INSERT INTO deal_point_status_events (deal_point_id, status, effective_on, operation_id)
    SELECT c.id, e.status, e.effective_on, e.operation_id FROM copied c
    JOIN deal_points o ON o.source_code = c.source_code AND o.external_id || '-x' || $1 = c.external_id
    JOIN deal_point_status_events e ON e.deal_point_id = o.id`, [String(k)]);
  process.stdout.write(`\rcopies: ${k + 1}/${copies}`);
}
if (copies > 1) { await database.pool.query('ANALYZE deal_points, deal_point_status_events'); console.log(); }
const { rows: [{ n }] } = await database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM deal_points');
console.log(`scenario: ${loaded.dealPoints} deal points${copies > 1 ? ` x ${copies} = ${n}` : ''}`);
const app = await buildApp({ database, databaseVersions: await readVersions(database.pool), config: loadConfig({}), serveWeb: false });
const sessions: Record<string, string> = {};
for (const role of ['national_analyst', 'deputy'] as const) {
  const username = `bench.${role}.${Date.now() % 100000}`;
  await createUser(database.pool, { username, password: 'mot-de-passe-du-banc-2026', role });
  const response = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username, password: 'mot-de-passe-du-banc-2026' } });
  sessions[role] = `sillage_session=${response.cookies.find((c) => c.name === 'sillage_session')!.value}`;
}

async function median(label: string, run: () => Promise<unknown>): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const value = times[Math.floor(times.length / 2)];
  console.log(`  ${label.padEnd(58)} ${value.toFixed(1).padStart(8)} ms`);
  return value;
}
const get = (role: string, path: string) => async () => {
  const response = await app.inject({ url: path, headers: { cookie: sessions[role] } });
  if (response.statusCode !== 200) throw new Error(`${path}: ${response.statusCode} ${response.body.slice(0, 200)}`);
};

const cases = [
  { name: 'national cube r7, 84 months', path: '/api/aggregates/deal-points/cube?resolution=7&from=2019-01&to=2025-12', raw: [null, null, null, null] },
  { name: 'cube r7 over the Marseille-Avignon box', path: '/api/aggregates/deal-points/cube?resolution=7&from=2019-01&to=2025-12&bbox=4.6,43.1,5.8,44.2', raw: [4.6, 43.1, 5.8, 44.2] },
  { name: 'monthly series, Marseille-Avignon box', path: '/api/aggregates/deal-points/series?from=2019-01&to=2025-12&bbox=4.6,43.1,5.8,44.2', raw: [4.6, 43.1, 5.8, 44.2] },
];
console.log(`medians of ${runs} runs`);
for (const c of cases) {
  console.log(c.name);
  const raw = await median('raw SQL (active spans)', () => database.pool.query(activeSpans('d.h3_r7'), ['2019-01-01', '2025-12-01', ...c.raw, null, null, null, null, null, null]));
  const precise = await median('endpoint as OFAST (precise)', get('national_analyst', c.path));
  const deputy = await median('endpoint as deputy (whole cells + cell key)', get('deputy', c.path));
  console.log(`  ratios: OFAST/raw ${(precise / raw).toFixed(2)}, deputy/raw ${(deputy / raw).toFixed(2)}, deputy/OFAST ${(deputy / precise).toFixed(2)}`);
}
await app.close();
await database.close();
