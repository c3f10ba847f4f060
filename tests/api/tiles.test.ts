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
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { communeTile, dealPointTile } from '../../server/services/tiles.js';
import { tilePosition } from '../../server/domain/tile-coordinates.js';

const run = promisify(execFile);

/** A point's periods as the tile carries them: [active_from, active_until, reopened_from, reopened_until], null where absent. */
interface DecodedPoint { id: number; status: string; source: string; periods: (string | null)[]; x: number; y: number }

function decode(bytes: Uint8Array): DecodedPoint[] {
  if (bytes.length === 0) return [];
  const layer = new VectorTile(new PbfReader(bytes)).layers.deal_points;
  if (!layer) return [];
  const points: DecodedPoint[] = [];
  for (let i = 0; i < layer.length; i++) {
    const feature = layer.feature(i);
    const [[point]] = feature.loadGeometry();
    const properties = feature.properties as Record<string, string | undefined>;
    const periods = ['active_from', 'active_until', 'reopened_from', 'reopened_until'].map((name) => properties[name] ?? null);
    points.push({ id: Number(feature.id), status: String(feature.properties.status), source: String(feature.properties.source), periods, x: point.x, y: point.y });
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
      // Reopened twice: its later periods are merged into one span (reopened_from..reopened_until).
      dealPointBody({ external_id: 'FAR', location: { type: 'Point', coordinates: [2.35, 48.85] }, status_history: [
        { status: 'active', effective_on: '2021-01-01' }, { status: 'dismantled', effective_on: '2022-01-01' }, { status: 'reopened', effective_on: '2023-03-01' },
        { status: 'dismantled', effective_on: '2023-09-01' }, { status: 'reopened', effective_on: '2024-02-01' }, { status: 'dismantled', effective_on: '2024-05-01' }] }),
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

  it('carries each point\'s active periods as months, and keeps only the points active in a window', async () => {
    const points = decode((await tileRequest(context, { url: `/tiles/deal-points/${tile.z}/${tile.x}/${tile.y}.mvt?at=2024-06-01` })).rawPayload);
    // T1 active from January 2021, still open (no end); T2 from January 2021 to December 2022.
    expect(points.find((p) => p.id === ids[0])!.periods).toEqual(['2021-01', null, null, null]);
    expect(points.find((p) => p.id === ids[1])!.periods).toEqual(['2021-01', '2022-12', null, null]);
    expect(points.find((p) => p.id === ids[2])!.periods).toEqual(['2024-01', null, null, null]);
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
    expect(Object.keys(points.body.vector_layers[0].fields)).toEqual(['status', 'source', 'dataset', 'active_from', 'active_until', 'reopened_from', 'reopened_until']);
    expect((await send(context.app, 'GET', '/tiles/deal-points.json', undefined, undefined, null)).status).toBe(401);
  });

  it('answers an empty tile where there is nothing', async () => {
    const response = await tileRequest(context, {url: '/tiles/deal-points/9/0/0.mvt' });
    expect(response.statusCode).toBe(200);
    expect(decode(response.rawPayload)).toEqual([]);
  });

  it('carries a reopened point\'s later periods merged, without codes for what does not exist', async () => {
    const paris = tileAt(2.35, 48.85, 9);
    const points = decode((await tileRequest(context, { url: `/tiles/deal-points/9/${paris.x}/${paris.y}.mvt?at=2024-06-01` })).rawPayload);
    expect(points.map((p) => [p.id, p.status, p.periods])).toEqual([[ids[3], 'dismantled', ['2021-01', '2021-12', '2023-03', '2024-04']]]);
  });

  it('answers empty tiles outside each tileset\'s zoom range, and 400 only for tiles that cannot exist', async () => {
    // Zoom 5 holds the points of the Vaucluse, yet the tileset starts at zoom 6 (TileJSON minzoom).
    const pertuis5 = tileAt(5.5345, 43.6931, 5);
    const low = await tileRequest(context, { url: `/tiles/deal-points/5/${pertuis5.x}/${pertuis5.y}.mvt?at=2024-06-01` });
    expect([low.statusCode, low.rawPayload.length, low.headers['content-type']]).toEqual([200, 0, 'application/vnd.mapbox-vector-tile']);
    expect(decode((await tileRequest(context, { url: `/tiles/deal-points/6/${tileAt(5.5345, 43.6931, 6).x}/${tileAt(5.5345, 43.6931, 6).y}.mvt?at=2024-06-01` })).rawPayload).length).toBe(3);
    for (const z of [23, 30]) {
      const deep = tileAt(5.5345, 43.6931, z);
      const points = await tileRequest(context, { url: `/tiles/deal-points/${z}/${deep.x}/${deep.y}.mvt` });
      expect([points.statusCode, points.rawPayload.length]).toEqual([200, 0]);
      const communes = await context.app.inject({ url: `/tiles/communes/${z}/${deep.x}/${deep.y}.mvt` });
      expect([communes.statusCode, communes.rawPayload.length]).toEqual([200, 0]);
    }
    const tileJson = (await send(context.app, 'GET', '/tiles/deal-points.json')).body;
    expect([tileJson.minzoom, tileJson.maxzoom]).toEqual([6, 22]);
    const impossible = await tileRequest(context, { url: '/tiles/deal-points/31/0/0.mvt' });
    expect(impossible.statusCode).toBe(400);
    expect(impossible.json().details[0].field).toMatch(/z/);
    expect((await context.app.inject({ url: '/tiles/communes/3/8/0.mvt' })).statusCode).toBe(400);
  });

  it('gives commune features the INSEE code as feature id, Corsica\'s 2A/2B as 201/202', async () => {
    const layers = new VectorTile(new PbfReader((await context.app.inject({ url: `/tiles/communes/${tile.z}/${tile.x}/${tile.y}.mvt` })).rawPayload)).layers;
    for (const layer of [layers.communes, layers.commune_labels]) {
      const features = Array.from({ length: layer.length }, (_, i) => layer.feature(i));
      expect(features.find((f) => f.properties.insee === '84089')!.id).toBe(84089);
      expect(features.every((f) => f.id === Number(String(f.properties.insee)))).toBe(true);
    }
    const ajaccio = tileAt(8.7369, 41.9192, 10);
    const corsica = new VectorTile(new PbfReader((await context.app.inject({ url: `/tiles/communes/10/${ajaccio.x}/${ajaccio.y}.mvt` })).rawPayload)).layers.communes;
    const features = Array.from({ length: corsica.length }, (_, i) => corsica.feature(i));
    expect(features.find((f) => f.properties.insee === '2A004')?.id).toBe(201004);
    expect(features.every((f) => f.id === Number(String(f.properties.insee).replace('2A', '201').replace('2B', '202')))).toBe(true);
    expect(new Set(features.map((f) => f.id)).size).toBe(features.length);
  });

  it('reads in GDAL\'s MVT driver with the ids and fields (commune tiles openly, deal point tiles with a token)', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sillage-tiles-'));
    try {
      const token = (await send(context.app, 'POST', '/api/auth/tokens', { name: 'GDAL tiles' })).body.token as string;
      await context.app.listen({ port: 0, host: '127.0.0.1' });
      const baseUrl = `http://127.0.0.1:${(context.app.server.address() as { port: number }).port}`;
      const communes = await run('ogrinfo', ['-ro', '-al', `MVT:/vsicurl/${baseUrl}/tiles/communes/${tile.z}/${tile.x}/${tile.y}.mvt`], { timeout: 60_000 });
      const pertuis = communes.stdout.split(/\n(?=OGRFeature)/).find((block) => /insee \(String\) = 84089/.test(block) && block.startsWith('OGRFeature(communes)'))!;
      expect(pertuis).toMatch(/mvt_id \(Integer64\) = 84089/);
      expect(pertuis).toMatch(/name \(String\) = Pertuis/);
      expect(pertuis).toMatch(/size_class \(String\) = ville_moyenne/);
      expect(pertuis).toMatch(/population \(Integer\) = \d+/);
      expect(pertuis).toMatch(/MULTIPOLYGON|POLYGON/);
      expect(communes.stdout).toMatch(/Layer name: commune_labels/);
      // A tile saved to a file reads the same with its address given as open options.
      const file = join(folder, 'points.mvt');
      writeFileSync(file, (await tileRequest(context, { url: `/tiles/deal-points/${tile.z}/${tile.x}/${tile.y}.mvt?at=2024-06-01` })).rawPayload);
      const saved = await run('ogrinfo', ['-ro', '-al', '-oo', `X=${tile.x}`, '-oo', `Y=${tile.y}`, '-oo', `Z=${tile.z}`, file], { timeout: 60_000 });
      const overHttp = await run('ogrinfo', ['-ro', '-al', '--config', 'GDAL_HTTP_HEADERS', `Authorization: Bearer ${token}`, `MVT:/vsicurl/${baseUrl}/tiles/deal-points/${tile.z}/${tile.x}/${tile.y}.mvt?at=2024-06-01`], { timeout: 60_000 });
      for (const output of [saved.stdout, overHttp.stdout]) {
        const blocks = output.split(/\n(?=OGRFeature)/).filter((block) => block.startsWith('OGRFeature'));
        const byId = new Map(blocks.map((block) => [Number(/mvt_id \(Integer64\) = (\d+)/.exec(block)?.[1]), block]));
        expect([...byId.keys()].sort((a, b) => a - b)).toEqual([ids[0], ids[1], ids[2]]);
        expect(byId.get(ids[1])).toMatch(/status \(String\) = dismantled/);
        expect(byId.get(ids[1])).toMatch(/active_from \(String\) = 2021-01/);
        expect(byId.get(ids[1])).toMatch(/active_until \(String\) = 2022-12/);
        expect(byId.get(ids[0])).toMatch(/source \(String\) = gendarmerie/);
        expect(byId.get(ids[0])).not.toMatch(/active_until \(String\) = \S/);
        // The point is where it was put (GDAL georeferences the tile from its address, in Web
        // Mercator metres; a tile unit is about 19 m at zoom 9).
        const [, x, y] = /POINT \(([\d.]+) ([\d.]+)\)/.exec(byId.get(ids[0])!)!;
        const radius = 6378137;
        expect(Math.abs(Number(x) - radius * (5.5345 * Math.PI) / 180)).toBeLessThan(40);
        expect(Math.abs(Number(y) - radius * Math.log(Math.tan(Math.PI / 4 + (43.6931 * Math.PI) / 360)))).toBeLessThan(40);
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 120_000);

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
    for (const address of [tile, tileAt(5.5345, 43.6931, 6), tileAt(5.5345, 43.6931, 12), tileAt(5.5345, 43.6931, 16)]) {
      const fromPostgis = decode((await dealPointTile(context.database.pool, address, filter, 'postgis')).bytes);
      const fromJs = decode((await dealPointTile(context.database.pool, address, filter, 'js')).bytes);
      expect(fromJs).toEqual(fromPostgis);
      expect(fromJs.length).toBeGreaterThan(0);
    }
  });

  it('gives commune tiles the same ids and fields in JS as in PostGIS', async () => {
    const features = (bytes: Uint8Array, name: string) => {
      const layer = new VectorTile(new PbfReader(bytes)).layers[name];
      return Array.from({ length: layer.length }, (_, i) => layer.feature(i)).map((f) => ({ id: f.id, ...f.properties })).sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
    };
    for (const address of [tile, tileAt(8.7369, 41.9192, 10)]) {
      const fromPostgis = await communeTile(context.database.pool, address, 'postgis');
      const fromJs = await communeTile(context.database.pool, address, 'js');
      for (const name of ['communes', 'commune_labels']) {
        expect(features(fromJs, name)).toEqual(features(fromPostgis, name));
        expect(features(fromJs, name).length).toBeGreaterThan(0);
      }
    }
  });
});
