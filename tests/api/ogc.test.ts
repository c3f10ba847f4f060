/**
 * OGC API - Features on the demo scenario, as a GIS client sees it: every role rule of the REST
 * API, paging through next links, CQL2 filters giving the same rows as the REST filters, RFC 7946
 * geometry, and GDAL itself (ogrinfo, ogr2ogr) as the client, authenticated with a token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeTestApp, openTestApp, signInAs, targets, type TestContext } from '../helpers/databases.js';
import { send, type TestSession } from '../helpers/requests.js';
import { loadPlantedScenario } from '../helpers/scenario-cache.js';
import { today } from '../../server/domain/dates.js';
import { geometryProblems } from '../helpers/geojson-checks.js';

const run = promisify(execFile);

describe.each(targets())('OGC API - Features on the %s database', (target) => {
  let context: TestContext;
  let cross84: TestSession;
  let deputy: TestSession;
  let baseUrl: string;
  let crossToken: string;
  let nationalToken: string;
  let totalPoints: number;
  const folder = mkdtempSync(join(tmpdir(), 'sillage-ogc-'));

  beforeAll(async () => {
    context = await openTestApp(target);
    await loadPlantedScenario(context.database.pool);
    cross84 = await signInAs(context, 'departmental_analyst', ['84']);
    deputy = await signInAs(context, 'deputy');
    crossToken = (await send(context.app, 'POST', '/api/auth/tokens', { name: 'QGIS' }, undefined, cross84)).body.token;
    nationalToken = (await send(context.app, 'POST', '/api/auth/tokens', { name: 'GDAL' })).body.token;
    await context.app.listen({ port: 0, host: '127.0.0.1' });
    const address = context.app.server.address() as { port: number };
    baseUrl = `http://127.0.0.1:${address.port}`;
    const { rows } = await context.database.pool.query(
      'SELECT count(*)::int AS n FROM deal_points d WHERE EXISTS (SELECT 1 FROM deal_point_status_events e WHERE e.deal_point_id = d.id AND e.effective_on <= $1::date)', [today()]);
    totalPoints = rows[0].n;
  }, 300_000);
  afterAll(async () => { await closeTestApp(context); rmSync(folder, { recursive: true, force: true }); });

  const get = (url: string, as?: TestSession | null) => send(context.app, 'GET', url, undefined, undefined, as);
  /** Follows next links from the first page; every page checked. */
  const allPages = async (url: string, as?: TestSession | null) => {
    const features: any[] = [];
    let next: string | null = url;
    let matched = -1;
    while (next) {
      const page = await get(next.replace(/^https?:\/\/[^/]+/, ''), as);
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      expect(page.body.numberReturned).toBe(page.body.features.length);
      matched = page.body.numberMatched;
      features.push(...page.body.features);
      next = page.body.links.find((l: { rel: string }) => l.rel === 'next')?.href ?? null;
    }
    expect(features.length).toBe(matched);
    return features;
  };

  it('serves the landing page, conformance and the collections each role may read', async () => {
    const landing = await get('/ogc', null);
    expect(landing.status).toBe(200);
    expect(landing.body.links.map((l: { rel: string }) => l.rel)).toEqual(expect.arrayContaining(['self', 'service-desc', 'conformance', 'data']));
    const conformance = await get('/ogc/conformance', null);
    expect(conformance.body.conformsTo).toContain('http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core');
    const ids = async (as: TestSession | null | undefined) => (await get('/ogc/collections', as)).body.collections.map((c: { id: string }) => c.id);
    expect(await ids(undefined)).toEqual(['deal-points', 'operations', 'h3-cells', 'communes', 'departments']);
    expect(await ids(deputy)).toEqual(['operations', 'h3-cells', 'communes', 'departments']);
    expect(await ids(null)).toEqual(['communes', 'departments']);
    const collection = await get('/ogc/collections/deal-points');
    expect(collection.body.extent.spatial.bbox[0]).toHaveLength(4);
    const html = await context.app.inject({ method: 'GET', url: '/ogc/collections?f=html', headers: { cookie: cross84.cookie } });
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.body).toContain('deal-points');
  });

  it('pages through every deal point with next links (limit default 100, max 10,000) and numberMatched', async () => {
    const first = await get('/ogc/collections/deal-points/items');
    expect(first.headers['content-type']).toMatch(/^application\/geo\+json/);
    expect(first.body.features).toHaveLength(100);
    expect(first.body.numberMatched).toBe(totalPoints);
    expect((await get('/ogc/collections/deal-points/items?limit=10001')).status).toBe(400);
    const all = await allPages('/ogc/collections/deal-points/items?limit=2000');
    expect(new Set(all.map((f) => f.id)).size).toBe(totalPoints);
    expect(all.flatMap((f) => geometryProblems(f.geometry))).toEqual([]);
  });

  it('keeps a departmental analyst to its departments, and deputies and the public away from points', async () => {
    const points = await allPages('/ogc/collections/deal-points/items?limit=1000', cross84);
    expect(points.length).toBeGreaterThan(0);
    expect(new Set(points.map((f) => f.properties.department_code))).toEqual(new Set(['84']));
    const outside = await context.database.pool.query(`SELECT d.id FROM deal_points d JOIN communes c ON c.insee = d.commune_insee WHERE c.department_code = '13' LIMIT 1`);
    expect((await get(`/ogc/collections/deal-points/items/${outside.rows[0].id}`, cross84)).status).toBe(404);
    expect((await get(`/ogc/collections/deal-points/items/${outside.rows[0].id}`)).status).toBe(200);
    for (const url of ['/ogc/collections/deal-points/items', '/ogc/collections/deal-points', `/ogc/collections/deal-points/items/${outside.rows[0].id}`]) {
      expect((await get(url, deputy)).status).toBe(403);
      const signedOut = await get(url, null);
      expect(signedOut.status).toBe(401);
      expect(signedOut.headers['www-authenticate']).toMatch(/^Basic realm="Sillage"/);
    }
    // A filter cannot reach outside the departments either.
    const filtered = await get(`/ogc/collections/deal-points/items?filter=${encodeURIComponent("department_code = '13'")}`, cross84);
    expect(filtered.body.numberMatched).toBe(0);
  });

  it('gives deputies whole H3 cells (resolution <= 7) with "< 5", and ended operations only', async () => {
    const cells = await allPages('/ogc/collections/h3-cells/items?limit=10000', deputy);
    expect(cells.length).toBeGreaterThan(100);
    expect(cells.every((f) => f.properties.resolution === 7)).toBe(true);
    expect(cells.some((f) => f.properties.active_points === null && f.properties.active_points_label === '< 5')).toBe(true);
    expect(cells.flatMap((f) => geometryProblems(f.geometry))).toEqual([]);
    expect(cells.every((f) => !('longitude' in f.properties) && f.geometry.type === 'Polygon')).toBe(true);
    expect((await get('/ogc/collections/h3-cells/items?resolution=8', deputy)).status).toBe(400);
    const operations = await allPages('/ogc/collections/operations/items', deputy);
    expect(operations.every((f) => f.properties.ended_on !== null && f.properties.ended_on < today())).toBe(true);
    expect(operations.flatMap((f) => geometryProblems(f.geometry))).toEqual([]);
    const audit = await context.database.pool.query(`SELECT action, username FROM audit_log WHERE route = '/ogc/collections/h3-cells/items' ORDER BY id DESC LIMIT 1`);
    expect(audit.rows[0]).toEqual({ action: 'read_aggregate', username: deputy.username });
  });

  it('filters by bbox, datetime and CQL2 like the REST filters', async () => {
    const rest = async (query: string) => {
      const ids: number[] = [];
      let after: number | null = 0;
      while (after !== null) {
        const page = await get(`/api/deal-points?limit=1000&after=${after}&${query}`);
        ids.push(...page.body.features.map((f: { id: number }) => f.id));
        after = page.body.next;
      }
      return ids.sort((a, b) => a - b);
    };
    const ogc = async (query: string) => (await allPages(`/ogc/collections/deal-points/items?limit=1000&${query}`)).map((f) => f.id).sort((a, b) => a - b);
    const cql = (text: string) => `filter=${encodeURIComponent(text)}&filter-lang=cql2-text`;
    expect(await ogc(cql("department_code = '84' AND status = 'active'"))).toEqual(await rest('department=84&status=active'));
    expect(await ogc(cql("department_code IN ('13', '84') AND NOT status <> 'dismantled'"))).toEqual([...await rest('department=13&status=dismantled'), ...await rest('department=84&status=dismantled')].sort((a, b) => a - b));
    expect(await ogc('bbox=5.2,43.2,5.6,43.4')).toEqual(await rest('bbox=5.2,43.2,5.6,43.4'));
    expect(await ogc(cql('S_INTERSECTS(geometry, BBOX(5.2, 43.2, 5.6, 43.4))'))).toEqual(await rest('bbox=5.2,43.2,5.6,43.4'));
    expect(await ogc('datetime=2022-01-01/2022-06-30')).toEqual(await rest('from=2022-01-01&to=2022-06-30'));
    const marseille = await ogc(cql("CASEI(commune_name) LIKE 'marseille%'"));
    expect(marseille.length).toBeGreaterThan(0);
    expect(marseille).toEqual(await ogc(cql("(commune_insee >= '13201' AND commune_insee <= '13216') OR commune_insee = '13055'")));
    // Bad filters: 400 naming the field, never a 5xx.
    for (const bad of ['status = ', "unknown_field = 'x'", "status = 'a' garbage", 'population > 3', "status = 3", "S_INTERSECTS(geometry, POINT(500 1))", "status LIKE 'a\\'"]) {
      const response = await get(`/ogc/collections/deal-points/items?${cql(bad)}`);
      expect(response.status, bad).toBe(400);
      expect(response.body.details[0].field).toBe('querystring.filter');
    }
    const queryables = await get('/ogc/collections/deal-points/queryables');
    expect(Object.keys(queryables.body.properties)).toEqual(expect.arrayContaining(['status', 'department_code', 'geometry']));
  });

  it('serves communes and departments to everyone, as RFC 7946 geometry', async () => {
    const departments = await allPages('/ogc/collections/departments/items?limit=50', null);
    expect(departments.length).toBeGreaterThanOrEqual(100);
    expect(departments.flatMap((f) => geometryProblems(f.geometry))).toEqual([]);
    const communes = await get(`/ogc/collections/communes/items?limit=200&${`filter=${encodeURIComponent("department_code = '84'")}`}`, null);
    expect(communes.body.numberMatched).toBeGreaterThan(100);
    expect(communes.body.features.flatMap((f: any) => geometryProblems(f.geometry))).toEqual([]);
    expect((await get('/ogc/collections/communes/items/84089', null)).body.properties.name).toBe('Pertuis');
  });

  it('is read by GDAL: ogrinfo lists the collections with a token, ogr2ogr copies every point through paging', async () => {
    const auth = ['--config', 'GDAL_HTTP_AUTH', 'BASIC', '--config', 'GDAL_HTTP_USERPWD', `test.departmental_analyst.84:${crossToken}`];
    const info = await run('ogrinfo', ['-ro', '-q', ...auth, `OAPIF:${baseUrl}/ogc`], { timeout: 60_000 });
    expect(info.stdout).toMatch(/deal-points/);
    expect(info.stdout).toMatch(/h3-cells/);
    // Without a token GDAL sees only the public reference collections.
    const anonymous = await run('ogrinfo', ['-ro', '-q', `OAPIF:${baseUrl}/ogc`], { timeout: 60_000 });
    expect(anonymous.stdout).not.toMatch(/deal-points/);
    const gpkg = join(folder, 'points.gpkg');
    const copied = await run('ogr2ogr', ['-f', 'GPKG', gpkg, '--config', 'GDAL_HTTP_HEADERS', `Authorization: Bearer ${nationalToken}`, '-oo', 'PAGE_SIZE=1000', `OAPIF:${baseUrl}/ogc`, 'deal-points'], { timeout: 240_000 });
    const count = await run('ogrinfo', ['-ro', '-q', '-sql', 'SELECT count(*) AS n, count(DISTINCT fid) AS d, min(fid) AS lo FROM "deal-points"', gpkg], { timeout: 60_000 });
    expect(count.stdout, `${copied.stderr}\n${count.stderr}`).toMatch(new RegExp(`n \\(Integer\\) = ${totalPoints}\\b`));
    // The feature ids are the deal point ids (GDAL keeps them as the GeoPackage's fid).
    expect(count.stdout).toMatch(new RegExp(`d \\(Integer\\) = ${totalPoints}\\b`));
    // A filter GDAL sends as CQL2 gives the REST filter's rows.
    const filtered = join(folder, 'filtered.gpkg');
    await run('ogr2ogr', ['-f', 'GPKG', filtered, '--config', 'GDAL_HTTP_HEADERS', `Authorization: Bearer ${nationalToken}`, '-where', "department_code = '84' AND status = 'active'", `OAPIF:${baseUrl}/ogc`, 'deal-points'], { timeout: 120_000 });
    const got = await run('ogrinfo', ['-ro', '-q', '-sql', 'SELECT count(*) AS n FROM "deal-points"', filtered], { timeout: 60_000 });
    const rest = await context.database.pool.query(
      `SELECT count(*)::int AS n FROM deal_points d JOIN communes c ON c.insee = d.commune_insee WHERE c.department_code = '84'
       AND (SELECT e.status FROM deal_point_status_events e WHERE e.deal_point_id = d.id AND e.effective_on <= $1::date ORDER BY e.effective_on DESC LIMIT 1) = 'active'`, [today()]);
    expect(got.stdout).toMatch(new RegExp(`n \\(Integer\\) = ${rest.rows[0].n}\\b`));
    // GDAL's MVT driver reads the vector tiles with the token: feature ids are the deal point ids, with their fields.
    const one = (await context.database.pool.query(`SELECT d.id, ST_X(d.geom) AS lon, ST_Y(d.geom) AS lat FROM deal_points d JOIN communes c ON c.insee = d.commune_insee WHERE c.department_code = '84' ORDER BY d.id LIMIT 1`)).rows[0];
    const z = 12;
    const x = Math.floor(((one.lon + 180) / 360) * 2 ** z);
    const y = Math.floor(((1 - Math.log(Math.tan((one.lat * Math.PI) / 180) + 1 / Math.cos((one.lat * Math.PI) / 180)) / Math.PI) / 2) * 2 ** z);
    const tile = await run('ogrinfo', ['-ro', '-q', '-al', '--config', 'GDAL_HTTP_HEADERS', `Authorization: Bearer ${crossToken}`, `MVT:/vsicurl/${baseUrl}/tiles/deal-points/${z}/${x}/${y}.mvt`], { timeout: 60_000 });
    const ids = [...tile.stdout.matchAll(/mvt_id \(Integer64\) = (\d+)/g)].map((m) => Number(m[1]));
    expect(ids).toContain(Number(one.id));
    expect(tile.stdout).toMatch(/status \(String\) = \w+/);
    expect(tile.stdout).toMatch(/source \(String\) = \w+/);
    const sent = await context.database.pool.query(`SELECT area FROM audit_log WHERE route = '/ogc/collections/deal-points/items' AND area LIKE '%filter=%' ORDER BY id DESC LIMIT 1`);
    expect(sent.rows[0]?.area).toMatch(/department_code/);
  }, 300_000);
});
