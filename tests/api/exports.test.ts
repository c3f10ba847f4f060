/**
 * Exports of deal points (CSV, GeoJSON, GeoPackage) on both databases: the file's shape, GDAL's
 * ogrinfo reading the GeoPackage, the round trip (export -> import changes nothing, and the API's
 * own GeoJSON re-imports too), the audit row with area and count, and who may export what.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestApp, openTestApp, signInAs, tableCounts, targets, type TestContext } from '../helpers/databases.js';
import { send, squareAround, type TestSession } from '../helpers/requests.js';

const pointsCsv = [
  'external_id;source;lat;lon;first_seen_on;dismantled_on;reopened_on;products',
  'EXP-1;gendarmerie;43,6931;5,5345;2021-03-01;2024-03-19;2024-06-01;cannabis_resine|cocaine',
  'EXP-2;gendarmerie;43,8369;5,0413;2022-01-10;;;crack',
  'EXP-3;police_nationale;43,2803;5,3806;2023-05-05;;;',
].join('\n');

async function raw(context: TestContext, url: string, session?: TestSession) {
  const headers: Record<string, string> = session ? { cookie: session.cookie } : {};
  if (!session) {
    const analyst = await signInAs(context, 'national_analyst');
    headers.cookie = analyst.cookie;
  }
  return context.app.inject({ method: 'GET', url, headers });
}

describe.each(targets())('exports on the %s database', (target) => {
  let context: TestContext;
  const directory = mkdtempSync(join(tmpdir(), 'sillage-exports-'));
  beforeAll(async () => {
    context = await openTestApp(target);
    expect((await send(context.app, 'POST', '/api/imports', pointsCsv, 'text/csv')).status).toBe(200);
    // A point dismantled by an operation that has an external id, one by an operation without.
    const withId = await send(context.app, 'POST', '/api/operations', { name: 'Place nette Pertuis', kind: 'place_nette', started_on: '2024-03-18', ended_on: '2024-03-20', target: squareAround(5.5345, 43.6931), external_id: 'OP-PERTUIS', source: 'gendarmerie' });
    const withoutId = await send(context.app, 'POST', '/api/operations', { name: 'Opération Marseille', kind: 'operation_ciblee', started_on: '2024-05-01', ended_on: '2024-05-02', target: squareAround(5.3806, 43.2803) });
    expect([withId.status, withoutId.status]).toEqual([201, 201]);
    const points = (await send(context.app, 'GET', '/api/deal-points')).body.features as { id: number; properties: { external_id: string; version: number } }[];
    const pertuis = points.find((p) => p.properties.external_id === 'EXP-1')!;
    const marseille = points.find((p) => p.properties.external_id === 'EXP-3')!;
    const history = [{ status: 'active', effective_on: '2021-03-01' }, { status: 'dismantled', effective_on: '2024-03-19', operation_id: withId.body.id }, { status: 'reopened', effective_on: '2024-06-01' }];
    expect((await send(context.app, 'PATCH', `/api/deal-points/${pertuis.id}`, { version: pertuis.properties.version, status_history: history })).status).toBe(200);
    expect((await send(context.app, 'POST', `/api/deal-points/${marseille.id}/status-changes`, { version: marseille.properties.version, status: 'dismantled', effective_on: '2024-05-02', operation_id: withoutId.body.id })).status).toBe(200);
  });
  afterAll(async () => closeTestApp(context));

  it('writes a CSV for French spreadsheets: BOM, semicolons, INSEE codes, the importer\'s columns', async () => {
    const response = await raw(context, '/api/exports/deal-points.csv?department=84');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toMatch(/attachment; filename="sillage-points-\d{4}-\d{2}-\d{2}\.csv"/);
    expect(response.body.startsWith('\uFEFFid;source;external_id;lat;lon;commune_insee;')).toBe(true);
    const lines = response.body.trim().split('\r\n');
    expect(lines).toHaveLength(3); // header + the two Vaucluse points
    const pertuis = lines.find((l) => l.includes('EXP-1'))!.split(';');
    expect(pertuis[5]).toBe('84089');
    expect(pertuis[8]).toBe('cannabis_resine|cocaine');
    expect(pertuis[13]).toBe('active:2021-03-01|dismantled:2024-03-19:OP-PERTUIS|reopened:2024-06-01');
  });

  it('writes a GeoPackage that GDAL reads, with every point and its attributes', async () => {
    const response = await raw(context, '/api/exports/deal-points.gpkg');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/geopackage+sqlite3');
    const file = join(directory, `points-${target}.gpkg`);
    writeFileSync(file, response.rawPayload);
    const summary = execFileSync('ogrinfo', ['-so', '-al', file], { encoding: 'utf8' });
    expect(summary).toMatch(/Geometry: Point/);
    expect(summary).toMatch(/Feature Count: 3/);
    expect(summary).toMatch(/WGS 84/);
    const marseille = execFileSync('ogrinfo', ['-q', file, '-sql', "SELECT geom, commune_insee, status, status_history FROM deal_points WHERE external_id = 'EXP-3'"], { encoding: 'utf8' });
    expect(marseille).toMatch(/commune_insee \(String\) = 13055|commune_insee \(String\) = 132\d\d/);
    expect(marseille).toMatch(/status \(String\) = dismantled/);
    expect(marseille).toMatch(/status_history \(String\) = active:2023-05-05\|dismantled:2024-05-02:#\d+/);
    expect(marseille).toMatch(/POINT \(5\.3806 43\.2803\)/);
  });

  it('re-imports its own exports (CSV, GeoJSON) and the API\'s GeoJSON without changing anything', async () => {
    const before = await tableCounts(context.database.pool);
    const versions = async () => (await send(context.app, 'GET', '/api/deal-points')).body.features.map((f: any) => [f.properties.external_id, f.properties.version, JSON.stringify(f.properties.status_history), f.geometry.coordinates.join(',')]).sort();
    const versionsBefore = await versions();
    for (const [url, contentType] of [['/api/exports/deal-points.csv', 'text/csv'], ['/api/exports/deal-points.geojson', 'application/geo+json'], ['/api/deal-points', 'application/geo+json']]) {
      const exported = await raw(context, url);
      expect(exported.statusCode).toBe(200);
      const report = await send(context.app, 'POST', '/api/imports', exported.body, contentType);
      expect({ url, status: report.status, body: report.body }).toMatchObject({ url, status: 200, body: { kind: 'deal-points', rows: 3, inserted: 0, updated: 0, unchanged: 3 } });
    }
    expect(await tableCounts(context.database.pool)).toEqual(before);
    expect(await versions()).toEqual(versionsBefore);
  });

  it('audits each export with its area and count, and keeps it to the roles and departments that may see it', async () => {
    const cross = await signInAs(context, 'departmental_analyst', ['84']);
    const own = await raw(context, '/api/exports/deal-points.geojson', cross);
    expect(own.statusCode).toBe(200);
    expect(JSON.parse(own.body).features.map((f: any) => f.properties.department_code)).toEqual(['84', '84']);
    const { rows } = await context.database.pool.query("SELECT area, record_count, action FROM audit_log WHERE route = '/api/exports/deal-points.geojson' ORDER BY id DESC LIMIT 1");
    expect(rows[0]).toMatchObject({ action: 'read_precise', record_count: 2, area: 'format=geojson&scope=84' });
    const other = await raw(context, '/api/exports/deal-points.csv?department=13', cross);
    expect(other.statusCode).toBe(403);
    expect(other.body).not.toContain('EXP-3');
    const deputy = await signInAs(context, 'deputy');
    const refused = await raw(context, '/api/exports/deal-points.gpkg', deputy);
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toMatch(/json/);
    const signedOut = await context.app.inject({ method: 'GET', url: '/api/exports/deal-points.csv' });
    expect(signedOut.statusCode).toBe(401);
    const bad = await raw(context, '/api/exports/deal-points.csv?limit=5');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('limit');
  });

  it('exports the operations list as filtered (CSV for spreadsheets, GeoJSON), audited, within each role\'s scope', async () => {
    const csv = await raw(context, '/api/exports/operations.csv?department=84');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-disposition']).toMatch(/filename="sillage-operations-\d{4}-\d{2}-\d{2}\.csv"/);
    expect(csv.body.startsWith('\uFEFFid;source;external_id;name;kind;started_on;ended_on;department_code;')).toBe(true);
    const lines = csv.body.trim().split('\r\n');
    expect(lines).toHaveLength(2);
    const columns = lines[0].replace('\uFEFF', '').split(';');
    const row = lines[1].split(';');
    expect(row[columns.indexOf('name')]).toBe('Place nette Pertuis');
    expect(row[columns.indexOf('department_code')]).toBe('84');
    expect(JSON.parse(row[columns.indexOf('target_geojson')].replace(/^"|"$/g, '').replace(/""/g, '"')).type).toBe('MultiPolygon');
    const audit = async (route: string) => (await context.database.pool.query('SELECT area, record_count FROM audit_log WHERE route = $1 ORDER BY id DESC LIMIT 1', [route])).rows[0];
    expect(await audit('/api/exports/operations.csv')).toMatchObject({ record_count: 1, area: 'department=84&format=csv&scope=all' });
    const geojson = JSON.parse((await raw(context, '/api/exports/operations.geojson?kind=operation_ciblee')).body);
    expect(geojson.features.map((f: any) => f.properties.name)).toEqual(['Opération Marseille']);
    expect(geojson.features[0].geometry.type).toBe('MultiPolygon');
    // A CROSS analyst exports its departments only; a deputy the ended operations, never points.
    const cross = await signInAs(context, 'departmental_analyst', ['84']);
    expect(JSON.parse((await raw(context, '/api/exports/operations.geojson', cross)).body).features.map((f: any) => f.properties.department_code)).toEqual(['84']);
    expect((await raw(context, '/api/exports/operations.csv?department=13', cross)).statusCode).toBe(403);
    const deputy = await signInAs(context, 'deputy');
    const deputyFile = JSON.parse((await raw(context, '/api/exports/operations.geojson', deputy)).body);
    expect(deputyFile.features).toHaveLength(2);
    expect(await audit('/api/exports/operations.geojson')).toMatchObject({ record_count: 2, area: 'format=geojson&scope=ended' });
    expect((await raw(context, '/api/exports/deal-points.csv', deputy)).statusCode).toBe(403);
    expect((await context.app.inject({ method: 'GET', url: '/api/exports/operations.csv' })).statusCode).toBe(401);
    const bad = await raw(context, '/api/exports/operations.csv?kind=raid');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('kind');
  });
});
