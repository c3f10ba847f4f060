/**
 * Every route with hostile input: NUL bytes, invalid UTF-8, lone surrogates, coerced ids
 * (`0x1f`, ` 1`, `1e3`, `+1`, `0984`), far-future dates, wrong types. The server must answer
 * each with a 4xx (never a 5xx) that names a field, and never show a database message, code,
 * host or port.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestApp, openTestApp, signInAs, targets, type TestContext } from '../helpers/databases.js';
import { dealPointBody, send, type TestSession } from '../helpers/requests.js';

const leaks = /SQLSTATE|violates|syntax error|ECONNREFUSED|127\.0\.0\.1:\d+|localhost:\d+|relation "|column "|constraint "|_fkey|_check\b|_key\b|pg_|postgres|at \S+\.ts:\d+|node_modules/i;

const urlValues = ['%00', 'a%00b', '%FF', '%C3%28', '0x1f', '%201', '1e3', '%2B1', '0984', '-1', '99999999999999999999', '1.5', '', '%E9t%E9'];
const bodyValues: unknown[] = ['\u0000', 'a\u0000b', '\ud800', '1', 1.5, -1, '9999-12-31', '2100-01-01', {}, [], null, true, 'x'.repeat(5000)];

interface RouteSchema { querystring?: { properties?: Record<string, unknown> }; body?: { properties?: Record<string, unknown> }; params?: { properties?: Record<string, unknown> } }

describe.each(targets())('hostile input on every route on the %s database', (target) => {
  let context: TestContext;
  let analyst: TestSession;
  let admin: TestSession;
  let pointId: number;

  beforeAll(async () => {
    context = await openTestApp(target);
    analyst = await signInAs(context, 'national_analyst');
    admin = await signInAs(context, 'admin');
    pointId = (await send(context.app, 'POST', '/api/deal-points', dealPointBody({ external_id: 'FUZZ-1' }))).body.id;
  });
  afterAll(async () => closeTestApp(context));

  const check = (label: string, response: { status: number; body: unknown }) => {
    expect(response.status, `${label} -> ${response.status} ${JSON.stringify(response.body)?.slice(0, 300)}`).toBeLessThan(500);
    const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
    if (response.status >= 400) {
      expect((response.body as { error?: string })?.error, label).toBeTruthy();
      expect(text, label).not.toMatch(leaks);
    }
  };

  it('answers 4xx, never 5xx, to hostile URLs, queries and bodies on every route', async () => {
    const table = [...context.app.routeAccess.entries()]
      .filter(([key]) => /^(GET|POST|PATCH|DELETE) \/(api|tiles)\//.test(key) && !key.includes('/api/docs') && key !== 'POST /api/auth/sign-out');
    expect(table.length).toBeGreaterThan(50);
    let sent = 0;
    const sessionFor = (key: string) => (key.includes('/api/admin/') ? admin : analyst);
    const fill = (path: string, replacement?: [string, string]) => path.replace(/:([a-z]+)/g, (_match, name) => {
      if (replacement && replacement[0] === name) return replacement[1];
      // Account routes get an unknown id: a fuzzed reset must not end the test sessions.
      return name === 'id' ? (path.startsWith('/api/admin/') ? '999999' : String(pointId)) : name === 'insee' ? '84089' : name === 'code' ? '84' : name === 'z' ? '9' : name === 'x' ? '263' : name === 'y' ? '186' : '1';
    });
    for (const [key] of table) {
      const [method, path] = key.split(' ');
      const routeSchema = (context.app.routeSchemas.get(key) ?? {}) as RouteSchema;
      const session = sessionFor(key);
      // Path parameters.
      for (const name of [...path.matchAll(/:([a-z]+)/g)].map((m) => m[1])) {
        for (const value of urlValues) {
          const url = fill(path, [name, value]).replace('.mvt', '') + (path.endsWith('.mvt') ? '.mvt' : '');
          check(`${key} :${name}=${value}`, await send(context.app, method as 'GET', url, method === 'GET' || method === 'DELETE' ? undefined : {}, undefined, session));
          sent++;
        }
      }
      // Query parameters (declared ones and an unknown one).
      const names = [...Object.keys(routeSchema.querystring?.properties ?? {}), 'unknown'];
      for (const name of names) {
        for (const value of [...urlValues, '9999-12-31', '2100-01-01']) {
          check(`${key} ?${name}=${value}`, await send(context.app, method as 'GET', `${fill(path)}?${name}=${value}`, method === 'GET' || method === 'DELETE' ? undefined : {}, undefined, session));
          sent++;
        }
      }
      // Bodies: each declared property with each hostile value, invalid UTF-8, a NUL in a key.
      if (method === 'POST' || method === 'PATCH') {
        for (const name of Object.keys(routeSchema.body?.properties ?? {})) {
          for (const value of bodyValues) {
            check(`${key} body.${name}=${JSON.stringify(value)?.slice(0, 20)}`, await send(context.app, method as 'POST', fill(path), { version: 1, [name]: value }, undefined, session));
            sent++;
          }
        }
        const raw = await context.app.inject({ method: method as 'POST', url: fill(path), payload: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), headers: { 'content-type': 'application/json', cookie: session.cookie, 'x-csrf-token': session.csrf } });
        check(`${key} invalid UTF-8 body`, { status: raw.statusCode, body: raw.json() });
        const nulKey = await send(context.app, method as 'POST', fill(path), JSON.parse('{"a\\u0000": 1}'), undefined, session);
        check(`${key} NUL in a key`, nulKey);
        sent += 2;
      }
    }
    console.log(`hostile requests sent: ${sent}, none answered 5xx`);
    expect(sent).toBeGreaterThan(1500);
  }, 600_000);

  it('refuses coerced ids instead of acting on other records', async () => {
    for (const id of ['0x1f', '%201', '1e0', '%2B1', `0${pointId}`, `${pointId}.0`]) {
      const response = await send(context.app, 'DELETE', `/api/deal-points/${id}?version=1`);
      expect(response.status, id).toBe(400);
      expect(response.body.details[0].field).toBe('params.id');
    }
    for (const version of ['0x1', '%201', '1e0', '%2B1', '01']) {
      const response = await send(context.app, 'DELETE', `/api/deal-points/${pointId}?version=${version}`);
      expect(response.status, version).toBe(400);
      expect(response.body.details[0].field).toBe('querystring.version');
    }
    expect((await send(context.app, 'GET', `/api/deal-points/${pointId}`)).status).toBe(200);
  });

  it('refuses implausible dates, with the field and the range', async () => {
    const future = await send(context.app, 'POST', '/api/deal-points', dealPointBody({ external_id: 'FUZZ-2', status_history: [{ status: 'active', effective_on: '2100-01-01' }] }));
    expect(future.status).toBe(400);
    expect(future.body.details[0].field).toBe('body.status_history.0.effective_on');
    const query = await send(context.app, 'GET', '/api/deal-points?at=9999-12-31');
    expect(query.status).toBe(400);
    expect(query.body.details[0].field).toBe('querystring.at');
    const csv = await send(context.app, 'POST', '/api/imports', 'external_id;source;lat;lon;first_seen_on\nF3;gendarmerie;43,6931;5,5345;2099-01-01\n', 'text/csv');
    expect(csv.status).toBe(422);
    expect(csv.body.details[0]).toMatchObject({ line: 2, field: 'first_seen_on' });
    expect(csv.body.details[0].reason).toMatch(/must not be after/);
  });

  it('refuses a Latin-1 file, a NUL byte in a file, a GeoJSON in another CRS and coerced GeoJSON properties', async () => {
    const latin1 = Buffer.from('external_id;source;lat;lon;first_seen_on\nCh\xe2teau;gendarmerie;43,6931;5,5345;2024-01-01\n', 'latin1');
    const response = await context.app.inject({ method: 'POST', url: '/api/imports', payload: latin1, headers: { 'content-type': 'text/csv', cookie: analyst.cookie, 'x-csrf-token': analyst.csrf } });
    expect(response.statusCode).toBe(400);
    expect(response.json().details[0]).toMatchObject({ field: 'body' });
    expect(response.json().details[0].reason).toMatch(/UTF-8/);
    const nul = await send(context.app, 'POST', '/api/imports', 'external_id;source;lat;lon;first_seen_on\nA\u0000;gendarmerie;43,6931;5,5345;2024-01-01\n', 'text/csv');
    expect(nul.status).toBe(400);
    expect(nul.body.details[0]).toMatchObject({ field: 'body', line: 2 });
    const lambert = JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::2154' } },
      features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [5.5345, 43.6931] }, properties: { external_id: 'L1', source: 'gendarmerie', first_seen_on: '2024-01-01' } }] });
    const crs = await send(context.app, 'POST', '/api/imports', lambert, 'application/geo+json');
    expect(crs.status).toBe(422);
    expect(crs.body.details[0]).toMatchObject({ field: 'crs' });
    expect(crs.body.details[0].reason).toMatch(/EPSG::2154.*WGS 84/);
    const coerced = JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[5.53, 43.69], [5.54, 43.69], [5.54, 43.70], [5.53, 43.69]]] },
      properties: { external_id: 'OP-X', source: 'gendarmerie', name: {}, kind: 'autre', started_on: '2024-01-01', ended_on: [] } }] });
    const typed = await send(context.app, 'POST', '/api/imports?kind=operations', coerced, 'application/geo+json');
    expect(typed.status).toBe(422);
    expect(typed.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['ended_on', 'name']);
    expect((await context.database.pool.query(`SELECT count(*)::int AS n FROM operations WHERE external_id = 'OP-X'`)).rows[0].n).toBe(0);
  });

  it('sends security headers', async () => {
    const response = await context.app.inject({ url: '/api/health' });
    expect(response.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('same-origin');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
  });
});
