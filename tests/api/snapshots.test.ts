/**
 * Deputies' stamped snapshots on the demo scenario: a Pertuis snapshot 2019-2025 in every format,
 * walked for counts 1-4 and for geometry finer than H3 resolution 7; the same bytes after the data
 * changed; bad input refused with nothing stored; creation and downloads in the journal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getResolution, isValidCell } from 'h3-js';
import { closeTestApp, openTestApp, signInAs, targets, type TestContext } from '../helpers/databases.js';
import { send, type TestSession } from '../helpers/requests.js';
import { loadPlantedScenario } from '../helpers/scenario-cache.js';
import { signedArea } from '../../server/domain/snapshots/geojson.js';
import { monthlySeries } from '../../server/services/time-series.js';
import { baseFilter } from '../../server/services/snapshot-area.js';

const pertuis = { area: { kind: 'communes', communes: ['84089'] }, from: '2019-01', to: '2025-12' };

function* walk(value: unknown, path = ''): Generator<[string, unknown]> {
  yield [path, value];
  if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* walk(item, `${path}[${i}]`);
  else if (value && typeof value === 'object') for (const [k, item] of Object.entries(value)) yield* walk(item, `${path}.${k}`);
}

/** Every published count of a snapshot document (series values, size classes, cells, reports). */
function publishedCounts(data: any): (number | null)[] {
  return [
    ...data.series.flatMap((s: any) => s.values), ...(data.size_classes ?? []).map((s: any) => s.count),
    ...data.map.cells.map((c: any) => c.count), data.reports.received, data.reports.accepted,
  ];
}

async function file(context: TestContext, id: string, format: string, as: TestSession) {
  const response = await context.app.inject({ method: 'GET', url: `/api/snapshots/${id}/files/${format}`, headers: { cookie: as.cookie } });
  expect(response.statusCode, response.body.slice(0, 200)).toBe(200);
  return response.rawPayload;
}

