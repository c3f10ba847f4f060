/**
 * Creation time of stamped snapshots (a commune, a department, France; 2019-2025) and of the annual
 * threat report for France, through the real app as a deputy (and the report also as OFAST), with
 * the PDF rendering apart. On DATABASE_URL when set (its business tables are replaced), else on an
 * in-memory PGlite.   npm run bench -- snapshots   (option: --runs 3)
 */
import { parseArgs } from 'node:util';
import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { openEmbeddedDatabase, openExternalDatabase, readVersions } from '../server/database/connection.js';
import { migrate } from '../server/database/migrations.js';
import { loadReferenceData } from '../server/reference-data.js';
import { buildScenarioFiles, loadScenario } from '../server/services/scenario.js';
import { createUser } from '../server/services/auth.js';

const { values } = parseArgs({ options: { runs: { type: 'string' } } });
const runs = Number(values.runs ?? 3);
const url = process.env.DATABASE_URL;
console.log(url ? 'database: PostgreSQL from DATABASE_URL' : 'database: in-memory PGlite');
const database = url ? await openExternalDatabase(url) : await openEmbeddedDatabase({ dataDirectory: null });
await migrate(database.pool);
await loadReferenceData(database.pool);
await database.pool.query('TRUNCATE public_reports, deal_point_observations, deal_point_status_events, deal_points, operations, networks RESTART IDENTITY CASCADE');
const loaded = await loadScenario(database.pool, buildScenarioFiles(20190101, 'planted'));
console.log(`scenario: ${loaded.dealPoints} deal points`);
const app = await buildApp({ database, databaseVersions: await readVersions(database.pool), config: loadConfig({}), serveWeb: false });
const sessions: Record<string, { cookie: string; csrf: string }> = {};
for (const role of ['deputy', 'national_analyst'] as const) {
  const username = `bench.${role}.${Date.now() % 100000}`;
  await createUser(database.pool, { username, password: 'mot-de-passe-du-banc-2026', role });
  const response = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username, password: 'mot-de-passe-du-banc-2026' } });
  sessions[role] = { cookie: `sillage_session=${response.cookies.find((c) => c.name === 'sillage_session')!.value}`, csrf: response.json().csrf_token };
}

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
async function time(label: string, role: 'deputy' | 'national_analyst', path: string, body: unknown, file: (id: string) => string) {
  const create: number[] = [];
  const render: number[] = [];
  for (let i = 0; i < runs; i++) {
    let started = performance.now();
    const response = await app.inject({ method: 'POST', url: path, payload: body as Record<string, unknown>, headers: { cookie: sessions[role].cookie, 'x-csrf-token': sessions[role].csrf } });
    create.push(performance.now() - started);
    if (response.statusCode !== 201) throw new Error(`${label}: ${response.statusCode} ${response.body.slice(0, 300)}`);
    started = performance.now();
    const pdf = await app.inject({ method: 'GET', url: file(response.json().id), headers: { cookie: sessions[role].cookie } });
    render.push(performance.now() - started);
    if (pdf.statusCode !== 200) throw new Error(`${label} PDF: ${pdf.statusCode}`);
  }
  console.log(`${label.padEnd(44)} create ${(median(create) / 1000).toFixed(2)} s (min ${(Math.min(...create) / 1000).toFixed(2)}), PDF ${Math.round(median(render))} ms`);
}

const snapshotFile = (id: string) => `/api/snapshots/${id}/files/pdf`;
const reportFile = (id: string) => `/api/threat-reports/${id}/pdf`;
console.log(`median of ${runs} runs`);
await time('snapshot: commune (Pertuis, 2019-2025)', 'deputy', '/api/snapshots', { area: { kind: 'communes', communes: ['84089'] }, from: '2019-01', to: '2025-12' }, snapshotFile);
await time('snapshot: department (Vaucluse, 2019-2025)', 'deputy', '/api/snapshots', { area: { kind: 'department', department: '84' }, from: '2019-01', to: '2025-12' }, snapshotFile);
await time('snapshot: France (2019-2025)', 'deputy', '/api/snapshots', { area: { kind: 'france' }, from: '2019-01', to: '2025-12' }, snapshotFile);
await time('threat report: France 2024, deputy (aggregated)', 'deputy', '/api/threat-reports', { scope: 'france', year: 2024 }, reportFile);
await time('threat report: France 2024, OFAST (precise)', 'national_analyst', '/api/threat-reports', { scope: 'france', year: 2024 }, reportFile);
await app.close();
await database.close();
