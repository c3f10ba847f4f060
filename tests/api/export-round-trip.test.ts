/**
 * The round trip on both databases, on the demo scenario plus points created as the UI creates them
 * (no external id; one moved, one dismantled by an operation, one in a network): the CSV and the
 * GeoJSON exports re-import changing nothing (row counts, versions, histories, places), a row of
 * such a point edited in the file updates that point (never creates one), and a row naming an
 * unknown point, another source's or one known by an external id is refused on its field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestApp, openTestApp, tableCounts, targets, type TestContext } from '../helpers/databases.js';
import { send, squareAround } from '../helpers/requests.js';
import { loadPlantedScenario } from '../helpers/scenario-cache.js';

describe.each(targets())('export -> import round trip on the %s database', (target) => {
  let context: TestContext;
  const uiPoints: number[] = [];
  let total = 0;
  beforeAll(async () => {
    context = await openTestApp(target);
    await loadPlantedScenario(context.database.pool);
    const operation = await send(context.app, 'POST', '/api/operations', { name: 'Opération UI', kind: 'operation_ciblee', started_on: '2024-05-01', ended_on: '2024-05-02', target: squareAround(5.3806, 43.2803) });
    expect(operation.status).toBe(201);
    const network = (await context.database.pool.query<{ id: string }>('SELECT id FROM networks ORDER BY id LIMIT 1')).rows[0];
    for (const [location, extra] of [
      [[5.3806, 43.2803], {}], [[5.5345, 43.6931], { products: ['crack', 'cocaine'], network_id: Number(network.id) }], [[4.8357, 45.764], { source: 'douane' }],
    ] as const) {
      const created = await send(context.app, 'POST', '/api/deal-points', { location: { type: 'Point', coordinates: location }, source: 'police_nationale', products: ['cannabis_resine'], status_history: [{ status: 'active', effective_on: '2023-01-15' }], ...extra });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.properties.external_id).toBeNull();
      uiPoints.push(Number(created.body.id));
    }
    // Moved by dragging, dismantled by the operation.
    const [first] = uiPoints;
    expect((await send(context.app, 'PATCH', `/api/deal-points/${first}`, { version: 1, location: { type: 'Point', coordinates: [5.3811, 43.2807] } })).status).toBe(200);
    expect((await send(context.app, 'POST', `/api/deal-points/${first}/status-changes`, { version: 2, status: 'dismantled', effective_on: '2024-05-02', operation_id: operation.body.id })).status).toBe(200);
    total = (await context.database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM deal_points')).rows[0].n;
  }, 300_000);
  afterAll(async () => closeTestApp(context));

  const state = async () => (await context.database.pool.query(
    `SELECT d.id::int, d.source_code, d.external_id, d.version, ST_AsText(d.geom) AS place, d.products, d.network_id::int, d.dataset,
            (SELECT string_agg(e.status || ':' || e.effective_on || coalesce(':' || e.operation_id, ''), '|' ORDER BY e.effective_on) FROM deal_point_status_events e WHERE e.deal_point_id = d.id) AS history
     FROM deal_points d ORDER BY d.id`)).rows;
  it.each(['csv', 'geojson'] as const)('re-imports its %s export of the demo and the UI-created points unchanged', async (format) => {
    const before = await state();
    const counts = await tableCounts(context.database.pool);
    const file = await send(context.app, 'GET', `/api/exports/deal-points.${format}`);
    expect(file.status).toBe(200);
    const text = typeof file.body === 'string' ? file.body : JSON.stringify(file.body);
    const rows = format === 'csv' ? text.trim().split('\r\n').length - 1 : JSON.parse(text).features.length;
    expect(rows).toBe(total);
    expect(total).toBeGreaterThan(1000);
    const report = await send(context.app, 'POST', '/api/imports', text, format === 'csv' ? 'text/csv' : 'application/geo+json');
    expect(report.status, JSON.stringify(report.body).slice(0, 500)).toBe(200);
    expect(report.body).toMatchObject({ kind: 'deal-points', rows: total, inserted: 0, updated: 0, unchanged: total });
    expect(await tableCounts(context.database.pool)).toEqual(counts);
    expect(await state()).toEqual(before);
  }, 300_000);

  it('applies an edited row of a point without external id to that point, and refuses rows naming other points', async () => {
    const [first, second, third] = uiPoints;
    const csv = (await send(context.app, 'GET', '/api/exports/deal-points.csv')).body as string;
    const header = csv.replace(/^\uFEFF/, '').split('\r\n')[0];
    const line = (id: number) => csv.split('\r\n').find((l) => l.startsWith(`${id};`))!;
    expect(line(second).split(';')[2]).toBe('');
    const moved = line(second).replace(';crack|cocaine;', ';crack;');
    const before = (await state()).find((p) => p.id === second)!;
    const counts = await tableCounts(context.database.pool);
    const applied = await send(context.app, 'POST', '/api/imports', [header, moved].join('\r\n'), 'text/csv');
    expect(applied.body).toMatchObject({ rows: 1, inserted: 0, updated: 1, unchanged: 0 });
    const after = (await state()).find((p) => p.id === second)!;
    expect(after).toMatchObject({ products: ['crack'], version: before.version + 1, external_id: null });
    expect(await tableCounts(context.database.pool)).toEqual({ ...counts, deal_point_versions: counts.deal_point_versions + 1 });
    const stored = await state();

    const known = (await state()).find((p) => p.external_id !== null)!;
    const wrongSource = line(third).replace(';douane;', ';gendarmerie;');
    const refused = await send(context.app, 'POST', '/api/imports', [header, line(first).replace(/^\d+;/, '999999;'), `${known.id};${line(first).split(';').slice(1).join(';')}`, wrongSource].join('\r\n'), 'text/csv');
    expect(refused.status).toBe(422);
    const problems = refused.body.details.map((d: { line: number; field: string; reason: string }) => [d.line, d.field, d.reason]);
    expect(problems).toEqual([
      [2, 'id', expect.stringContaining('no deal point #999999')],
      [3, 'external_id', expect.stringContaining(`point #${known.id} is known by its external id`)],
      [4, 'source', expect.stringContaining('comes from douane')],
    ]);
    expect(await state()).toEqual(stored);
  }, 120_000);
});
