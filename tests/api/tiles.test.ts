import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { closeTestApp, openTestApp, signInAs, targets, type TestContext } from '../helpers/databases.js';
import { dealPointBody, send } from '../helpers/requests.js';

const sessions = new WeakMap<object, { cookie: string }>();
async function tileRequest(context: TestContext, options: { url: string }) {
  if (!sessions.has(context)) sessions.set(context, await signInAs(context, 'national_analyst'));
  return context.app.inject({ url: options.url, headers: { cookie: sessions.get(context)!.cookie } });
}
import { dealPointTile } from '../../server/services/tiles.js';
import { tilePosition } from '../../server/domain/tile-coordinates.js';

interface DecodedPoint { id: number; status: string; source: string; periods: number[]; x: number; y: number }

function decode(bytes: Uint8Array): DecodedPoint[] {
  if (bytes.length === 0) return [];
  const layer = new VectorTile(new PbfReader(bytes)).layers.deal_points;
  if (!layer) return [];
  const points: DecodedPoint[] = [];
  for (let i = 0; i < layer.length; i++) {
    const feature = layer.feature(i);
    const [[point]] = feature.loadGeometry();
    const { f0, l0, f1, l1 } = feature.properties as Record<string, number>;
    points.push({ id: Number(feature.id), status: String(feature.properties.status), source: String(feature.properties.source), periods: [f0, l0, f1, l1], x: point.x, y: point.y });
  }
  return points.sort((a, b) => a.id - b.id);
}

// Tile 9/263/186 holds Pertuis and Cavaillon (x = floor((lon + 180) / 360 * 2^9), y by Mercator).
const tile = { z: 9, x: 263, y: 186 };

