/**
 * RFC 7946 over every spatial answer of the REST API and the OGC API: exterior rings
 * counter-clockwise, rings closed with no repeated vertex, 6-7 decimals; and the REST lists carry
 * paging `links` a GIS client can follow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestApp, openTestApp, signInAs, targets, type TestContext } from '../helpers/databases.js';
import { dealPointBody, send, type TestSession } from '../helpers/requests.js';
import { geometryProblems } from '../helpers/geojson-checks.js';

describe.each(targets())('standard GeoJSON on the %s database', (target) => {
  let context: TestContext;
  let deputy: TestSession;
  let operationId: number;
  let pointIds: number[];

  beforeAll(async () => {
    context = await openTestApp(target);
    deputy = await signInAs(context, 'deputy');
    pointIds = [];
    for (let i = 0; i < 5; i++) {
      // Coordinates with float noise, as typed by a client.
      const location = { type: 'Point', coordinates: [5.5345 + i * 0.0012345678901, 43.6931 + i * 0.00098765432101] };
      pointIds.push((await send(context.app, 'POST', '/api/deal-points', dealPointBody({ location, external_id: `GJ-${i}`, status_history: [{ status: 'active', effective_on: '2023-01-15' }] }))).body.id);
    }
    // A clockwise target with 15 decimals: served counter-clockwise with 6.
    const ring = [[5.52, 43.68], [5.52, 43.70123456789012], [5.55, 43.70123456789012], [5.55, 43.68], [5.52, 43.68]];
    operationId = (await send(context.app, 'POST', '/api/operations', { name: 'Op', kind: 'place_nette', started_on: '2024-01-01', ended_on: '2024-01-02', target: { type: 'Polygon', coordinates: [ring] } })).body.id;
  });
  afterAll(async () => closeTestApp(context));

  let analystSession: TestSession | undefined;
  const sessionOf = async () => (analystSession ??= await signInAs(context, 'national_analyst'));
  const features = (body: any): any[] => body.type === 'Feature' ? [body] : body.features;

  it('passes the winding and closure check on every spatial answer', async () => {
    const answers: [string, TestSession | undefined][] = [
      ['/api/deal-points', undefined], [`/api/deal-points/${pointIds[0]}`, undefined],
      ['/api/operations', undefined], [`/api/operations/${operationId}`, undefined], ['/api/operations', deputy],
      ['/api/communes/84089', undefined], ['/api/communes/13055', undefined], ['/api/departments/84', undefined], ['/api/departments/2A', undefined], ['/api/departments/outlines', undefined],
      ['/api/aggregates/deal-points?group=h3&resolution=9&department=84', undefined], ['/api/aggregates/deal-points?group=h3&resolution=7', deputy],
      ['/api/aggregates/deal-points?group=h3&resolution=5', deputy],
      ['/ogc/collections/deal-points/items', undefined], ['/ogc/collections/operations/items', undefined], ['/ogc/collections/h3-cells/items', deputy],
      ['/ogc/collections/communes/items?department_code=84&limit=200', undefined], ['/ogc/collections/departments/items?limit=200', undefined],
    ];
    for (const [url, as] of answers) {
      const response = await send(context.app, 'GET', url, undefined, undefined, as);
      expect(response.status, url).toBe(200);
      const list = features(response.body);
      expect(list.length, url).toBeGreaterThan(0);
      const problems = list.flatMap((f) => geometryProblems(f.geometry).map((p) => `${url} ${f.id}: ${p}`));
      expect(problems.slice(0, 5), url).toEqual([]);
    }
  });

  it('sweeps every GET route: each geometry anywhere in an answer passes the check, and only GeoJSON is served as GeoJSON', async () => {
    const geometryTypes = new Set(['Point', 'Polygon', 'MultiPolygon']);
    const geometriesIn = (value: unknown, found: { type: string; coordinates: unknown }[] = []) => {
      if (Array.isArray(value)) { for (const v of value) geometriesIn(v, found); return found; }
      if (value && typeof value === 'object') {
        const o = value as Record<string, unknown>;
        if (typeof o.type === 'string' && geometryTypes.has(o.type) && Array.isArray(o.coordinates)) found.push(o as never);
        else for (const v of Object.values(o)) geometriesIn(v, found);
      }
      return found;
    };
    const fill = (url: string) => url
      .replace(/^\/api\/operations\/:id/, `/api/operations/${operationId}`).replace(/^\/api\/analyses\/operations\/:id/, `/api/analyses/operations/${operationId}`)
      .replace('/collections/operations/items/:fid', `/collections/operations/items/${operationId}`).replace(':fid', String(pointIds[0]))
      .replace(':insee', '84089').replace(':code', '84').replace(':id', String(pointIds[0]));
    const problems: string[] = [];
    const spatial: string[] = [];
    let answered = 0;
    for (const key of (context.app.routeSchemas as Map<string, unknown>).keys()) {
      const [method, route] = key.split(' ');
      // Tiles and files are checked elsewhere (MVT, GeoPackage, PDF); the others are JSON.
      if (method !== 'GET' || !/^\/(api|ogc)(\/|$)/.test(route) || route.startsWith('/api/docs') || /\.(csv|gpkg|pdf|geojson)$|:format|\/pdf$/.test(route)) continue;
      for (const as of [undefined, deputy]) {
        const url = fill(route);
        const response = await context.app.inject({ url, headers: as ? { cookie: as.cookie } : { cookie: (await sessionOf()).cookie } });
        if (response.statusCode !== 200 || !/json/.test(String(response.headers['content-type']))) continue;
        answered += 1;
        const body = response.json();
        const found = geometriesIn(body);
        if (found.length) spatial.push(route);
        for (const geometry of found) for (const problem of geometryProblems(geometry)) problems.push(`${url}: ${problem}`);
        if (/geo\+json/.test(String(response.headers['content-type'])) && !['Feature', 'FeatureCollection'].includes(body?.type)) problems.push(`${url}: served as GeoJSON, yet not a Feature or FeatureCollection`);
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(answered).toBeGreaterThan(40);
    // The sweep reached the spatial answers (REST, aggregates, OGC).
    for (const route of ['/api/deal-points', '/api/operations/:id', '/api/departments/outlines', '/api/communes/:insee', '/ogc/collections/communes/items', '/ogc/collections/deal-points/items/:fid']) expect(spatial, route).toContain(route);
  });

  it('keeps 7 decimals of a point and turns a clockwise target counter-clockwise', async () => {
    const point = await send(context.app, 'GET', `/api/deal-points/${pointIds[1]}`);
    expect(point.body.geometry.coordinates).toEqual([5.5357346, 43.6940877]);
    const operation = await send(context.app, 'GET', `/api/operations/${operationId}`);
    const exterior = operation.body.geometry.coordinates[0][0];
    expect(exterior).toContainEqual([5.55, 43.701235]);
  });

  it('gives the REST lists paging links that reach every record', async () => {
    const seen: number[] = [];
    let url: string | null = '/api/deal-points?limit=2';
    let pages = 0;
    while (url) {
      const page: { body: any } = await send(context.app, "GET", url);
      expect(page.body.links[0].rel).toBe('self');
      seen.push(...page.body.features.map((f: { id: number }) => f.id));
      const next: { href: string } | undefined = page.body.links.find((l: { rel: string }) => l.rel === "next");
      expect(Boolean(next)).toBe(page.body.next !== null);
      url = next ? new URL(next.href).pathname + new URL(next.href).search : null;
      if (url) expect(url).toContain('limit=2');
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(pointIds);
    const operations = await send(context.app, 'GET', '/api/operations?limit=1');
    expect(operations.body.links.map((l: { rel: string }) => l.rel)).toEqual(['self']);
  });
});

describe.each(targets().slice(0, 1))('compressed answers on the %s database', (target) => {
  let context: TestContext;
  beforeAll(async () => { context = await openTestApp(target); });
  afterAll(async () => closeTestApp(context));

  it('gzips JSON answers for clients that accept it, and leaves the others plain', async () => {
    const { gunzipSync } = await import('node:zlib');
    const zipped = await context.app.inject({ url: '/ogc/collections/departments/items?limit=5', headers: { 'accept-encoding': 'gzip' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    const body = JSON.parse(gunzipSync(zipped.rawPayload).toString('utf8'));
    expect(body.features).toHaveLength(5);
    const plain = await context.app.inject({ url: '/ogc/collections/departments/items?limit=5' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.length).toBeGreaterThan(zipped.rawPayload.length * 2);
  });
});
