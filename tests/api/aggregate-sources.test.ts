/**
 * "Confirmed by at least K sources" (measure 2) on the aggregates: the hexbins, the cube and the
 * series count only such points for analysts and prefects; for a deputy the parameter is refused
 * whatever its value, area or operation, before any data is read, so counts at K=1 and K=2 cannot
 * be differenced into single points and the refusal itself is no oracle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestApp, openTestApp, signInAs, targets, type TestContext } from '../helpers/databases.js';
import { dealPointBody, send, type TestSession } from '../helpers/requests.js';

const at = (dx: number) => ({ type: 'Point', coordinates: [5.5345 + dx, 43.6931] }); // Pertuis (84)
const month = new Date().toISOString().slice(0, 7);
const day = new Date().toISOString().slice(0, 10);
const pertuisBox = '5.50,43.66,5.58,43.72';

describe.each(targets())('aggregates by number of sources on the %s database', (target) => {
  let context: TestContext;
  let analyst: TestSession;
  let prefect: TestSession;
  let deputy: TestSession;
  const expected: Record<number, number> = {};

  beforeAll(async () => {
    context = await openTestApp(target);
    analyst = await signInAs(context, 'national_analyst');
    prefect = await signInAs(context, 'prefect', ['84']);
    deputy = await signInAs(context, 'deputy');
    const points: [string, number, string][] = [['one', 0, 'gendarmerie'], ['two', 0.002, 'gendarmerie'], ['three', 0.004, 'gendarmerie'], ['self', 0.006, 'gendarmerie']];
    const id: Record<string, number> = {};
    for (const [name, dx, source] of points) {
      const created = await send(context.app, 'POST', '/api/deal-points', dealPointBody({ external_id: `AK-${name}`, source, location: at(dx) }), undefined, analyst);
      expect(created.status).toBe(201);
      id[name] = created.body.id;
    }
    const observe = async (point: string, source: string) => expect((await send(context.app, 'POST', '/api/observations', { deal_point_id: id[point], observed_on: '2025-06-01', activity_level: 2, source }, undefined, analyst)).status).toBe(201);
    await observe('two', 'police_nationale');
    await observe('three', 'police_nationale');
    await observe('three', 'douane');
    await observe('self', 'gendarmerie'); // the same service again: still one source
    // The reference: the precise list with the same K (tested in confirmed-points.test.ts).
    for (const k of [1, 2, 3, 4]) {
      const listed = await send(context.app, 'GET', `/api/deal-points?department=84&status=active&min_sources=${k}&limit=1000`, undefined, undefined, analyst);
      expect(listed.status).toBe(200);
      expected[k] = (listed.body.items ?? listed.body.features).length;
    }
  });
  afterAll(async () => closeTestApp(context));

  it('has a fixture where K changes the answer', () => {
    expect([expected[1], expected[2], expected[3], expected[4]]).toEqual([4, 2, 1, 0]);
  });

  it('filters the hexbins, the cube and the series by K for analysts and prefects', async () => {
    for (const session of [analyst, prefect]) {
      for (const k of [1, 2, 3, 4]) {
        const cells = await send(context.app, 'GET', `/api/aggregates/deal-points?group=h3&resolution=7&at=${day}&department=84&min_sources=${k}`, undefined, undefined, session);
        expect(cells.status).toBe(200);
        expect(cells.body.features.reduce((sum: number, f: any) => sum + f.properties.count, 0), `h3 K=${k}`).toBe(expected[k]);
        const departments = await send(context.app, 'GET', `/api/aggregates/deal-points?group=department&at=${day}&department=84&min_sources=${k}`, undefined, undefined, session);
        expect(departments.body.items.reduce((sum: number, i: any) => sum + i.count, 0), `department K=${k}`).toBe(expected[k]);
        const cube = await send(context.app, 'GET', `/api/aggregates/deal-points/cube?resolution=8&from=${month}&to=${month}&department=84&min_sources=${k}`, undefined, undefined, session);
        expect(cube.status).toBe(200);
        expect(cube.body.cells.reduce((sum: number, c: any) => sum + c.active[0], 0), `cube K=${k}`).toBe(expected[k]);
        const series = await send(context.app, 'GET', `/api/aggregates/deal-points/series?from=${month}&to=${month}&department=84&min_sources=${k}`, undefined, undefined, session);
        expect(series.status).toBe(200);
        expect(JSON.stringify(series.body)).toContain(`${expected[k]}`);
      }
    }
    // Without K: every active point, the same as K=1 here (every point has a source).
    const all = await send(context.app, 'GET', `/api/aggregates/deal-points/cube?resolution=8&from=${month}&to=${month}&department=84`, undefined, undefined, analyst);
    expect(all.body.cells.reduce((sum: number, c: any) => sum + c.active[0], 0)).toBe(expected[1]);
  });

  it('refuses K to a deputy with one answer whatever the value, the area or the operation (no differencing, no bisection, no id oracle)', async () => {
    const { rows: [operation] } = await context.database.pool.query<{ id: number }>('SELECT min(id)::int AS id FROM operations');
    const probes = [
      `/api/aggregates/deal-points?group=h3&resolution=7&min_sources=1`,
      `/api/aggregates/deal-points?group=h3&resolution=7&min_sources=2&bbox=${pertuisBox}`,
      `/api/aggregates/deal-points?group=h3&resolution=7&min_sources=2&bbox=1.0,45.0,1.01,45.01`,
      `/api/aggregates/deal-points?group=commune&min_sources=7&bbox=${pertuisBox}`,
      `/api/aggregates/deal-points?group=department&min_sources=3&department=84`,
      `/api/aggregates/deal-points/cube?resolution=7&from=${month}&to=${month}&min_sources=2&bbox=${pertuisBox}`,
      `/api/aggregates/deal-points/cube?resolution=6&from=${month}&to=${month}&min_sources=1`,
      `/api/aggregates/deal-points/series?from=${month}&to=${month}&min_sources=2&bbox=${pertuisBox}`,
      `/api/aggregates/deal-points/series?from=${month}&to=${month}&min_sources=2&operation=${operation?.id ?? 1}`,
      `/api/aggregates/deal-points/series?from=${month}&to=${month}&min_sources=2&operation=999999`,
    ];
    const bodies = new Set<string>();
    for (const url of probes) {
      const response = await send(context.app, 'GET', url, undefined, undefined, deputy);
      expect(response.status, url).toBe(403);
      expect(response.body.error, url).toBe('min_sources_not_allowed');
      expect(JSON.stringify(response.body), url).toMatch(/querystring\.min_sources/);
      expect(JSON.stringify(response.body), url).not.toMatch(/postgres|pglite|relation|column|sql|5432|127\.0\.0\.1/i);
      bodies.add(JSON.stringify(response.body));
    }
    expect(bodies.size).toBe(1);
    // The same reads without K still answer (aggregated): K is refused, not the reading.
    const plain = await send(context.app, 'GET', `/api/aggregates/deal-points/cube?resolution=7&from=${month}&to=${month}&bbox=${pertuisBox}`, undefined, undefined, deputy);
    expect(plain.status).toBe(200);
    expect(plain.body.suppressed_below).toBe(5);
  });

  it('validates K before the role (a bad value is a 400 naming the field for everyone) and the public figures ignore it', async () => {
    for (const session of [deputy, analyst]) {
      const bad = await send(context.app, 'GET', `/api/aggregates/deal-points/cube?resolution=7&from=${month}&to=${month}&min_sources=0`, undefined, undefined, session);
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toMatch(/min_sources/);
    }
    const anonymous = await context.app.inject({ url: `/api/aggregates/deal-points?group=department&min_sources=2` });
    expect(anonymous.statusCode).toBe(401);
    // The public figures take no parameter: K is ignored, the answer is the same whole departments.
    const publicFigures = await context.app.inject({ url: `/api/statistics/active-points?min_sources=2` });
    const publicPlain = await context.app.inject({ url: `/api/statistics/active-points` });
    expect(publicFigures.statusCode).toBe(200);
    expect(publicFigures.body).toBe(publicPlain.body);
  });
});
