import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestApp, openTestApp, signInAs, tableCounts, targets, type TestContext } from '../helpers/databases.js';
import { send } from '../helpers/requests.js';

const pointsCsv = [
  'external_id;source;lat;lon;first_seen_on;dismantled_on;reopened_on;products',
  'IMP-1;gendarmerie;43,6931;5,5345;2021-03-01;2024-03-19;2024-06-01;cannabis_resine|cocaine',
  'IMP-2;gendarmerie;43,8369;5,0413;2022-01-10;;;crack',
  'IMP-3;gendarmerie;44,0556;5,0478;2023-05-05;;;',
].join('\n');

describe.each(targets())('imports on the %s database', (target) => {
  let context: TestContext;
  beforeAll(async () => { context = await openTestApp(target); });
  afterAll(async () => closeTestApp(context));

  it('imports deal points from a semicolon CSV with decimal commas, then re-runs idempotently', async () => {
    const first = await send(context.app, 'POST', '/api/imports', pointsCsv, 'text/csv');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ kind: 'deal-points', format: 'csv', rows: 3, inserted: 3, updated: 0, unchanged: 0 });
    const counts = await tableCounts(context.database.pool);
    expect(counts).toMatchObject({ deal_points: 3, status_events: 5, deal_point_versions: 3 });

    const again = await send(context.app, 'POST', '/api/imports', pointsCsv, 'text/csv');
    expect(again.body).toMatchObject({ rows: 3, inserted: 0, updated: 0, unchanged: 3 });
    expect(await tableCounts(context.database.pool)).toEqual(counts);

    const listed = await send(context.app, 'GET', '/api/deal-points?source=gendarmerie');
    const byId = Object.fromEntries(listed.body.features.map((f: any) => [f.properties.external_id, f.properties]));
    expect(byId['IMP-1']).toMatchObject({ commune_insee: '84089', status: 'reopened', products: ['cannabis_resine', 'cocaine'] });
    expect(byId['IMP-2']).toMatchObject({ commune_insee: '84035', status: 'active' });
    expect(byId['IMP-3'].commune_insee).toBe('84031'); // Carpentras
  });

  it('updates what changed, bumping only those versions', async () => {
    const changed = pointsCsv.replace('IMP-2;gendarmerie;43,8369;5,0413;2022-01-10;;;crack', 'IMP-2;gendarmerie;43,8369;5,0413;2022-01-10;2025-01-15;;crack');
    const report = await send(context.app, 'POST', '/api/imports', changed, 'text/csv');
    expect(report.body).toMatchObject({ inserted: 0, updated: 1, unchanged: 2 });
    const point = (await send(context.app, 'GET', '/api/deal-points?source=gendarmerie')).body.features.find((f: any) => f.properties.external_id === 'IMP-2');
    expect(point.properties).toMatchObject({ status: 'dismantled', version: 2 });
  });

  it('rejects a whole file for one bad row and lists every bad row', async () => {
    const before = await tableCounts(context.database.pool);
    const csv = [
      'external_id,source,lat,lon,first_seen_on',
      'NEW-1,police_nationale,43.2965,5.3698,2024-01-01',
      'NEW-2,police_nationale,43.0,5.2,2024-01-01', // at sea
      'NEW-3,police_nationale,43.2965,5.3698,2024-99-01', // bad date
    ].join('\n');
    const response = await send(context.app, 'POST', '/api/imports', csv, 'text/csv');
    expect(response.status).toBe(422);
    expect(response.body.error).toBe('import_rejected');
    expect(response.body.message).toMatch(/nothing stored/);
    // Every rejected row at once: the bad date, and the point at sea found by the database check.
    expect(response.body.details).toEqual([
      { line: 3, field: 'location', reason: '(5.2, 43) is not inside any French commune (at sea, abroad?)' },
      { line: 4, field: 'first_seen_on', reason: '"2024-99-01" is not a date YYYY-MM-DD' },
    ]);
    expect(response.body.message).toMatch(/2 of 3 rows rejected/);
    expect(await tableCounts(context.database.pool)).toEqual(before);
  });

  it('imports Lambert-93 coordinates and GeoJSON points', async () => {
    const lambert = 'external_id;source;x;y;first_seen_on\nL93-1;douane;893000;6247000;2024-01-01\n';
    const report = await send(context.app, 'POST', '/api/imports', lambert, 'text/csv');
    expect(report.status).toBe(200);
    const point = (await send(context.app, 'GET', '/api/deal-points?source=douane')).body.features[0];
    expect(point.properties.commune_insee).toBe('13055');
    const geojson = JSON.stringify({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [2.5264, 48.9362] }, properties: { external_id: 'GJ-1', source: 'transport', first_seen_on: '2022-02-02' } }],
    });
    const fromGeojson = await send(context.app, 'POST', '/api/imports', geojson, 'application/geo+json');
    expect(fromGeojson.body).toMatchObject({ format: 'geojson', inserted: 1 });
    expect((await send(context.app, 'GET', '/api/deal-points?source=transport')).body.features[0].properties.commune_insee).toBe('93071'); // Sevran
  });

  it('imports observations against imported points, idempotently', async () => {
    const csv = 'deal_point_external_id,source,observed_on,activity_level,estimated_daily_transactions\nIMP-1,gendarmerie,2024-01-15,3,\nIMP-1,gendarmerie,2024-02-15,,80\nIMP-2,gendarmerie,2024-02-15,1,\n';
    expect((await send(context.app, 'POST', '/api/imports', csv, 'text/csv')).body).toMatchObject({ kind: 'observations', inserted: 3 });
    expect((await send(context.app, 'POST', '/api/imports', csv, 'text/csv')).body).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
    const unknown = await send(context.app, 'POST', '/api/imports', csv.replace('IMP-2', 'NOPE'), 'text/csv');
    expect(unknown.status).toBe(422);
    expect(unknown.body.details).toEqual([{ line: 4, field: 'deal_point_external_id', reason: 'no deal point "NOPE" from source gendarmerie' }]);
  });

  it('imports operations from GeoJSON and refuses a self-intersecting target', async () => {
    const target = { type: 'Polygon', coordinates: [[[5.36, 43.34], [5.40, 43.34], [5.40, 43.37], [5.36, 43.37], [5.36, 43.34]]] };
    const collection = (geometry: object) => JSON.stringify({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', geometry, properties: { external_id: 'XXL-1', source: 'police_nationale', name: 'Place nette XXL', kind: 'place_nette', started_on: '2024-03-18', ended_on: '2024-03-20', arrests: 82 } }],
    });
    const ok = await send(context.app, 'POST', '/api/imports', collection(target), 'application/json');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ kind: 'operations', inserted: 1 });
    expect((await send(context.app, 'POST', '/api/imports', collection(target), 'application/json')).body.unchanged).toBe(1);
    const bowtie = { type: 'Polygon', coordinates: [[[5.36, 43.34], [5.40, 43.37], [5.40, 43.34], [5.36, 43.37], [5.36, 43.34]]] };
    const bad = await send(context.app, 'POST', '/api/imports', collection(bowtie), 'application/json');
    expect(bad.status).toBe(422);
    expect(bad.body.details[0]).toMatchObject({ line: 1, field: 'target' });
    expect(bad.body.details[0].reason).toMatch(/Self-intersection/);
  });

  it('previews a file without storing anything: separator, decimal comma, coordinates, first rows, problems', async () => {
    const before = await tableCounts(context.database.pool);
    const bad = `${pointsCsv}\nIMP-4;gendarmerie;43,9;;2023-05-05;;;\nIMP-5;nobody;43,9;5,1;2023-05-05;;;`;
    const preview = await send(context.app, 'POST', '/api/imports/preview', bad, 'text/csv');
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ format: 'csv', kind: 'deal-points', delimiter: ';', decimal_comma: true, coordinates: 'lat/lon', row_count: 5 });
    expect(preview.body.rows[0]).toMatchObject({ line: 2, values: { external_id: 'IMP-1', lat: '43,6931' } });
    expect(preview.body.problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ line: 5, field: 'lat/lon' }), expect.objectContaining({ line: 6, field: 'source' }),
    ]));
    const lambert = await send(context.app, 'POST', '/api/imports/preview', 'external_id,source,x,y,first_seen_on\nL-1,douane,893000,6247000,2024-01-01', 'text/csv');
    expect(lambert.body).toMatchObject({ delimiter: ',', decimal_comma: false, coordinates: 'x/y (Lambert-93)', problems: [] });
    expect((await send(context.app, 'POST', '/api/imports/preview', '', 'text/csv')).status).toBe(400);
    expect(await tableCounts(context.database.pool)).toEqual(before);
  });

  it('keeps the history of imports, refused ones too, each CROSS seeing its departments\' own', async () => {
    await context.database.pool.query('TRUNCATE import_runs');
    const cross = await signInAs(context, 'departmental_analyst', ['84']);
    const crossOther = await signInAs(context, 'departmental_analyst', ['13']);
    const ok = await context.app.inject({ method: 'POST', url: '/api/imports', payload: pointsCsv, headers: { 'content-type': 'text/csv', cookie: cross.cookie, 'x-csrf-token': cross.csrf, 'x-file-name': encodeURIComponent('points vérifiés.csv') } });
    expect(ok.statusCode).toBe(200);
    const refused = await context.app.inject({ method: 'POST', url: '/api/imports', payload: `${pointsCsv}\nIMP-9;nobody;43,9;5,1;2023-05-05;;;`, headers: { 'content-type': 'text/csv', cookie: cross.cookie, 'x-csrf-token': cross.csrf, 'x-file-name': 'bad.csv' } });
    expect(refused.statusCode).toBe(422);
    const history = await send(context.app, 'GET', '/api/imports', undefined, undefined, cross);
    expect(history.status).toBe(200);
    expect(history.body.items).toMatchObject([
      { username: cross.username, file_name: 'bad.csv', outcome: 'rejected', rows: 4, rejected_rows: 1, inserted: 0 },
      { username: cross.username, file_name: 'points vérifiés.csv', outcome: 'imported', kind: 'deal-points', format: 'csv', rows: 3 },
    ]);
    const imported = history.body.items[1];
    expect(imported.inserted + imported.updated + imported.unchanged).toBe(3);
    // The history keeps the counts; the likely duplicates are in the import's own answer only.
    const { likely_duplicates: _duplicates, ...counts } = JSON.parse(ok.body);
    expect(imported).toMatchObject(counts);
    expect((await send(context.app, 'GET', '/api/imports', undefined, undefined, crossOther)).body.items).toEqual([]);
    expect((await send(context.app, 'GET', '/api/imports')).body.items).toHaveLength(2);
    const prefect = await signInAs(context, 'prefect', ['84']);
    expect((await send(context.app, 'GET', '/api/imports', undefined, undefined, prefect)).status).toBe(403);
  });
});
