/**
 * Aggregated roles never receive precise data: no deal-point coordinates anywhere in a deputy's
 * answers, H3 cells no finer than resolution 7, counts below 5 suppressed; departmental analysts
 * and prefects get precise data only in their departments.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getResolution, isValidCell } from 'h3-js';
import { closeTestApp, openTestApp, signInAs, targets, type TestContext } from '../helpers/databases.js';
import { send, type TestSession } from '../helpers/requests.js';
import { loadPlantedScenario } from '../helpers/scenario-cache.js';

function* walk(value: unknown): Generator<unknown> {
  yield value;
  if (Array.isArray(value)) for (const item of value) yield* walk(item);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) yield* walk(item);
}

describe.each(targets())('privacy of aggregated roles on the %s database', (target) => {
  let context: TestContext;
  let deputy: TestSession;
  let analyst84: TestSession;
  let pointKeys: Set<string>;

  beforeAll(async () => {
    context = await openTestApp(target);
    await loadPlantedScenario(context.database.pool);
    deputy = await signInAs(context, 'deputy');
    analyst84 = await signInAs(context, 'departmental_analyst', ['84']);
    const { rows } = await context.database.pool.query<{ x: number; y: number }>('SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM deal_points');
    pointKeys = new Set(rows.map((r) => `${r.x.toFixed(4)},${r.y.toFixed(4)}`));
  }, 300_000);
  afterAll(async () => closeTestApp(context));

  const deputyReads = [
    '/api/aggregates/deal-points?group=h3&resolution=7&at=2024-06-30',
    '/api/aggregates/deal-points?group=h3&resolution=5&at=2020-12-31',
    '/api/aggregates/deal-points?group=commune&at=2024-06-30',
    '/api/aggregates/deal-points?group=department&at=2024-06-30&department=84',
    '/api/operations', '/api/statistics/national?year=2024', '/api/communes?q=pertuis', '/api/health', '/api/auth/me',
  ];

  it('answers deputies without any deal-point coordinate, with cells no finer than 7 and small counts suppressed', async () => {
    let suppressed = 0;
    for (const url of deputyReads) {
      const response = await send(context.app, 'GET', url, undefined, undefined, deputy);
      expect(response.status, url).toBe(200);
      for (const value of walk(response.body)) {
        if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) {
          expect(pointKeys.has(`${(value[0] as number).toFixed(4)},${(value[1] as number).toFixed(4)}`), `${url} carries a deal-point position ${value}`).toBe(false);
        }
        if (typeof value === 'string' && /^8[0-9a-f]{14}$/.test(value) && isValidCell(value)) expect(getResolution(value), url).toBeLessThanOrEqual(7);
        if (value && typeof value === 'object' && 'count_label' in value) {
          const { count, count_label } = value as { count: number | null; count_label: string };
          if (count === null) { expect(count_label).toBe('< 5'); suppressed++; } else expect(count === 0 || count >= 5).toBe(true);
        }
      }
    }
    expect(suppressed).toBeGreaterThan(0);
  });

  it('refuses deputies anything finer or more precise', async () => {
    const refused = ['/api/aggregates/deal-points?group=h3&resolution=8', '/api/deal-points', '/tiles/deal-points/9/263/186.mvt', '/api/observations', '/api/networks', '/api/moderation/reports'];
    for (const url of refused) expect((await send(context.app, 'GET', url, undefined, undefined, deputy)).status, url).toBe(403);
  });

  it('shows deputies ended operations only', async () => {
    await send(context.app, 'POST', '/api/operations', { name: 'En cours', kind: 'operation_ampleur', started_on: '2025-06-01', target: { type: 'Polygon', coordinates: [[[5.53, 43.69], [5.54, 43.69], [5.54, 43.70], [5.53, 43.70], [5.53, 43.69]]] } });
    const forAnalyst = await send(context.app, 'GET', '/api/operations?limit=1000');
    const forDeputy = await send(context.app, 'GET', '/api/operations?limit=1000', undefined, undefined, deputy);
    expect(forAnalyst.body.features.some((f: any) => f.properties.ended_on === null)).toBe(true);
    expect(forDeputy.body.features.every((f: any) => f.properties.ended_on !== null)).toBe(true);
    expect(forDeputy.body.features.length).toBe(forAnalyst.body.features.length - 1);
    const underWay = forAnalyst.body.features.find((f: any) => f.properties.ended_on === null);
    expect((await send(context.app, 'GET', `/api/operations/${underWay.id}`, undefined, undefined, deputy)).status).toBe(404); // as unknown
  });

  it('gives a departmental analyst precise data of its departments only, aggregated elsewhere', async () => {
    const own = await send(context.app, 'GET', '/api/deal-points?limit=1000&at=2024-06-30&status=active', undefined, undefined, analyst84);
    expect(own.body.features.length).toBeGreaterThan(20);
    expect(own.body.features.every((f: any) => f.properties.department_code === '84')).toBe(true);
    expect((await send(context.app, 'GET', '/api/deal-points?department=13', undefined, undefined, analyst84)).status).toBe(403);
    const marseillePoint = (await send(context.app, 'GET', '/api/deal-points?department=13&limit=1')).body.features[0];
    expect((await send(context.app, 'GET', `/api/deal-points/${marseillePoint.id}`, undefined, undefined, analyst84)).status).toBe(404); // as unknown
    // Tiles over Marseille and Vaucluse only carry Vaucluse points for this analyst.
    const tile = await context.app.inject({ url: '/tiles/deal-points/7/65/46.mvt?at=2024-06-30', headers: { cookie: analyst84.cookie } });
    const national = await context.app.inject({ url: '/tiles/deal-points/7/65/46.mvt?at=2024-06-30', headers: { cookie: (await signInAs(context, 'national_analyst')).cookie } });
    expect(tile.rawPayload.length).toBeGreaterThan(0);
    expect(tile.rawPayload.length).toBeLessThan(national.rawPayload.length);
    // Aggregated elsewhere: resolution 8 out of its departments, 9 only inside.
    expect((await send(context.app, 'GET', '/api/aggregates/deal-points?group=h3&resolution=8', undefined, undefined, analyst84)).status).toBe(200);
    // Whole cells only: cells cut by another department's border are not served.
    expect((await send(context.app, 'GET', '/api/aggregates/deal-points?group=h3&resolution=8&department=13', undefined, undefined, analyst84)).status).toBe(400);
    expect((await send(context.app, 'GET', '/api/aggregates/deal-points?group=h3&resolution=9&department=13', undefined, undefined, analyst84)).status).toBe(403);
    expect((await send(context.app, 'GET', '/api/aggregates/deal-points?group=h3&resolution=9&department=84', undefined, undefined, analyst84)).status).toBe(200);
    // It cannot write in another department.
    const write = await send(context.app, 'POST', '/api/deal-points', { location: { type: 'Point', coordinates: [5.3806, 43.2803] }, source: 'police_nationale', status_history: [{ status: 'active', effective_on: '2024-01-01' }] }, undefined, analyst84);
    expect(write.status).toBe(403);
    const importOutside = await send(context.app, 'POST', '/api/imports', 'external_id;source;lat;lon;first_seen_on\nX13;police_nationale;43,2803;5,3806;2024-01-01\n', 'text/csv', analyst84);
    expect(importOutside.status).toBe(422);
    expect(importOutside.body.details[0].reason).toMatch(/outside your departments/);
  });

  it('gives the aggregated counts the precise data add up to', async () => {
    const byDepartment = await send(context.app, 'GET', '/api/aggregates/deal-points?group=department&at=2020-12-20');
    const counts = Object.fromEntries(byDepartment.body.items.map((r: any) => [r.code, r.count]));
    expect(counts['93']).toBe(276);
    const cells = await send(context.app, 'GET', '/api/aggregates/deal-points?group=h3&resolution=7&at=2020-12-20&department=93');
    expect(cells.body.features.reduce((sum: number, f: any) => sum + f.properties.count, 0)).toBe(276);
  });
  it('gives a deputy the total of a chosen box as the sum of its published cells, so overlapping boxes add no equation', async () => {
    // The attack review recovered every "< 5" cell by least squares over a few hundred boxes, each
    // total perturbed on its own key; a sum of already-published cells carries nothing new.
    const boxes = ['4.70,43.80,5.20,44.10', '4.75,43.82,5.10,44.05', '4.81,43.85,5.02,43.99'];
    for (const bbox of boxes) {
      const cube = await send(context.app, 'GET', `/api/aggregates/deal-points/cube?resolution=7&from=2024-01&to=2024-03&bbox=${bbox}`, undefined, undefined, deputy);
      const series = await send(context.app, 'GET', `/api/aggregates/deal-points/series?from=2024-01&to=2024-03&bbox=${bbox}`, undefined, undefined, deputy);
      expect(series.status).toBe(200);
      for (let m = 0; m < 3; m++) {
        const published = cube.body.cells.map((c: any) => c.active[m]);
        expect(series.body.series[0].active[m], `${bbox} month ${m}`).toBe(published.reduce((sum: number, v: number | null) => sum + (v ?? 0), 0));
        expect(series.body.series[0].suppressed_cells[m]).toBe(published.filter((v: number | null) => v === null).length);
      }
      expect(series.body.series[0].suppressed_cells[0]).toBeGreaterThan(0);
    }
    // A precise reader still gets the exact count of the box.
    const exact = await send(context.app, 'GET', `/api/aggregates/deal-points/series?from=2024-01&to=2024-03&bbox=${boxes[0]}`);
    expect(exact.body.series[0].suppressed_cells).toBeUndefined();
  });
});
