/**
 * The H3 x month cube and the monthly series, checked against the scenario's own files (counted
 * here independently), on both databases; deputies' suppression; bad windows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellToParent, getResolution, latLngToCell } from 'h3-js';
import { gunzipSync } from 'node:zlib';
import { closeTestApp, openTestApp, signInAs, targets, type TestContext } from '../helpers/databases.js';
import { send, type TestSession } from '../helpers/requests.js';
import { buildScenarioFiles } from '../../server/services/scenario.js';
import { loadPlantedScenario } from '../helpers/scenario-cache.js';
import { readPoints, type FilePoint } from '../helpers/scenario-counts.js';
import { cellMonthCube, fetchSpans, monthlySeries, type SeriesFilter } from '../../server/services/time-series.js';
import { monthIndex, monthlyCounts } from '../../server/domain/months.js';

const files = buildScenarioFiles(20190101, 'planted');
const points = readPoints(files['deal-points.csv']);

/** Active at some time during the month (YYYY-MM): a period [from, next event) overlaps it. */
function activeDuring(point: FilePoint, month: string): boolean {
  const start = `${month}-01`;
  const [year, m] = month.split('-').map(Number);
  const end = m === 12 ? `${year + 1}-01-01` : `${year}-${String(m + 1).padStart(2, '0')}-01`;
  return point.history.some((event, i) => (event.status === 'active' || event.status === 'reopened')
    && event.on < end && (i + 1 >= point.history.length || point.history[i + 1].on > start));
}

