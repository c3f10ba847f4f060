/**
 * The trust promise attacked as each role would, on the demo scenario: bisection through every
 * aggregate endpoint, differencing (overlapping boxes, region minus departments, department minus
 * communes, month windows), id oracles, trilateration through error messages, writes across
 * departments through every write path, operations under way, admin escalation. Each attack
 * asserts zero leaks (or, for differencing, that no exact count comes out more often than the
 * noise allows and that nothing tells which guesses are right).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellToBoundary, cellToLatLng, latLngToCell } from 'h3-js';
import { closeTestApp, openTestApp, signInAs, targets, type TestContext } from '../helpers/databases.js';
import { send, squareAround, type TestSession } from '../helpers/requests.js';
import { loadPlantedScenario } from '../helpers/scenario-cache.js';
import { cellOverlapsBbox, type Bbox } from '../../server/domain/disclosure.js';
import { createReport } from '../../server/services/public-reports.js';

const D = '2024-06-30';
const window = 'from=2024-01&to=2024-06';
const metres = (lat: number) => ({ lat: 1 / 110_574, lon: 1 / (111_320 * Math.cos((lat * Math.PI) / 180)) });
const tinyBox = (lon: number, lat: number, m = 1): string => {
  const k = metres(lat);
  return [lon - m * k.lon, lat - m * k.lat, lon + m * k.lon, lat + m * k.lat].map((v) => v.toFixed(7)).join(',');
};

describe.each(targets())('trust: attacks as each role on the %s database', (target) => {
  let context: TestContext;
  let deputy: TestSession;
  let cross84: TestSession;
  let prefect84: TestSession;
  let points: { id: number; lon: number; lat: number; dep: string; r7: string; r8: string; source: string; external_id: string; version: number }[];

  const as = (who: TestSession | null) => ({
    get: (url: string) => send(context.app, 'GET', url, undefined, undefined, who),
    post: (url: string, body?: unknown, type?: string) => send(context.app, 'POST', url, body, type, who),
    patch: (url: string, body: unknown) => send(context.app, 'PATCH', url, body, undefined, who),
    delete: (url: string) => send(context.app, 'DELETE', url, undefined, undefined, who),
  });

  beforeAll(async () => {
    context = await openTestApp(target);
    await loadPlantedScenario(context.database.pool);
    deputy = await signInAs(context, 'deputy');
    cross84 = await signInAs(context, 'departmental_analyst', ['84']);
    prefect84 = await signInAs(context, 'prefect', ['84']);
    const { rows } = await context.database.pool.query(
      `SELECT d.id, ST_X(d.geom) AS lon, ST_Y(d.geom) AS lat, c.department_code AS dep, d.h3_r7 AS r7, d.h3_r8 AS r8, d.source_code AS source, d.external_id, d.version
       FROM deal_points d JOIN communes c ON c.insee = d.commune_insee ORDER BY d.id`);
    points = rows;
  }, 300_000);
  afterAll(async () => closeTestApp(context));

  /** A place in the same cell as the point, at least 60 m from every deal point. */
  const emptyPlaceInCell = (point: { lon: number; lat: number }, cell: string, resolution: number) => {
    const ring = cellToBoundary(cell, true);
    for (let step = 1; step < 200; step++) {
      const t = step / 200;
      for (const [vx, vy] of ring) {
        const lon = point.lon + (vx - point.lon) * t * 0.9;
        const lat = point.lat + (vy - point.lat) * t * 0.9;
        if (latLngToCell(lat, lon, resolution) !== cell) continue;
        const k = metres(lat);
        if (points.every((p) => Math.hypot((p.lon - lon) / k.lon, (p.lat - lat) / k.lat) > 60)) return { lon, lat };
      }
    }
    return null;
  };

  const aggregateUrls = (bbox: string, resolution: number) => [
    `/api/aggregates/deal-points?group=h3&resolution=${resolution}&at=${D}&bbox=${bbox}`,
    `/api/aggregates/deal-points?group=commune&at=${D}&bbox=${bbox}`,
    `/api/aggregates/deal-points?group=department&at=${D}&bbox=${bbox}`,
    `/api/aggregates/deal-points/cube?resolution=${resolution}&${window}&bbox=${bbox}`,
    `/api/aggregates/deal-points/series?${window}&bbox=${bbox}`,
  ];

  it('answers a 1 m box on a point exactly as a 1 m box on an empty place of the same cell, through every aggregate endpoint', async () => {
    const attackers: [string, TestSession, number, (p: typeof points[number]) => boolean][] = [
      ['deputy', deputy, 7, () => true],
      ['CROSS 84 in Bouches-du-Rhône', cross84, 8, (p) => p.dep === '13'],
      ['prefect 84 in Bouches-du-Rhône', prefect84, 8, (p) => p.dep === '13'],
    ];
    let compared = 0;
    for (const [who, session, unit, eligible] of attackers) {
      const victims = points.filter(eligible).filter((_, i) => i % 97 === 0).slice(0, 6);
      expect(victims.length, who).toBeGreaterThan(2);
      for (const victim of victims) {
        const cell = unit === 7 ? victim.r7 : victim.r8;
        const empty = emptyPlaceInCell(victim, cell, unit);
        if (!empty) continue;
        const onPoint = aggregateUrls(tinyBox(victim.lon, victim.lat), unit);
        const offPoint = aggregateUrls(tinyBox(empty.lon, empty.lat), unit);
        for (let i = 0; i < onPoint.length; i++) {
          const a = await as(session).get(onPoint[i]);
          const b = await as(session).get(offPoint[i]);
          expect(a.status, `${who} ${onPoint[i]}`).toBe(200);
          expect(JSON.stringify(a.body), `${who}: ${onPoint[i]} differs from the same cell's empty place`).toBe(JSON.stringify(b.body));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(50);
  });

  it('snaps a hot-spot job\'s bbox to whole cells outside the analyst\'s departments', async () => {
    const victim = points.find((p) => p.dep === '13')!;
    const empty = emptyPlaceInCell(victim, victim.r7, 7)!;
    const run = async (lon: number, lat: number) => {
      const started = await as(cross84).post('/api/analyses/emerging-hot-spots', { resolution: 7, from: '2023-01', to: '2024-06', bbox: tinyBox(lon, lat), method: 'exact' });
      expect(started.status).toBe(202);
      for (let i = 0; i < 100; i++) {
        const job = await as(cross84).get(started.body.poll);
        if (job.body.status !== 'running') return job.body.result;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error('job did not end');
    };
    expect(JSON.stringify(await run(victim.lon, victim.lat))).toBe(JSON.stringify(await run(empty.lon, empty.lat)));
  });

  it('stops a bisection at whole cells: the deputy never gets nearer than a cell to a point', async () => {
    // The attacker's oracle: does the answer for a box show any point? Halve the box, keep a half that
    // shows one (the western or southern when both do), 40 times: without whole cells this ends on a point.
    const shows = async (box: Bbox) => {
      const answer = await as(deputy).get(`/api/aggregates/deal-points?group=h3&resolution=7&at=${D}&bbox=${box.map((v) => v.toFixed(8)).join(',')}`);
      return answer.body.features.some((f: { properties: { count: number | null } }) => f.properties.count === null || f.properties.count > 0);
    };
    const misses: number[] = [];
    const { rows: activeIds } = await context.database.pool.query(`SELECT DISTINCT deal_point_id AS id FROM deal_point_active_periods WHERE active_from <= $1::date AND (active_until IS NULL OR active_until > $1::date)`, [D]);
    const active = new Set(activeIds.map((r) => Number(r.id)));
    for (const victim of points.filter((p) => active.has(p.id)).filter((_, i) => i % 211 === 0).slice(0, 8)) {
      let box: Bbox = [victim.lon - 0.02, victim.lat - 0.02, victim.lon + 0.02, victim.lat + 0.02];
      for (let step = 0; step < 40; step++) {
        const wide = box[2] - box[0] > box[3] - box[1];
        const middle = wide ? (box[0] + box[2]) / 2 : (box[1] + box[3]) / 2;
        const halves: Bbox[] = wide ? [[box[0], box[1], middle, box[3]], [middle, box[1], box[2], box[3]]] : [[box[0], box[1], box[2], middle], [box[0], middle, box[2], box[3]]];
        if (await shows(halves[0])) box = halves[0];
        else if (await shows(halves[1])) box = halves[1];
        else break;
      }
      const [x, y] = [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2];
      const k = metres(y);
      misses.push(Math.min(...points.map((p) => Math.hypot((p.lon - x) / k.lon, (p.lat - y) / k.lat))));
    }
    misses.sort((a, b) => a - b);
    console.log(`bisection ended ${misses.map((m) => Math.round(m)).join(', ')} m from the nearest deal point`);
    // Without whole cells every bisection ends on a point (0 m); with them, somewhere in a 5 km2 cell.
    expect(misses[Math.floor(misses.length / 2)]).toBeGreaterThan(150);
    expect(misses.filter((m) => m < 5).length).toBeLessThanOrEqual(1);
  });

  it('does not give a sub-cell count by differencing two boxes (A = B plus 2 m around a point)', async () => {
    let leaks = 0;
    let tries = 0;
    for (const victim of points.filter((_, i) => i % 53 === 0).slice(0, 30)) {
      const k = metres(victim.lat);
      const [h, w] = [1 * k.lat, 1 * k.lon];
      const a: Bbox = [victim.lon - 0.03, victim.lat - h, victim.lon + w, victim.lat + h];
      const b: Bbox = [victim.lon - 0.03, victim.lat - h, victim.lon - w, victim.lat + h];
      const total = async (box: Bbox) => (await as(deputy).get(`/api/aggregates/deal-points?group=h3&resolution=7&at=${D}&bbox=${box.map((v) => v.toFixed(8)).join(',')}`))
        .body.features.reduce((sum: number, f: { properties: { count: number | null } }) => sum + (f.properties.count ?? 2.5), 0);
      const active = (await context.database.pool.query(`SELECT 1 FROM deal_point_active_periods WHERE deal_point_id = $1 AND active_from <= $2::date AND (active_until IS NULL OR active_until > $2::date)`, [victim.id, D])).rows.length;
      if (!active) continue;
      tries++;
      if ((await total(a)) - (await total(b)) >= 1) leaks++;
    }
    console.log(`two-box differencing around ${tries} active points: ${leaks} showed the point`);
    expect(tries).toBeGreaterThan(5);
    expect(leaks).toBe(0);
  });

  it('gives the same published value to the same set of points, whatever the query that reaches it', async () => {
    const first = await as(deputy).get(`/api/aggregates/deal-points?group=department&at=${D}`);
    const again = await as(deputy).get(`/api/aggregates/deal-points?group=department&at=${D}`);
    expect(again.body).toEqual(first.body);
    // A department through a bbox that touches only its communes: the same whole-commune total.
    const vaucluse = first.body.items.find((r: { code: string }) => r.code === '84');
    const viaDepartment = await as(deputy).get(`/api/aggregates/deal-points?group=department&at=${D}&department=84`);
    expect(viaDepartment.body.items[0]).toEqual(vaucluse);
    // Published counts are never 1-4 and never a value without its label.
    for (const row of first.body.items) expect(row.count === null ? row.count_label === '< 5' : row.count === 0 || row.count >= 5).toBe(true);
  });

  /** Runs a differencing attack over many cases: how often does it give the suppressed count exactly? */
  const exactRate = (cases: { estimate: number; truth: number }[]) => cases.filter((c) => c.estimate === c.truth).length / cases.length;

  it('resists differencing of overlapping boxes (a suppressed cell = box A minus box B)', async () => {
    const truthByCell = new Map<string, number>();
    const { rows } = await context.database.pool.query<{ r7: string; n: number }>(
      `SELECT d.h3_r7 AS r7, count(DISTINCT d.id)::int AS n FROM deal_points d JOIN deal_point_active_periods p ON p.deal_point_id = d.id
       WHERE p.active_from <= $1::date AND (p.active_until IS NULL OR p.active_until > $1::date) GROUP BY d.h3_r7`, [D]);
    for (const row of rows) truthByCell.set(row.r7, row.n);
    const cases: { estimate: number; truth: number }[] = [];
    const published = async (box: Bbox) => {
      const answer = await as(deputy).get(`/api/aggregates/deal-points/series?from=2024-06&to=2024-06&bbox=${box.map((v) => v.toFixed(7)).join(',')}`);
      return answer.body.series[0].active[0] as number | null;
    };
    for (const [cell, truth] of truthByCell) {
      if (truth >= 5 || cases.length >= 45) continue;
      const [lat, lon] = cellToLatLng(cell);
      // A strip westwards ending at the cell's centre (A), and the same strip stopping just before the cell (B).
      const a: Bbox = [lon - 0.06, lat - 0.0005, lon, lat + 0.0005];
      let east = lon;
      while (cellOverlapsBbox(cell, [a[0], a[1], east, a[3]]) && east > a[0]) east -= 0.0005;
      const b: Bbox = [a[0], a[1], east, a[3]];
      const [pa, pb] = [await published(a), await published(b)];
      if (pa === null || pb === null) continue; // the attacker needs both totals published
      cases.push({ estimate: pa - pb, truth });
    }
    console.log(`overlapping boxes: ${cases.length} suppressed cells attacked, exact in ${cases.filter((c) => c.estimate === c.truth).length}`);
    expect(cases.length).toBeGreaterThanOrEqual(25);
    // Without perturbation every case is exact (rate 1); with it, about a quarter by chance.
    expect(exactRate(cases)).toBeLessThan(0.5);
  });

  it('resists differencing a region by its departments, and a department by its communes', async () => {
    const nationalSession = await signInAs(context, 'national_analyst');
    const regionCases: { estimate: number; truth: number }[] = [];
    for (const region of ['11', '32', '84', '93', '76', '75', '44', '28', '27', '24', '52', '53']) {
      const url = `/api/aggregates/deal-points/series?from=2023-01&to=2024-12&region=${region}`;
      const total = (await as(deputy).get(url)).body.series[0].active as (number | null)[];
      const byDepartment = (await as(deputy).get(`${url}&by=department`)).body.series as { key: string; active: (number | null)[] }[];
      const truth = (await as(nationalSession).get(`${url}&by=department`)).body.series as { key: string; active: number[] }[];
      total.forEach((value, month) => {
        const hidden = byDepartment.filter((s) => s.active[month] === null);
        if (value === null || hidden.length !== 1) return;
        const others = byDepartment.filter((s) => s !== hidden[0]).reduce((sum, s) => sum + (s.active[month] ?? 0), 0);
        regionCases.push({ estimate: value - others, truth: truth.find((s) => s.key === hidden[0].key)!.active[month] });
      });
    }
    const communeCases: { estimate: number; truth: number }[] = [];
    for (const at of ['2021-06-30', '2022-06-30', '2023-06-30', '2024-06-30', '2025-06-30']) {
      const departments = (await as(deputy).get(`/api/aggregates/deal-points?group=department&at=${at}`)).body.items as { code: string; count: number | null }[];
      const communes = (await as(deputy).get(`/api/aggregates/deal-points?group=commune&at=${at}`)).body.items as { insee: string; department_code: string; count: number | null }[];
      const truth = (await as(nationalSession).get(`/api/aggregates/deal-points?group=commune&at=${at}`)).body.items as { insee: string; count: number }[];
      for (const department of departments) {
        const own = communes.filter((c) => c.department_code === department.code);
        const hidden = own.filter((c) => c.count === null);
        if (department.count === null || hidden.length !== 1) continue;
        communeCases.push({ estimate: department.count - own.reduce((sum, c) => sum + (c.count ?? 0), 0), truth: truth.find((t) => t.insee === hidden[0].insee)!.count });
      }
    }
    console.log(`region - departments: ${regionCases.length} cases, exact ${regionCases.filter((c) => c.estimate === c.truth).length}; department - communes: ${communeCases.length} cases, exact ${communeCases.filter((c) => c.estimate === c.truth).length}`);
    expect(regionCases.length + communeCases.length).toBeGreaterThanOrEqual(25);
    const all = [...regionCases, ...communeCases];
    expect(exactRate(all)).toBeLessThan(0.5);
    // And the attacker cannot even tell a possible value: estimates fall outside 1-4 as often as not.
    expect(all.filter((c) => c.estimate < 1 || c.estimate > 4).length).toBeGreaterThan(0);
  });

  it('resists differencing month windows (cumulative counts of two windows)', async () => {
    const cases: { estimate: number; truth: number }[] = [];
    const nationalSession = await signInAs(context, 'national_analyst');
    const departments = ['84', '04', '05', '83', '06', '30', '34', '26', '07', '48', '09', '11', '12', '15', '19', '23', '32', '36', '39', '43', '46', '52', '55', '58', '61', '70', '82', '89', '90', '2A', '2B'];
    for (const department of departments) {
      for (const year of [2020, 2021, 2022, 2023, 2024, 2025]) {
        // Window starting a month earlier minus the later one: the points active only in that first month.
        for (const [first, second] of [['01', '02'], ['06', '07']]) {
          const url = (start: string) => `/api/aggregates/deal-points/series?from=${year}-${start}&to=${year}-12&department=${department}`;
          // The truth first: the deputy is asked only about the windows that would make a case.
          const truth = (await as(nationalSession).get(url(first))).body.series[0].cumulative.at(-1) - (await as(nationalSession).get(url(second))).body.series[0].cumulative.at(-1);
          if (truth < 1 || truth > 4) continue;
          const [a, b] = [(await as(deputy).get(url(first))).body.series[0].cumulative.at(-1), (await as(deputy).get(url(second))).body.series[0].cumulative.at(-1)];
          if (a === null || b === null) continue;
          cases.push({ estimate: a - b, truth });
        }
      }
    }
    console.log(`month windows: ${cases.length} cases, exact ${cases.filter((c) => c.estimate === c.truth).length}`);
    expect(cases.length).toBeGreaterThanOrEqual(25);
    expect(exactRate(cases)).toBeLessThan(0.5);
  });

  it('treats another department\'s records exactly as missing ones: same status, same words', async () => {
    const foreignPoint = points.find((p) => p.dep === '13')!;
    const unknownPoint = 987_654_321;
    const normalise = (body: unknown, id: number) => JSON.stringify(body).replaceAll(String(id), 'ID');
    const pairs: [string, (id: number) => Promise<{ status: number; body: unknown }>][] = [
      ['GET point', (id) => as(cross84).get(`/api/deal-points/${id}`)],
      ['PATCH point', (id) => as(cross84).patch(`/api/deal-points/${id}`, { version: 1, products: ['cocaine'] })],
      ['status change', (id) => as(cross84).post(`/api/deal-points/${id}/status-changes`, { version: 1, status: 'dismantled', effective_on: '2024-07-01' })],
      ['DELETE point', (id) => as(cross84).delete(`/api/deal-points/${id}?version=1`)],
      ['prefect GET point', (id) => as(prefect84).get(`/api/deal-points/${id}`)],
    ];
    for (const [name, call] of pairs) {
      const [foreign, unknown] = [await call(foreignPoint.id), await call(unknownPoint)];
      expect(foreign.status, name).toBe(404);
      expect(normalise(foreign.body, foreignPoint.id), name).toBe(normalise(unknown.body, unknownPoint));
    }
    const { rows: [operation13] } = await context.database.pool.query(`SELECT id FROM operations WHERE department_code = '13' LIMIT 1`);
    const operationPairs: [string, (id: number) => Promise<{ status: number; body: unknown }>][] = [
      ['GET operation', (id) => as(cross84).get(`/api/operations/${id}`)],
      ['PATCH operation', (id) => as(cross84).patch(`/api/operations/${id}`, { version: 1, name: 'x' })],
      ['analysis', (id) => as(cross84).get(`/api/analyses/operations/${id}/effect`)],
      ['series of an operation', (id) => as(cross84).get(`/api/aggregates/deal-points/series?${window}&operation=${id}`)],
    ];
    for (const [name, call] of operationPairs) {
      const [foreign, unknown] = [await call(Number(operation13.id)), await call(unknownPoint)];
      expect(foreign.status, name).toBe(404);
      expect(normalise(foreign.body, Number(operation13.id)), name).toBe(normalise(unknown.body, unknownPoint));
    }
    // An observation of another department's point, created by a national analyst.
    const observation = await send(context.app, 'POST', '/api/observations', { deal_point_id: foreignPoint.id, observed_on: '2024-05-02', activity_level: 3, source: 'police_nationale' });
    expect(observation.status).toBe(201);
    for (const call of [(id: number) => as(cross84).get(`/api/observations/${id}`), (id: number) => as(cross84).delete(`/api/observations/${id}?version=1`)]) {
      const [foreign, unknown] = [await call(observation.body.id), await call(unknownPoint)];
      expect(foreign.status).toBe(404);
      expect(normalise(foreign.body, observation.body.id)).toBe(normalise(unknown.body, unknownPoint));
    }
    // Observing another department's point: as unknown as a missing point.
    const [observeForeign, observeUnknown] = [
      await as(cross84).post('/api/observations', { deal_point_id: foreignPoint.id, observed_on: '2024-05-03', activity_level: 2, source: 'police_nationale' }),
      await as(cross84).post('/api/observations', { deal_point_id: unknownPoint, observed_on: '2024-05-03', activity_level: 2, source: 'police_nationale' }),
    ];
    expect(observeForeign.status).toBe(422);
    expect(observeForeign.body).toEqual(observeUnknown.body);
  });

  it('tells no distance to another department\'s point when a report is linked to it (no trilateration)', async () => {
    const foreignPoint = points.find((p) => p.dep === '13')!;
    const { receipt } = await createReport(context.database.pool, { longitude: 5.0795, latitude: 44.0562, precision: 'pin', seen: ['vente'], timesOfDay: [], description: null });
    const { rows: [report] } = await context.database.pool.query('SELECT id FROM public_reports WHERE receipt = $1', [receipt]);
    const foreign = await as(cross84).post(`/api/moderation/reports/${report.id}/accept`, { deal_point_id: foreignPoint.id });
    const unknown = await as(cross84).post(`/api/moderation/reports/${report.id}/accept`, { deal_point_id: 987654321 });
    expect(foreign.status).toBe(422);
    expect(JSON.stringify(foreign.body).replaceAll(String(foreignPoint.id), 'ID')).toBe(JSON.stringify(unknown.body).replaceAll('987654321', 'ID'));
    expect(JSON.stringify(foreign.body)).not.toMatch(/\d+ ?m\b|away|metre/);
    // An own point more than 75 m away: refused without saying how far.
    const own = points.find((p) => p.dep === '84')!;
    const far = await as(cross84).post(`/api/moderation/reports/${report.id}/accept`, { deal_point_id: own.id });
    expect(far.status).toBe(422);
    expect(JSON.stringify(far.body)).not.toMatch(/\d+ m away/);
    // The probe is in the journal.
    const { rows: [audit] } = await context.database.pool.query(`SELECT area FROM audit_log WHERE action = 'moderate' ORDER BY id DESC LIMIT 1`);
    expect(audit.area).toContain(`deal_point=${own.id}`);
  });

  it('refuses writes to another department through every write path, and changes nothing', async () => {
    const pool = context.database.pool;
    const snapshot = async () => (await pool.query(`SELECT md5(string_agg(d.id || ':' || d.version || ':' || ST_AsText(d.geom) || ':' || d.products::text, ',' ORDER BY d.id)) AS h
      FROM deal_points d JOIN communes c ON c.insee = d.commune_insee WHERE c.department_code <> '84'`)).rows[0].h
      + (await pool.query(`SELECT md5(string_agg(id || ':' || version || ':' || ST_AsText(target), ',' ORDER BY id)) AS h FROM operations WHERE department_code <> '84'`)).rows[0].h
      + (await pool.query(`SELECT md5(string_agg(id || ':' || version || ':' || name, ',' ORDER BY id)) AS h FROM networks WHERE department_code IS DISTINCT FROM '84'`)).rows[0].h;
    const before = await snapshot();
    const foreign = points.find((p) => p.dep === '13' && p.external_id)!;
    const pertuis = [5.5345, 43.6931];
    // REST: move it into 84, change it.
    expect((await as(cross84).patch(`/api/deal-points/${foreign.id}`, { version: foreign.version, location: { type: 'Point', coordinates: pertuis } })).status).toBe(404);
    // Imports: the same (source, external id) with a location in 84: the upsert would overwrite and move it.
    const csv = `external_id;source;lat;lon;first_seen_on\n${foreign.external_id};${foreign.source};43,6931;5,5345;2024-01-01\n`;
    const imported = await as(cross84).post('/api/imports?kind=deal-points', csv, 'text/csv');
    expect(imported.status).toBe(422);
    expect(imported.body.details).toEqual([{ line: 2, field: 'external_id', reason: 'is already used by another record from this source' }]);
    const { rows: [operation13] } = await pool.query(`SELECT source_code, external_id FROM operations WHERE department_code = '13' AND external_id IS NOT NULL LIMIT 1`);
    const geojson = JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: squareAround(5.5345, 43.6931), properties: {
      external_id: operation13.external_id, source: operation13.source_code, name: 'Écrasement', kind: 'autre', started_on: '2024-01-01' } }] });
    const importedOperation = await as(cross84).post('/api/imports?kind=operations', geojson, 'application/geo+json');
    expect(importedOperation.status).toBe(422);
    // The answers say "already used" as for a key held in 84; the journal counts the foreign keys.
    const { rows: journal } = await pool.query(`SELECT area FROM audit_log WHERE route = '/api/imports' AND status_code = 422 ORDER BY id DESC LIMIT 2`);
    expect(journal.map((r) => r.area)).toEqual([expect.stringContaining('foreign_keys=1'), expect.stringContaining('foreign_keys=1')]);
    const observations = `deal_point_external_id;deal_point_source;source;observed_on;activity_level\n${foreign.external_id};${foreign.source};police_nationale;2024-05-05;3\n`;
    const importedObservation = await as(cross84).post('/api/imports?kind=observations', observations, 'text/csv');
    expect(importedObservation.status).toBe(422);
    expect(importedObservation.body.details[0].reason).toBe(`no deal point "${foreign.external_id}" from source ${foreign.source}`);
    // Moderation of another department's report.
    const { receipt } = await createReport(pool, { longitude: 5.3806, latitude: 43.2803, precision: 'pin', seen: ['vente'], timesOfDay: [], description: null });
    const { rows: [report13] } = await pool.query('SELECT id FROM public_reports WHERE receipt = $1', [receipt]);
    for (const action of ['accept', 'reject', 'merge']) {
      const body = action === 'reject' ? { reason: 'doublon' } : action === 'merge' ? { into: report13.id } : {};
      expect((await as(cross84).post(`/api/moderation/reports/${report13.id}/${action}`, body)).status, action).toBe(404);
    }
    // Networks of another department, and references to another department's operation or network.
    const network13 = await send(context.app, 'POST', '/api/networks', { name: 'Réseau de Marseille' });
    await pool.query(`UPDATE networks SET department_code = '13' WHERE id = $1`, [network13.body.id]);
    expect((await as(cross84).get(`/api/networks/${network13.body.id}`)).status).toBe(404);
    expect((await as(cross84).patch(`/api/networks/${network13.body.id}`, { version: 1, name: 'x' })).status).toBe(404);
    expect((await as(cross84).delete(`/api/networks/${network13.body.id}?version=1`)).status).toBe(404);
    expect((await as(cross84).get('/api/networks?limit=1000')).body.items.some((n: { id: number }) => n.id === network13.body.id)).toBe(false);
    const { rows: [operation13id] } = await pool.query(`SELECT id FROM operations WHERE department_code = '13' LIMIT 1`);
    const point = { location: { type: 'Point', coordinates: pertuis }, source: 'gendarmerie', status_history: [{ status: 'active', effective_on: '2024-01-01' }, { status: 'dismantled', effective_on: '2024-03-01', operation_id: Number(operation13id.id) }] };
    expect((await as(cross84).post('/api/deal-points', point)).body.details).toEqual([{ field: 'body.status_history.operation_id', reason: 'unknown operation' }]);
    expect((await as(cross84).post('/api/deal-points', { ...point, status_history: point.status_history.slice(0, 1), network_id: network13.body.id })).body.details).toEqual([{ field: 'body.network_id', reason: 'unknown network' }]);
    await send(context.app, 'DELETE', `/api/networks/${network13.body.id}?version=1`);
    expect(await snapshot()).toBe(before);
  });

  it('keeps operations under way from deputies: not listed, not found, not counted', async () => {
    const underWay = await send(context.app, 'POST', '/api/operations', { name: 'Opération en cours', kind: 'operation_ciblee', started_on: '2025-06-01', target: squareAround(5.5345, 43.6931, 0.004) });
    expect(underWay.status).toBe(201);
    const id = underWay.body.id;
    const unknown = 987654321;
    const listed = await as(deputy).get('/api/operations?limit=1000');
    expect(listed.body.features.some((f: { id: number }) => f.id === id)).toBe(false);
    for (const url of [(i: number) => `/api/operations/${i}`, (i: number) => `/api/aggregates/deal-points/series?${window}&operation=${i}`,
      (i: number) => `/api/aggregates/deal-points/series?${window}&operation=${i}&bbox=${tinyBox(5.5345, 43.6931, 5)}`]) {
      const [a, b] = [await as(deputy).get(url(id)), await as(deputy).get(url(unknown))];
      expect(a.status).toBe(404);
      expect(JSON.stringify(a.body).replaceAll(String(id), 'ID')).toBe(JSON.stringify(b.body).replaceAll(String(unknown), 'ID'));
    }
    // The CROSS of another department does not hear of it either, not even through the watch.
    const watch = await as(await signInAs(context, 'departmental_analyst', ['13'])).get('/api/analyses/watchlist?as_of=2025-12-01');
    expect(watch.status).toBe(200);
    expect(JSON.stringify(watch.body)).not.toContain('Opération en cours');
    await send(context.app, 'DELETE', `/api/operations/${id}?version=1`);
  });

  it('audits every aggregate read, with its area', async () => {
    const before = (await context.database.pool.query('SELECT max(id) AS id FROM audit_log')).rows[0].id;
    await as(deputy).get(`/api/aggregates/deal-points?group=commune&at=${D}&department=84`);
    await as(deputy).get(`/api/aggregates/deal-points/cube?resolution=6&${window}`);
    const { rows } = await context.database.pool.query(`SELECT action, route, area, username FROM audit_log WHERE id > $1 ORDER BY id`, [before]);
    expect(rows).toEqual([
      { action: 'read_aggregate', route: '/api/aggregates/deal-points', area: 'department=84', username: deputy.username },
      { action: 'read_aggregate', route: '/api/aggregates/deal-points/cube', area: null, username: deputy.username },
    ]);
  });

  it('refuses to intersect whole cells with communes, departments, regions or size classes', async () => {
    const victim = points.find((p) => p.dep === '69') ?? points[0];
    const box = tinyBox(victim.lon, victim.lat, 5);
    const { rows: [commune] } = await context.database.pool.query('SELECT commune_insee FROM deal_points WHERE id = $1', [victim.id]);
    for (const [who, session] of [['deputy', deputy], ['CROSS 84', cross84]] as const) {
      for (const extra of [`commune=${commune.commune_insee}`, `department=${victim.dep}`, 'region=84', 'by=size_class', 'by=department']) {
        const answer = await as(session).get(`/api/aggregates/deal-points/series?${window}&bbox=${box}&${extra}`);
        expect(answer.status, `${who} bbox + ${extra}`).toBe(400);
        expect(answer.body.message, extra).toMatch(/whole H3 cells/);
      }
      expect((await as(session).get(`/api/aggregates/deal-points?group=h3&resolution=7&at=${D}&department=${victim.dep === '84' ? '13' : victim.dep}`)).status, who).toBe(400);
      expect((await as(session).get(`/api/aggregates/deal-points/cube?resolution=7&${window}&department=13`)).status, who).toBe(400);
      // One unit system at a time is fine.
      expect((await as(session).get(`/api/aggregates/deal-points/series?${window}&commune=${commune.commune_insee}&by=size_class`)).status, who).toBe(200);
    }
  });

  it('keeps the strikes of an operation under way out of aggregated counts outside its department', async () => {
    const avignon = points.filter((p) => p.dep === '84' && Math.abs(p.lon - 4.81) < 0.05 && Math.abs(p.lat - 43.95) < 0.05);
    const { rows: activeRows } = await context.database.pool.query(`SELECT DISTINCT deal_point_id AS id FROM deal_point_active_periods WHERE deal_point_id = ANY($1::bigint[]) AND active_until IS NULL`, [avignon.map((p) => p.id)]);
    const struck = activeRows.slice(0, 4).map((r) => Number(r.id));
    expect(struck.length).toBeGreaterThan(1);
    const today = new Date().toISOString().slice(0, 10);
    const operation = await send(context.app, 'POST', '/api/operations', { name: 'Frappe en cours', kind: 'operation_ciblee', started_on: today, target: squareAround(4.81, 43.95, 0.04) });
    expect(operation.status).toBe(201);
    const counts = async (session: TestSession) => JSON.stringify([
      (await as(session).get(`/api/aggregates/deal-points?group=h3&resolution=7&at=${today}`)).body.features,
      (await as(session).get(`/api/aggregates/deal-points?group=department&at=${today}`)).body.items.find((r: { code: string }) => r.code === '84'),
    ]);
    const cross13 = await signInAs(context, 'departmental_analyst', ['13']);
    const [deputyBefore, cross13Before, cross84Before] = [await counts(deputy), await counts(cross13), await counts(cross84)];
    for (const id of struck) {
      const { rows: [{ version }] } = await context.database.pool.query('SELECT version FROM deal_points WHERE id = $1', [id]);
      expect((await send(context.app, 'POST', `/api/deal-points/${id}/status-changes`, { version, status: 'dismantled', effective_on: today, operation_id: operation.body.id })).status).toBe(200);
    }
    expect(await counts(deputy)).toBe(deputyBefore);
    expect(await counts(cross13)).toBe(cross13Before);
    // Vaucluse's own CROSS sees its operation's effect.
    expect(await counts(cross84)).not.toBe(cross84Before);
    // Once it has ended, everyone sees it.
    const { rows: [{ version }] } = await context.database.pool.query('SELECT version FROM operations WHERE id = $1', [operation.body.id]);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    expect((await send(context.app, 'PATCH', `/api/operations/${operation.body.id}`, { version, started_on: yesterday, ended_on: yesterday })).status).toBe(200);
    // (Checked through the exact counts another department's CROSS gets; a deputy's are perturbed.)
    expect(await counts(cross13)).not.toBe(cross13Before);
  });

  it('computes an analyst\'s analyses on other departments\' points at their cell centres (no distance oracle)', async () => {
    // An operation of Vaucluse at Avignon, next to the Gard and the Bouches-du-Rhône, dismantling Vaucluse points.
    const operation = await as(cross84).post('/api/operations', { name: 'Avignon centre', kind: 'operation_ciblee', started_on: '2024-01-01', ended_on: '2024-01-15', target: squareAround(4.8055, 43.9493, 0.01) });
    expect(operation.status).toBe(201);
    for (const [i, offset] of [0, 0.002, -0.002].entries()) {
      const created = await as(cross84).post('/api/deal-points', { location: { type: 'Point', coordinates: [4.8055 + offset, 43.9493 - offset] }, source: 'police_nationale', external_id: `AVIGNON-${i}`,
        status_history: [{ status: 'active', effective_on: '2022-01-10' }, { status: 'dismantled', effective_on: '2024-01-10', operation_id: operation.body.id }] });
      expect(created.status).toBe(201);
    }
    // Foreign points appearing within 6 months of the dismantling, 8-80 km away: each one, moved within its
    // resolution-8 cell to the other side of a distance threshold, must not change the count at that threshold.
    const dismantled = [0, 0.002, -0.002].map((o) => [4.8055 + o, 43.9493 - o]);
    const km = (lon: number, lat: number) => Math.min(...dismantled.map(([x, y]) => {
      const [p1, p2, dl] = [(lat * Math.PI) / 180, (y * Math.PI) / 180, ((x - lon) * Math.PI) / 180];
      return 6371 * Math.acos(Math.min(1, Math.sin(p1) * Math.sin(p2) + Math.cos(p1) * Math.cos(p2) * Math.cos(dl)));
    }));
    const { rows: appearing } = await context.database.pool.query<{ id: number; lon: number; lat: number; r8: string }>(
      `SELECT d.id, ST_X(d.geom) AS lon, ST_Y(d.geom) AS lat, d.h3_r8 AS r8 FROM deal_points d JOIN communes c ON c.insee = d.commune_insee
       WHERE c.department_code <> '84' AND ST_DWithin(d.geom::geography, ST_SetSRID(ST_MakePoint(4.8055, 43.9493), 4326)::geography, 80000)
         AND NOT ST_DWithin(d.geom::geography, ST_SetSRID(ST_MakePoint(4.8055, 43.9493), 4326)::geography, 8000)
         AND EXISTS (SELECT 1 FROM deal_point_status_events e WHERE e.deal_point_id = d.id AND e.status IN ('active', 'reopened')
                     AND e.effective_on > '2024-01-10' AND e.effective_on < '2024-07-01') ORDER BY d.id LIMIT 20`);
    const candidates = async (d: number) => (await as(cross84).get(`/api/analyses/operations/${operation.body.id}/wake?distance_km=${d.toFixed(3)}`)).body.candidates as number;
    let tried = 0;
    for (const point of appearing) {
      if (tried >= 3) break;
      const e = km(point.lon, point.lat);
      // Somewhere in the same cell at least 150 m farther from the dismantled points.
      let target: [number, number] | null = null;
      for (let step = 0; step < 60 && !target; step++) {
        const angle = step * 0.7;
        const [lon, lat] = [point.lon + Math.cos(angle) * 0.004, point.lat + Math.sin(angle) * 0.003];
        if (latLngToCell(lat, lon, 8) === point.r8 && km(lon, lat) > e + 0.15) target = [lon, lat];
      }
      if (!target) continue;
      const threshold = (e + km(...target)) / 2;
      const before = await candidates(threshold);
      await context.database.pool.query('UPDATE deal_points SET geom = ST_SetSRID(ST_MakePoint($2, $3), 4326) WHERE id = $1', [point.id, ...target]);
      const after = await candidates(threshold);
      await context.database.pool.query('UPDATE deal_points SET geom = ST_SetSRID(ST_MakePoint($2, $3), 4326) WHERE id = $1', [point.id, point.lon, point.lat]);
      expect(after, `point ${point.id} moved within its cell across ${threshold.toFixed(3)} km`).toBe(before);
      tried++;
    }
    expect(tried).toBe(3);
  });

  it('keeps another department\'s operation under way out of an analyst\'s analyses, and report clusters within a department', async () => {
    const pool = context.database.pool;
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    // A Bouches-du-Rhône point active today, and an 84 operation whose target also covers its cell.
    const { rows: [victim] } = await pool.query(`SELECT d.id, ST_X(d.geom) AS lon, ST_Y(d.geom) AS lat, d.version FROM deal_points d JOIN communes c ON c.insee = d.commune_insee
      JOIN deal_point_active_periods p ON p.deal_point_id = d.id WHERE c.department_code = '13' AND p.active_until IS NULL ORDER BY d.id LIMIT 1`);
    const square = (lon: number, lat: number, h: number) => [[[lon - h, lat - h], [lon + h, lat - h], [lon + h, lat + h], [lon - h, lat + h], [lon - h, lat - h]]];
    // Started one month ago to the day: the effect's first monthly date after it is today.
    const now = new Date();
    const lastDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0)).getUTCDate();
    const monthAgo = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, Math.min(now.getUTCDate(), lastDay))).toISOString().slice(0, 10);
    const own = await as(cross84).post('/api/operations', { name: 'Sonde 84', kind: 'autre', started_on: monthAgo, ended_on: monthAgo,
      target: { type: 'MultiPolygon', coordinates: [square(5.05, 44.05, 0.05), square(victim.lon, victim.lat, 0.012)] } });
    expect(own.status).toBe(201);
    const effect = async () => JSON.stringify((await as(cross84).get(`/api/analyses/operations/${own.body.id}/effect?after_months=1&before_months=1&buffer_rings=1`)).body.counts);
    const shift = async () => JSON.stringify((await as(cross84).get(`/api/analyses/size-class-shift?region=93&month=${day(0).slice(0, 7)}&window_months=1`)).body.series);
    const [effectBefore, shiftBefore] = [await effect(), await shift()];
    const secret = await send(context.app, 'POST', '/api/operations', { name: 'Secret 13', kind: 'operation_ampleur', started_on: day(-1), target: squareAround(victim.lon, victim.lat, 0.002) });
    expect((await send(context.app, 'POST', `/api/deal-points/${victim.id}/status-changes`, { version: victim.version, status: 'dismantled', effective_on: day(0), operation_id: secret.body.id })).status).toBe(200);
    expect(await effect()).toBe(effectBefore);
    expect(await shift()).toBe(shiftBefore);
    // The national analyst, and everyone once the operation has ended, see the strike.
    const { rows: [{ version }] } = await pool.query('SELECT version FROM operations WHERE id = $1', [secret.body.id]);
    await send(context.app, 'PATCH', `/api/operations/${secret.body.id}`, { version, ended_on: day(-1) });
    expect(await shift()).not.toBe(shiftBefore);
    expect(await effect()).not.toBe(effectBefore);
    // Public reports 70 m apart across the 13/84 border (Meyrargues, Pertuis) are two clusters.
    const [a, b] = [
      await createReport(pool, { longitude: 5.548, latitude: 43.6597, precision: 'pin', seen: ['vente'], timesOfDay: [], description: null }),
      await createReport(pool, { longitude: 5.548, latitude: 43.6603, precision: 'pin', seen: ['vente'], timesOfDay: [], description: null }),
    ];
    const { rows } = await pool.query('SELECT id, cluster_id, department_code FROM public_reports WHERE receipt = ANY($1::text[]) ORDER BY id', [[a.receipt, b.receipt]]);
    expect(rows.map((r) => r.department_code)).toEqual(['13', '84']);
    expect(rows[1].cluster_id).toBe(rows[1].id);
    // And the public health check gives no live count of real points.
    expect((await as(null).get('/api/health')).body.data.real_deal_points).toBeNull();
  });

  it('never lets an admin hold a usable password: accounts are activated by their users', async () => {
    const admin = await signInAs(context, 'admin');
    const username = `ofast.nouveau.${Date.now() % 100000}`;
    const withPassword = await as(admin).post('/api/admin/users', { username, role: 'national_analyst', password: 'je-connais-ce-mot-de-passe' });
    expect(withPassword.status).toBe(400);
    expect(withPassword.body.details[0]).toEqual({ field: 'body.password', reason: 'is not a known property' });
    const created = await as(admin).post('/api/admin/users', { username, role: 'national_analyst' });
    expect(created.status).toBe(201);
    expect(created.body.activation_code).toMatch(/^[A-Z2-9]{5}(-[A-Z2-9]{5}){3}$/);
    const { rows: [stored] } = await context.database.pool.query('SELECT password_hash, activation_hash FROM users WHERE username = $1', [username]);
    expect(stored.password_hash).toBeNull();
    expect(stored.activation_hash).not.toContain(created.body.activation_code);
    // No password opens it before activation; the activation sets the user's own password, once.
    expect((await as(null).post('/api/auth/sign-in', { username, password: 'n-importe-quoi-2026' })).status).toBe(401);
    expect((await as(null).post('/api/auth/activate', { username, activation_code: 'AAAAA-BBBBB-CCCCC-DDDDD', password: 'mon-propre-mot-de-passe' })).status).toBe(401);
    expect((await as(null).post('/api/auth/activate', { username, activation_code: created.body.activation_code, password: 'mon-propre-mot-de-passe' })).status).toBe(204);
    expect((await as(null).post('/api/auth/activate', { username, activation_code: created.body.activation_code, password: 'un-autre-mot-de-passe' })).status).toBe(401);
    // The admin could have used the code itself: the account opens nothing until a second person approves it.
    const waiting = await as(null).post('/api/auth/sign-in', { username, password: 'mon-propre-mot-de-passe' });
    expect(waiting.status).toBe(403);
    expect(waiting.body.error).toBe('awaiting_approval');
    expect((await as(admin).post(`/api/accounts/${created.body.id}/approve`)).status).toBe(403); // not the admin's to approve
    expect((await as(cross84).post(`/api/accounts/${created.body.id}/approve`)).status).toBe(404); // a national account: OFAST's to approve
    const ofast = await signInAs(context, 'national_analyst');
    expect((await as(ofast).get('/api/accounts/pending')).body.items.some((a: { username: string }) => a.username === username)).toBe(true);
    expect((await as(ofast).post(`/api/accounts/${created.body.id}/approve`)).status).toBe(200);
    expect((await as(null).post('/api/auth/sign-in', { username, password: 'mon-propre-mot-de-passe' })).status).toBe(200);
    // A reset (the admin taking an existing account over) revokes password, sessions and approval.
    const reset = await as(admin).post(`/api/admin/users/${created.body.id}/activation`);
    expect(reset.status).toBe(200);
    expect((await as(null).post('/api/auth/sign-in', { username, password: 'mon-propre-mot-de-passe' })).status).toBe(401);
    expect((await as(null).post('/api/auth/activate', { username, activation_code: reset.body.activation_code, password: 'le-mot-de-passe-de-l-admin' })).status).toBe(204);
    expect((await as(null).post('/api/auth/sign-in', { username, password: 'le-mot-de-passe-de-l-admin' })).status).toBe(403);
    const { rows } = await context.database.pool.query(`SELECT route, area, status_code FROM audit_log WHERE action = 'admin' AND method = 'POST' AND route LIKE '/api/admin/users%' ORDER BY id DESC LIMIT 3`);
    expect(rows.map((r) => [r.route, r.status_code])).toEqual([['/api/admin/users/:id/activation', 200], ['/api/admin/users', 201], ['/api/admin/users', 400]]);
    expect(rows[1].area).toBe(`user=${username}&role=national_analyst&departments=`);
    const approvals = await context.database.pool.query(`SELECT status_code FROM audit_log WHERE route = '/api/accounts/:id/approve' AND area = $1 ORDER BY id`, [`id=${created.body.id}`]);
    expect(approvals.rows.map((r) => r.status_code)).toEqual([403, 404, 200]);
    const activations = await context.database.pool.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'activate' AND username = $1`, [username]);
    expect(activations.rows[0].n).toBe(2);
  });
});