function tileAt(longitude: number, latitude: number, z: number) {
  const size = 2 ** z;
  const sin = Math.sin((latitude * Math.PI) / 180);
  return { z, x: Math.floor(((longitude + 180) / 360) * size), y: Math.floor((0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * size) };
}

describe.each(targets())('deal-point vector tiles on the %s database', (target) => {
  let context: TestContext;
  const ids: number[] = [];
  beforeAll(async () => {
    context = await openTestApp(target);
    const bodies = [
      dealPointBody({ external_id: 'T1', status_history: [{ status: 'active', effective_on: '2021-01-01' }] }),
      dealPointBody({ external_id: 'T2', location: { type: 'Point', coordinates: [5.0413, 43.8369] }, status_history: [{ status: 'active', effective_on: '2021-01-01' }, { status: 'dismantled', effective_on: '2023-01-01' }] }),
      dealPointBody({ external_id: 'T3', location: { type: 'Point', coordinates: [5.54, 43.70] }, status_history: [{ status: 'active', effective_on: '2024-01-01' }] }),
      dealPointBody({ external_id: 'FAR', location: { type: 'Point', coordinates: [2.35, 48.85] } }),
    ];
    for (const body of bodies) ids.push((await send(context.app, 'POST', '/api/deal-points', body)).body.id);
  });
  afterAll(async () => closeTestApp(context));

  it('serves the points of the tile with their status on the requested date', async () => {
    const response = await tileRequest(context, {url: `/tiles/deal-points/${tile.z}/${tile.x}/${tile.y}.mvt?at=2022-06-01` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    const points = decode(response.rawPayload);
    expect(points.map((p) => [p.id, p.status])).toEqual([[ids[0], 'active'], [ids[1], 'active']]);
    // Pixel positions match the Web Mercator maths done by hand (tests/unit).
    expect([points[0].x, points[0].y]).toEqual(tilePosition(5.5345, 43.6931, tile));

    const later = decode((await tileRequest(context, {url: `/tiles/deal-points/${tile.z}/${tile.x}/${tile.y}.mvt?at=2024-06-01` })).rawPayload);
    expect(later.map((p) => [p.id, p.status])).toEqual([[ids[0], 'active'], [ids[1], 'dismantled'], [ids[2], 'active']]);
    const activeOnly = decode((await tileRequest(context, {url: `/tiles/deal-points/${tile.z}/${tile.x}/${tile.y}.mvt?at=2024-06-01&status=active` })).rawPayload);
    expect(activeOnly.map((p) => p.id)).toEqual([ids[0], ids[2]]);
  });

  it('agrees with the list endpoint', async () => {
    const listed = await send(context.app, 'GET', '/api/deal-points?bbox=4.5,43.5,5.7,44.0&at=2024-06-01');
    const tiled = decode((await tileRequest(context, {url: `/tiles/deal-points/${tile.z}/${tile.x}/${tile.y}.mvt?at=2024-06-01` })).rawPayload);
    expect(tiled.map((p) => p.id)).toEqual(listed.body.features.map((f: { id: number }) => f.id));
  });

  it('carries each point\'s active periods as month indices, and keeps only the points active in a window', async () => {
    const points = decode((await tileRequest(context, { url: `/tiles/deal-points/${tile.z}/${tile.x}/${tile.y}.mvt?at=2024-06-01` })).rawPayload);
    // T1 active from January 2021 (month 252), still open; T2 from January 2021 to December 2022 (275).
    expect(points.find((p) => p.id === ids[0])!.periods).toEqual([252, 99999, 99999, -1]);
    expect(points.find((p) => p.id === ids[1])!.periods).toEqual([252, 275, 99999, -1]);
    expect(points.find((p) => p.id === ids[2])!.periods).toEqual([288, 99999, 99999, -1]);
    const window2023 = decode((await tileRequest(context, { url: `/tiles/deal-points/${tile.z}/${tile.x}/${tile.y}.mvt?at=2023-12-31&from=2023-01&to=2023-12` })).rawPayload);
    expect(window2023.map((p) => p.id)).toEqual([ids[0]]);
    const window2022 = decode((await tileRequest(context, { url: `/tiles/deal-points/${tile.z}/${tile.x}/${tile.y}.mvt?at=2022-12-31&from=2022-12&to=2022-12` })).rawPayload);
    expect(window2022.map((p) => p.id)).toEqual([ids[0], ids[1]]);
    const bad = await tileRequest(context, { url: `/tiles/deal-points/${tile.z}/${tile.x}/${tile.y}.mvt?from=2023-05&to=2023-01` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].field).toBe('querystring.to');
    const alone = await tileRequest(context, { url: `/tiles/deal-points/${tile.z}/${tile.x}/${tile.y}.mvt?from=2023-05` });
    expect(alone.statusCode).toBe(400);
    expect(alone.json().details[0].field).toBe('querystring.to');
  });

  it('serves commune outlines with their size class and names, fewer at low zoom', async () => {
    const response = await context.app.inject({ url: `/tiles/communes/${tile.z}/${tile.x}/${tile.y}.mvt` });
    expect(response.statusCode).toBe(200);
    const layers = new VectorTile(new PbfReader(response.rawPayload)).layers;
    const outlines = Array.from({ length: layers.communes.length }, (_, i) => layers.communes.feature(i));
    const pertuis = outlines.find((f) => f.properties.insee === '84089')!;
    expect(pertuis.properties).toMatchObject({ name: 'Pertuis', size_class: 'ville_moyenne' });
    expect(pertuis.type).toBe(3);
    const labels = Array.from({ length: layers.commune_labels.length }, (_, i) => layers.commune_labels.feature(i).properties.name);
    expect(labels).toContain('Pertuis');
    expect(labels).toContain('Cavaillon');
    const national = new VectorTile(new PbfReader((await context.app.inject({ url: '/tiles/communes/5/16/11.mvt' })).rawPayload)).layers;
    expect(national.communes.length).toBeLessThan(layers.communes.length * 4);
    // Below the zoom range: an empty tile, not an error (tile clients ask for every zoom).
    const low = await context.app.inject({ url: '/tiles/communes/4/8/5.mvt' });
    expect(low.statusCode).toBe(200);
    expect(low.rawPayload.length).toBe(0);
    // ETag: the same bytes are not sent twice.
    const etag = response.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(response.headers['cache-control']).toBe('public, max-age=86400');
    const again = await context.app.inject({ url: `/tiles/communes/${tile.z}/${tile.x}/${tile.y}.mvt`, headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
  });

  it('describes both tilesets in TileJSON 3.0 with their layers and fields', async () => {
    const communes = await context.app.inject({ url: '/tiles/communes.json' });
    expect(communes.statusCode).toBe(200);
    const doc = communes.json();
    expect(doc.tilejson).toBe('3.0.0');
    expect(doc.tiles[0]).toMatch(/\/tiles\/communes\/\{z\}\/\{x\}\/\{y\}\.mvt$/);
    expect(doc.vector_layers.map((l: { id: string }) => l.id)).toEqual(['communes', 'commune_labels']);
    expect(Object.keys(doc.vector_layers[0].fields)).toEqual(['insee', 'name', 'size_class', 'population']);
    const points = await send(context.app, 'GET', '/tiles/deal-points.json');
    expect(points.body.vector_layers[0].id).toBe('deal_points');
    expect(Object.keys(points.body.vector_layers[0].fields)).toEqual(expect.arrayContaining(['id', 'status', 'source', 'dataset']));
    expect((await send(context.app, 'GET', '/tiles/deal-points.json', undefined, undefined, null)).status).toBe(401);
  });

  it('answers an empty tile where there is nothing', async () => {
    const response = await tileRequest(context, {url: '/tiles/deal-points/9/0/0.mvt' });
    expect(response.statusCode).toBe(200);
    expect(decode(response.rawPayload)).toEqual([]);
  });

});

// Only where PostGIS can encode tiles (a real PostgreSQL): the JS encoder used on the embedded
// database must give the same features and positions as ST_AsMVT.
describe.each(targets().filter((t) => t === 'external'))('tile encoders on the %s database', (target) => {
  let context: TestContext;
  beforeAll(async () => {
    context = await openTestApp(target);
    for (const [i, coordinates] of [[5.5345, 43.6931], [5.0413, 43.8369], [5.54, 43.70], [5.5351, 43.6939]].entries()) {
      await send(context.app, 'POST', '/api/deal-points', dealPointBody({ external_id: `E${i}`, location: { type: 'Point', coordinates } }));
    }
  });
  afterAll(async () => closeTestApp(context));

  it('builds the same tile in JS as PostGIS ST_AsMVT does', async () => {
    const filter = { at: '2024-06-01', statuses: null, dataset: null };
    for (const address of [tile, tileAt(5.5345, 43.6931, 5), tileAt(5.5345, 43.6931, 12), tileAt(5.5345, 43.6931, 16)]) {
      const fromPostgis = decode((await dealPointTile(context.database.pool, address, filter, 'postgis')).bytes);
      const fromJs = decode((await dealPointTile(context.database.pool, address, filter, 'js')).bytes);
      expect(fromJs).toEqual(fromPostgis);
      expect(fromJs.length).toBeGreaterThan(0);
    }
  });
});