describe.each(targets())('stamped snapshots on the %s database', (target) => {
  let context: TestContext;
  let deputy: TestSession;
  let document: any;
  let pointKeys: Set<string>;

  beforeAll(async () => {
    context = await openTestApp(target);
    await context.database.pool.query('TRUNCATE snapshots');
    await loadPlantedScenario(context.database.pool);
    deputy = await signInAs(context, 'deputy');
    const { rows } = await context.database.pool.query<{ x: number; y: number }>('SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM deal_points');
    pointKeys = new Set(rows.map((r) => `${r.x.toFixed(4)},${r.y.toFixed(4)}`));
  }, 300_000);
  afterAll(async () => closeTestApp(context));

  it('creates a Pertuis snapshot 2019-2025 as a deputy, with figures published at the deputies\' level', async () => {
    const response = await send(context.app, 'POST', '/api/snapshots', pertuis, undefined, deputy);
    expect(response.status, JSON.stringify(response.body).slice(0, 300)).toBe(201);
    document = response.body;
    expect(document.id).toMatch(/^I-[0-9A-Z]{12}$/);
    expect(document.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(document.data.area.label).toBe('Pertuis (84089)');
    expect(document.data.months).toHaveLength(84);
    expect(document.data.series.map((s: any) => s.key)).toEqual(['zone', '84', 'FR']);
    // The planted scenario sends Marseille's points to Pertuis: active points rise over the period.
    const area = document.data.series[0].values;
    expect(area.at(-1) ?? 0).toBeGreaterThanOrEqual(5);
    expect(document.data.map.cells.length).toBeGreaterThan(0);
    expect(document.data.size_classes.find((s: any) => s.code === 'ville_moyenne').count).not.toBe(0);
    expect(document.data.indicators.some((i: any) => i.scope === 'department' && i.code === '84' && i.year === 2024)).toBe(true);
  });

  it('never gives a count of 1 to 4, a cell finer than resolution 7 or a point position, in any format', async () => {
    const counts = publishedCounts(document.data);
    expect(counts.filter((c) => c !== null && c > 0 && c < 5)).toEqual([]);
    expect(counts.some((c) => c === null)).toBe(true);
    for (const cell of document.data.map.cells) expect(getResolution(cell.h3)).toBeLessThanOrEqual(7);
    const geojson = JSON.parse((await file(context, document.id, 'geojson', deputy)).toString('utf8'));
    const csv = (await file(context, document.id, 'csv', deputy)).toString('utf8');
    for (const [path, value] of walk({ document, geojson })) {
      if (typeof value === 'string' && /^8[0-9a-f]{14}$/.test(value) && isValidCell(value)) expect(getResolution(value), path).toBeLessThanOrEqual(7);
      if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) {
        expect(pointKeys.has(`${(value[0] as number).toFixed(4)},${(value[1] as number).toFixed(4)}`), `${path} is a deal point`).toBe(false);
      }
    }
    for (const row of csv.split('\r\n').slice(1).filter(Boolean)) {
      const [section, code, , , value, unit] = row.split(';');
      if (unit === 'points actifs' || unit === 'signalements') expect(value === '< 5' || value === '0' || Number(value) >= 5, row).toBe(true);
      if (section === 'carte_h3') expect(getResolution(code)).toBeLessThanOrEqual(7);
    }
  });

  it('writes RFC 7946 GeoJSON and a French spreadsheet CSV', async () => {
    const geojson = JSON.parse((await file(context, document.id, 'geojson', deputy)).toString('utf8'));
    expect(geojson.type).toBe('FeatureCollection');
    expect(geojson.sillage.sha256).toBe(document.sha256);
    for (const feature of geojson.features) {
      const polygons = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
      for (const polygon of polygons) {
        polygon.forEach((ring: number[][], i: number) => {
          expect(ring[0]).toEqual(ring.at(-1));
          expect(signedArea(ring) > 0, `ring ${i} of ${feature.id} orientation`).toBe(i === 0);
          for (let k = 1; k < ring.length; k++) expect(ring[k]).not.toEqual(ring[k - 1]);
          expect(new Set(ring.slice(0, -1).map((p) => p.join(','))).size).toBe(ring.length - 1);
          for (const p of ring) for (const v of p) expect(Math.abs(v * 1e6 - Math.round(v * 1e6))).toBeLessThan(1e-3);
        });
      }
    }
    const csv = await file(context, document.id, 'csv', deputy);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = csv.toString('utf8');
    expect(text.split('\r\n')[0]).toBe('\ufeffsection;code;libelle;mois;valeur;unite');
    expect(text).toContain('zone_commune;84089;Pertuis;');
    expect(text).toContain(document.sha256);
  });

  it('writes a PDF whose text holds Pertuis, the period, the hash and "< 5"', async () => {
    const pdf = await file(context, document.id, 'pdf', deputy);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    if (!existsSync('/usr/bin/pdftotext')) return;
    const folder = mkdtempSync(join(tmpdir(), 'sillage-pdf-'));
    writeFileSync(join(folder, 's.pdf'), pdf);
    const text = execFileSync('pdftotext', ['-layout', join(folder, 's.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain('Pertuis');
    expect(text).toContain('janvier 2019 – décembre 2025');
    expect(text).toContain(document.sha256);
    expect(text).toContain('< 5');
  });

  it('reopens the same bytes after the data changed; a new snapshot sees the change', async () => {
    const before = await Promise.all(['pdf', 'csv', 'geojson'].map((f) => file(context, document.id, f, deputy)));
    const json = (await context.app.inject({ method: 'GET', url: `/api/snapshots/${document.id}`, headers: { cookie: deputy.cookie } })).rawPayload;
    await context.database.pool.query(`DELETE FROM deal_point_status_events WHERE deal_point_id IN (SELECT id FROM deal_points WHERE commune_insee = '84089' ORDER BY id LIMIT 3)`);
    await context.database.pool.query(`UPDATE deal_points SET updated_at = now() WHERE commune_insee = '84089'`);
    const after = await Promise.all(['pdf', 'csv', 'geojson'].map((f) => file(context, document.id, f, deputy)));
    after.forEach((bytes, i) => expect(bytes.equals(before[i]), ['pdf', 'csv', 'geojson'][i]).toBe(true));
    expect((await context.app.inject({ method: 'GET', url: `/api/snapshots/${document.id}`, headers: { cookie: deputy.cookie } })).rawPayload.equals(json)).toBe(true);
    const again = await send(context.app, 'POST', '/api/snapshots', pertuis, undefined, deputy);
    expect(again.status).toBe(201);
    expect(again.body.sha256).not.toBe(document.sha256);
    await expect(context.database.pool.query(`UPDATE snapshots SET sha256 = repeat('0', 64) WHERE id = $1`, [document.id])).rejects.toThrow(/immutable/);
  });

  it('does not give a suppressed commune\'s count by differencing two snapshots', async () => {
    const { rows } = await context.database.pool.query<{ insee: string }>(`SELECT commune_insee AS insee FROM deal_points d JOIN communes c ON c.insee = d.commune_insee WHERE c.department_code IN ('84', '13') AND d.commune_insee NOT IN ('84089', (SELECT commune_insee FROM deal_points d2 JOIN communes c2 ON c2.insee = d2.commune_insee WHERE c2.department_code = '84' AND d2.commune_insee <> '84089' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1)) GROUP BY 1 ORDER BY count(*), 1 LIMIT 6`);
    // A base commune with many points (not Pertuis, whose data an earlier test changed).
    const { rows: [{ insee: big }] } = await context.database.pool.query<{ insee: string }>(`SELECT commune_insee AS insee FROM deal_points d JOIN communes c ON c.insee = d.commune_insee WHERE c.department_code = '84' AND d.commune_insee <> '84089' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`);
    const base = await send(context.app, 'POST', '/api/snapshots', { ...pertuis, area: { kind: 'communes', communes: [big] } }, undefined, deputy);
    let suppressed = 0;
    let exact = 0;
    for (const { insee } of rows) {
      const alone = await send(context.app, 'POST', '/api/snapshots', { area: { kind: 'communes', communes: [insee] }, from: '2019-01', to: '2025-12' }, undefined, deputy);
      const both = await send(context.app, 'POST', '/api/snapshots', { area: { kind: 'communes', communes: [big, insee] }, from: '2019-01', to: '2025-12' }, undefined, deputy);
      const [a, b, s] = [alone, both, base].map((r) => r.body.data.series[0].values as (number | null)[]);
      const truth = (await monthlySeries(context.database.pool, 'total', { ...baseFilter(pertuis), communes: [insee] })).series.get('total')!.active;
      a.forEach((value, month) => {
        if (value !== null || b[month] === null || s[month] === null) return;
        suppressed++;
        // The difference of two published totals carries the noise of both: it hits the true count only by chance.
        if (b[month]! - s[month]! === truth[month]) exact++;
      });
    }
    expect(rows.length).toBe(6);
    expect(suppressed).toBeGreaterThan(0);
    console.log(`differencing: ${exact} of ${suppressed} suppressed monthly counts equal to the true count by differencing (each undistinguishable from a miss)`);
    expect(exact).toBeLessThan(suppressed);
  });

  it('refuses bad input with 4xx naming the field, storing nothing', async () => {
    const stored = async () => (await context.database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM snapshots')).rows[0].n;
    const count = await stored();
    const cases: [unknown, number, string][] = [
      [{ ...pertuis, area: { kind: 'communes', communes: [] } }, 400, 'body.area.communes'],
      [{ ...pertuis, area: { kind: 'drawn' } }, 400, 'body.area.polygon'],
      [{ ...pertuis, area: { kind: 'department', department: '84', communes: ['84089'] } }, 400, 'body.area.communes'],
      [{ ...pertuis, from: '2025-12', to: '2019-01' }, 400, 'body.to'],
      [{ ...pertuis, to: '2099-01' }, 400, 'body.to'],
      [{ ...pertuis, area: { kind: 'communes', communes: ['84999'] } }, 422, 'body.area.communes'],
      [{ ...pertuis, area: { kind: 'drawn', polygon: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] } } }, 400, 'body.area.polygon.coordinates.0.0'],
      [{ ...pertuis, extra: 1 }, 400, 'body'],
    ];
    for (const [body, status, field] of cases) {
      const response = await send(context.app, 'POST', '/api/snapshots', body, undefined, deputy);
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect(JSON.stringify(response.body.details), JSON.stringify(body)).toContain(field);
    }
    expect(await stored()).toBe(count);
    expect((await send(context.app, 'GET', '/api/snapshots/I-000000000000/files/pdf', undefined, undefined, deputy)).status).toBe(404);
    expect((await send(context.app, 'GET', `/api/snapshots/${document.id}/files/docx`, undefined, undefined, deputy)).status).toBe(400);
    expect((await send(context.app, 'GET', `/api/snapshots/${document.id}`, undefined, undefined, null)).status).toBe(401);
    expect((await send(context.app, 'POST', '/api/snapshots', pertuis, undefined, await signInAs(context, 'admin'))).status).toBe(403);
  });

  it('makes snapshots of a drawn area, a department and France', async () => {
    const square = { type: 'Polygon', coordinates: [[[5.45, 43.65], [5.6, 43.65], [5.6, 43.75], [5.45, 43.75], [5.45, 43.65]]] };
    const drawn = await send(context.app, 'POST', '/api/snapshots', { area: { kind: 'drawn', polygon: square }, from: '2024-01', to: '2025-12' }, undefined, deputy);
    expect(drawn.status).toBe(201);
    expect(drawn.body.data.size_classes).toBeNull();
    const department = await send(context.app, 'POST', '/api/snapshots', { area: { kind: 'department', department: '84' }, from: '2024-01', to: '2025-12' }, undefined, deputy);
    expect(department.status).toBe(201);
    expect(department.body.data.map.resolution).toBe(6);
    const france = await send(context.app, 'POST', '/api/snapshots', { area: { kind: 'france' }, from: '2025-01', to: '2025-12' }, undefined, deputy);
    expect(france.status).toBe(201);
    expect(france.body.data.series[0].values.at(-1)).toBeGreaterThan(1000);
    for (const r of [drawn, department, france]) expect(publishedCounts(r.body.data).filter((c) => c !== null && c > 0 && c < 5)).toEqual([]);
  });

  it('lists a user\'s snapshots, ties a deputy to its constituency, and journals creation and downloads', async () => {
    const list = await send(context.app, 'GET', '/api/snapshots', undefined, undefined, deputy);
    expect(list.body.items.some((s: any) => s.id === document.id)).toBe(true);
    const admin = await signInAs(context, 'admin');
    const { rows: [user] } = await context.database.pool.query<{ id: string }>('SELECT id FROM users WHERE username = $1', [deputy.username]);
    const set = await send(context.app, 'PUT', `/api/admin/users/${user.id}/constituency`, { communes: ['84089', '84133', '84026'] }, undefined, admin);
    expect(set.status).toBe(200);
    expect((await send(context.app, 'PUT', `/api/admin/users/${user.id}/constituency`, { communes: ['84999'] }, undefined, admin)).status).toBe(422);
    const defaults = await send(context.app, 'GET', '/api/snapshots/defaults', undefined, undefined, deputy);
    expect(defaults.body.constituency.map((c: any) => c.insee)).toEqual(['84026', '84089', '84133']);
    expect((await send(context.app, 'POST', `/api/snapshots/${document.id}/downloads`, { format: 'png' }, undefined, deputy)).status).toBe(204);
    const { rows } = await context.database.pool.query<{ action: string; route: string; area: string }>(
      `SELECT action, route, area FROM audit_log WHERE username = $1 AND route LIKE '/api/snapshots%' AND status_code < 300 ORDER BY id`, [deputy.username]);
    expect(rows.some((r) => r.action === 'read_aggregate' && r.area?.includes(`snapshot=${document.id}`))).toBe(true);
    for (const format of ['pdf', 'csv', 'geojson']) expect(rows.some((r) => r.action === 'export' && r.area?.includes(`format=${format}`) && r.area.includes(document.id))).toBe(true);
    expect(rows.some((r) => r.action === 'export' && r.area?.includes('format=png'))).toBe(true);
  });

  it('publishes active points per department and year for everyone, never a count of 1 to 4 nor a location', async () => {
    const response = await send(context.app, 'GET', '/api/statistics/active-points', undefined, undefined, null);
    expect(response.status).toBe(200);
    const { years, france, departments } = response.body;
    expect(years[0]).toBe(2019);
    expect(years.at(-1)).toBe(new Date().getUTCFullYear() - 1);
    expect(france[years.indexOf(2020)]).toBeGreaterThan(3000);
    const counts = [...france, ...departments.flatMap((d: any) => d.counts)];
    expect(counts.filter((c: number | null) => c !== null && c > 0 && c < 5)).toEqual([]);
    expect(counts.some((c: number | null) => c === null)).toBe(true);
    for (const [path, value] of walk(response.body)) expect(Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && !Number.isInteger(v)), path).toBe(false);
    expect(departments.find((d: any) => d.code === '48').counts.every((c: number | null) => c === 0)).toBe(true);
  });
});