describe.each(targets())('monthly cube and series on the %s database', (target) => {
  let context: TestContext;
  let deputy: TestSession;
  let analyst84: TestSession;
  beforeAll(async () => {
    context = await openTestApp(target);
    await loadPlantedScenario(context.database.pool);
    deputy = await signInAs(context, 'deputy');
    analyst84 = await signInAs(context, 'departmental_analyst', ['84']);
  }, 300_000);
  afterAll(async () => closeTestApp(context));

  it('counts, per month, the points active during it, as the scenario files say', async () => {
    const response = await send(context.app, 'GET', '/api/aggregates/deal-points/cube?resolution=7&from=2019-01&to=2025-12');
    expect(response.status).toBe(200);
    const { months, cells } = response.body as { months: string[]; cells: { h3: string; active: number[]; cumulative: number[] }[] };
    expect(months).toHaveLength(84);
    for (const month of ['2019-01', '2020-12', '2022-10', '2024-03', '2025-12']) {
      const index = months.indexOf(month);
      const expected = points.filter((p) => activeDuring(p, month)).length;
      expect(cells.reduce((sum, c) => sum + c.active[index], 0), month).toBe(expected);
    }
    const everActive = points.filter((p) => months.some((m) => activeDuring(p, m))).length;
    expect(cells.reduce((sum, c) => sum + c.cumulative[83], 0)).toBe(everActive);
    expect(cells.every((c) => getResolution(c.h3) === 7)).toBe(true);
  });

  it('rolls cells up to coarser resolutions and restricts to a window, a department and a box', async () => {
    const fine = (await send(context.app, 'GET', '/api/aggregates/deal-points/cube?resolution=7&from=2024-01&to=2024-06&department=84')).body;
    const coarse = (await send(context.app, 'GET', '/api/aggregates/deal-points/cube?resolution=5&from=2024-01&to=2024-06&department=84')).body;
    expect(coarse.months).toEqual(['2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06']);
    const rolled = new Map<string, number>();
    for (const cell of fine.cells) rolled.set(cellToParent(cell.h3, 5), (rolled.get(cellToParent(cell.h3, 5)) ?? 0) + cell.active[5]);
    for (const cell of coarse.cells) expect(cell.active[5], cell.h3).toBe(rolled.get(cell.h3));
    const vaucluse = points.filter((p) => p.department === '84' && activeDuring(p, '2024-06')).length;
    expect(fine.cells.reduce((s: number, c: { active: number[] }) => s + c.active[5], 0)).toBe(vaucluse);
    const boxed = (await send(context.app, 'GET', '/api/aggregates/deal-points/cube?resolution=8&from=2024-06&to=2024-06&bbox=5.45,43.65,5.60,43.75')).body;
    const inBox = points.filter((p) => p.longitude >= 5.45 && p.longitude <= 5.60 && p.latitude >= 43.65 && p.latitude <= 43.75 && activeDuring(p, '2024-06')).length;
    expect(boxed.cells.reduce((s: number, c: { active: number[] }) => s + c.active[0], 0)).toBe(inBox);
  });

  it('gives series by size class that add up to the total, and the Pertuis rise after Marseille XXL', async () => {
    const bySize = (await send(context.app, 'GET', '/api/aggregates/deal-points/series?by=size_class&from=2019-01&to=2025-12')).body;
    const total = (await send(context.app, 'GET', '/api/aggregates/deal-points/series?from=2019-01&to=2025-12')).body;
    expect(bySize.series.map((s: { key: string }) => s.key)).toEqual(['metropole', 'grande_ville', 'ville_moyenne', 'petite_ville', 'rural']);
    expect(bySize.series[2].label).toContain('Ville moyenne');
    for (let i = 0; i < 84; i += 7) {
      expect(bySize.series.reduce((s: number, c: { active: number[] }) => s + c.active[i], 0)).toBe(total.series[0].active[i]);
    }
    const pertuis = (await send(context.app, 'GET', '/api/aggregates/deal-points/series?commune=84089&from=2023-09&to=2024-12')).body.series[0].active as number[];
    const { rows } = await context.database.pool.query<{ external_id: string }>("SELECT external_id FROM deal_points WHERE commune_insee = '84089'");
    const inPertuis = points.filter((p) => rows.some((r) => r.external_id === p.externalId));
    expect(pertuis[0]).toBe(inPertuis.filter((p) => activeDuring(p, '2023-09')).length);
    expect(pertuis[15]).toBe(inPertuis.filter((p) => activeDuring(p, '2024-12')).length);
    const truth = JSON.parse(files['ground-truth.json']);
    const planted = truth.operations.find((o: { name: string }) => o.name.includes('Marseille')).destinationTowns.find((t: { insee: string }) => t.insee === '84089').planted;
    expect(pertuis[15] - pertuis[0]).toBeGreaterThanOrEqual(planted);
  });

  it('suppresses counts below 5 for deputies and keeps them to resolution 7', async () => {
    const refused = await send(context.app, 'GET', '/api/aggregates/deal-points/cube?resolution=8&from=2024-01&to=2024-02', undefined, undefined, deputy);
    expect(refused.status).toBe(403);
    expect(refused.body.details[0].field).toBe('querystring.resolution');
    const cube = (await send(context.app, 'GET', '/api/aggregates/deal-points/cube?resolution=7&from=2024-01&to=2024-12', undefined, undefined, deputy)).body;
    expect(cube.suppressed_below).toBe(5);
    const values = cube.cells.flatMap((c: { active: (number | null)[] }) => c.active);
    expect(values).toContain(null);
    expect(values.filter((v: number | null) => v !== null && v > 0 && v < 5)).toEqual([]);
    const fine = await send(context.app, 'GET', '/api/aggregates/deal-points/cube?resolution=9&from=2024-01&to=2024-02&department=84', undefined, undefined, analyst84);
    expect(fine.status).toBe(200);
    const outside = await send(context.app, 'GET', '/api/aggregates/deal-points/cube?resolution=9&from=2024-01&to=2024-02&department=13', undefined, undefined, analyst84);
    expect(outside.status).toBe(403);
  });

  it('refuses bad windows with the field named', async () => {
    const cases: [string, string][] = [
      ['/api/aggregates/deal-points/cube?resolution=7&from=2024-06&to=2024-01', 'querystring.to'],
      ['/api/aggregates/deal-points/cube?resolution=7&from=2024-13&to=2024-12', 'querystring.from'],
      ['/api/aggregates/deal-points/cube?resolution=7&from=2000-01&to=2024-12', 'querystring.to'],
      ['/api/aggregates/deal-points/cube?from=2024-01&to=2024-12', 'querystring.resolution'],
      ['/api/aggregates/deal-points/cube?resolution=10&from=2024-01&to=2024-12', 'querystring.resolution'],
      ['/api/aggregates/deal-points/series?by=street&from=2024-01&to=2024-12', 'querystring.by'],
      ['/api/aggregates/deal-points/series?from=2024-01&to=2024-12&bbox=6,44,5,43', 'querystring.bbox'],
    ];
    for (const [url, field] of cases) {
      const response = await send(context.app, 'GET', url);
      expect(response.status, url).toBe(400);
      expect(response.body.details.map((d: { field: string }) => d.field), url).toContain(field);
    }
  });

  it('adds the counts up in SQL (stored months) exactly as from every span: active, cumulative and record keys', async () => {
    const db = context.database.pool;
    const base: SeriesFilter = { from: monthIndex('2019-01'), to: monthIndex('2025-12'), bbox: null, departments: null, dataset: null, region: null, commune: null };
    const cases: [string, 'h3_7' | 'h3_8' | 'size_class' | 'total' | 'department', SeriesFilter, number?][] = [
      ['national, r7', 'h3_7', base],
      ['national, r5 (rolled up)', 'h3_7', base, 5],
      ['window starting mid-history, size classes', 'size_class', { ...base, from: monthIndex('2023-07'), to: monthIndex('2024-12') }],
      ['one month', 'department', { ...base, from: monthIndex('2024-03'), to: monthIndex('2024-03') }],
      ['department 13, r8', 'h3_8', { ...base, departments: ['13'] }],
      ['a box and a dataset', 'total', { ...base, bbox: [5.0, 43.0, 6.0, 44.0], dataset: 'synthetic' }],
      ['two sources or more', 'h3_7', { ...base, minimumSources: 2 }],
    ];
    for (const [label, key, filter, parent] of cases) {
      const spans = await fetchSpans(db, key, filter);
      if (parent) for (const span of spans) span.key = cellToParent(span.key, parent);
      const expected = monthlyCounts(spans, filter.from, filter.to);
      const got = key.startsWith('h3') ? (await cellMonthCube(db, parent ?? (key === 'h3_8' ? 8 : 7), filter)).cells : (await monthlySeries(db, key, filter)).series;
      expect(new Map([...got].sort()), label).toEqual(new Map([...expected].sort()));
    }
  });

  it('counts once in a month a point dismantled and reopened within it', async () => {
    const db = context.database.pool;
    const filter: SeriesFilter = { from: monthIndex('2024-02'), to: monthIndex('2024-06'), bbox: [5.40, 43.60, 5.60, 43.80], departments: null, dataset: null, region: null, commune: null };
    const before = (await monthlySeries(db, 'total', filter)).series.get('total')!;
    const [longitude, latitude] = [5.5046, 43.6942];
    const { rows: [point] } = await db.query<{ id: string }>(`
      INSERT INTO deal_points (geom, h3_r7, h3_r8, h3_r9, products, source_code, external_id, dataset)
      SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326), $3, $4, $5, products, source_code, 'MONTH-ONCE', 'synthetic'
      FROM deal_points LIMIT 1 RETURNING id`, [longitude, latitude, latLngToCell(latitude, longitude, 7), latLngToCell(latitude, longitude, 8), latLngToCell(latitude, longitude, 9)]);
    await db.query(`INSERT INTO deal_point_status_events (deal_point_id, status, effective_on) VALUES ($1, 'active', '2024-03-02'), ($1, 'dismantled', '2024-03-10'), ($1, 'reopened', '2024-03-25'), ($1, 'dismantled', '2024-05-04')`, [point.id]);
    try {
      const after = (await monthlySeries(db, 'total', filter)).series.get('total')!;
      expect(after.active.map((v, i) => v - before.active[i])).toEqual([0, 1, 1, 1, 0]);
      expect(after.cumulative.map((v, i) => v - before.cumulative[i])).toEqual([0, 1, 1, 1, 1]);
    } finally {
      await db.query('DELETE FROM deal_point_status_events WHERE deal_point_id = $1', [point.id]);
      await db.query('DELETE FROM deal_points WHERE id = $1', [point.id]);
    }
  });

  /** Asks again, up to 5 s, until `done`: with a read replica the route reads the standby, which replays a change a moment later. */
  const until = async <T>(ask: () => Promise<T>, done: (answer: T) => boolean): Promise<T> => {
    let answer = await ask();
    for (let i = 0; i < 50 && !done(answer); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer = await ask();
    }
    return answer;
  };
  /** A point still active since before June 2024 dismantled on 15 June during `work`. */
  const withJuneDismantling = async (work: (point: { id: string; h3_r7: string }) => Promise<void>) => {
    const { rows: [point] } = await context.database.pool.query<{ id: string; h3_r7: string }>(`
      SELECT d.id, d.h3_r7 FROM deal_points d JOIN deal_point_histories h ON h.deal_point_id = d.id
      WHERE h.event_status[cardinality(h.event_status)] IN ('active', 'reopened') AND h.event_on[cardinality(h.event_on)] < '2024-06-01' LIMIT 1`);
    await context.database.pool.query(`INSERT INTO deal_point_status_events (deal_point_id, status, effective_on) VALUES ($1, 'dismantled', '2024-06-15')`, [point.id]);
    try {
      await work(point);
    } finally {
      await context.database.pool.query(`DELETE FROM deal_point_status_events WHERE deal_point_id = $1 AND effective_on = '2024-06-15' AND status = 'dismantled'`, [point.id]);
    }
  };
  /** The ended operation with the most dismantlings in 2024 set back under way during `work` (its dismantlings hidden from a deputy). */
  const withOperationUnderWay = async (work: () => Promise<void>) => {
    const { rows: [struck] } = await context.database.pool.query<{ id: string; ended_on: string }>(`
      SELECT o.id, o.ended_on::text FROM operations o JOIN deal_point_status_events e ON e.operation_id = o.id
      WHERE o.ended_on IS NOT NULL AND e.effective_on BETWEEN '2024-01-01' AND '2024-10-31' GROUP BY o.id ORDER BY count(*) DESC LIMIT 1`);
    await context.database.pool.query('UPDATE operations SET ended_on = NULL WHERE id = $1', [struck.id]);
    try {
      await work();
    } finally {
      await context.database.pool.query('UPDATE operations SET ended_on = $2 WHERE id = $1', [struck.id, struck.ended_on]);
    }
  };

  it('keeps a series until the data or the operations under way change', async () => {
    const national = await signInAs(context, 'national_analyst');
    const url = '/api/aggregates/deal-points/series?from=2024-01&to=2024-12';
    const total = async (who: TestSession) => (await send(context.app, 'GET', url, undefined, undefined, who)).body.series[0].active as number[];
    const same = (a: number[], b: number[]) => JSON.stringify(a) === JSON.stringify(b);
    const before = await total(national);
    await withJuneDismantling(async () => {
      const after = await until(() => total(national), (now) => !same(now, before));
      expect(after.map((v, i) => before[i] - v)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
    });
    const forDeputy = await total(deputy);
    await withOperationUnderWay(async () => {
      const underWay = await until(() => total(deputy), (now) => !same(now, forDeputy));
      // Its dismantlings hidden: more points still active at the end of the year.
      expect(underWay[11]).toBeGreaterThan(forDeputy[11]);
    });
    expect(await until(() => total(deputy), (now) => same(now, forDeputy))).toEqual(forDeputy);
  });

  it('serves a cube again from memory until the data or the operations under way change (ETag, 304)', async () => {
    const national = await signInAs(context, 'national_analyst');
    const url = '/api/aggregates/deal-points/cube?resolution=6&from=2024-01&to=2024-12';
    const first = await send(context.app, 'GET', url, undefined, undefined, national);
    const again = await send(context.app, 'GET', url, undefined, undefined, national);
    expect(first.headers.etag).toMatch(/^"/);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.headers['cache-control']).toBe('private, no-cache');
    expect(again.body).toEqual(first.body);
    // Gzipped when stored: a client accepting gzip gets those bytes (the same JSON), one refusing it the plain ones.
    const zipped = await context.app.inject({ method: 'GET', url, headers: { cookie: national.cookie, 'accept-encoding': 'br;q=1, gzip;q=0.5' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toMatch(/accept-encoding/i);
    expect(JSON.parse(gunzipSync(zipped.rawPayload).toString('utf8'))).toEqual(first.body);
    expect(zipped.rawPayload.length).toBeLessThan(Buffer.byteLength(JSON.stringify(first.body)) / 3);
    const plain = await context.app.inject({ method: 'GET', url, headers: { cookie: national.cookie, 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.json()).toEqual(first.body);
    const revalidated = await context.app.inject({ method: 'GET', url, headers: { cookie: national.cookie, 'if-none-match': String(first.headers.etag) } });
    expect(revalidated.statusCode).toBe(304);
    const cube = (who: TestSession) => () => send(context.app, 'GET', url, undefined, undefined, who);
    // A status change raises the data version: a new answer, with the change in it.
    await withJuneDismantling(async (point) => {
      const cell = cellToParent(point.h3_r7, 6);
      const before = (first.body.cells as { h3: string; active: number[] }[]).find((c) => c.h3 === cell)!.active;
      const changed = await until(cube(national), (answer) => answer.headers.etag !== first.headers.etag);
      expect(changed.headers.etag).not.toBe(first.headers.etag);
      const after = (changed.body.cells as { h3: string; active: number[] }[]).find((c) => c.h3 === cell)?.active ?? [];
      // Active through June (dismantled during it), gone from July.
      expect(after.slice(0, 6)).toEqual(before.slice(0, 6));
      expect(after.slice(6).map((v, i) => before[6 + i] - v)).toEqual([1, 1, 1, 1, 1, 1]);
    });
    // A deputy's cube is kept too, keyed by the operations under way as well (their dismantlings
    // are hidden from a deputy until they end, and the data version does not follow an end).
    const forDeputy = await cube(deputy)();
    expect(forDeputy.status).toBe(200);
    expect(forDeputy.headers.etag).toMatch(/^"/);
    expect((await cube(deputy)()).headers.etag).toBe(forDeputy.headers.etag);
    await withOperationUnderWay(async () => {
      const underWay = await until(cube(deputy), (answer) => answer.headers.etag !== forDeputy.headers.etag);
      expect(underWay.headers.etag).not.toBe(forDeputy.headers.etag);
      expect(underWay.body.cells).not.toEqual(forDeputy.body.cells); // its dismantlings no longer show
    });
    expect((await until(cube(deputy), (answer) => answer.headers.etag === forDeputy.headers.etag)).headers.etag).toBe(forDeputy.headers.etag);
  });
});
