import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { closeTestApp, openTestApp, signInAs, targets, type TestContext } from '../helpers/databases.js';
import { dealPointBody, send, type TestSession } from '../helpers/requests.js';

// The map's "confirmed by at least K sources" (measure 2): tiles and point lists keep only the
// points that many independent services reported, observed or were merged from.
const tile = { z: 9, x: 263, y: 186 }; // holds Pertuis
const tileIds = (bytes: Uint8Array): number[] => {
  if (bytes.length === 0) return [];
  const layer = new VectorTile(new PbfReader(bytes)).layers.deal_points;
  return layer ? Array.from({ length: layer.length }, (_, i) => Number(layer.feature(i).id)).sort((a, b) => a - b) : [];
};
const at = (dx: number) => ({ type: 'Point', coordinates: [5.5345 + dx, 43.6931] });

describe.each(targets())('points confirmed by several sources on the %s database', (target) => {
  let context: TestContext;
  const id: Record<string, number> = {};
  let analyst: TestSession;
  const tileAt = async (query: string) => {
    const response = await context.app.inject({ url: `/tiles/deal-points/${tile.z}/${tile.x}/${tile.y}.mvt${query}`, headers: { cookie: analyst.cookie } });
    expect(response.statusCode, query).toBeLessThan(300);
    return tileIds(response.rawPayload);
  };

  beforeAll(async () => {
    context = await openTestApp(target);
    analyst = await signInAs(context, 'national_analyst');
    const points: [string, number, string][] = [['one', 0, 'gendarmerie'], ['two', 0.002, 'gendarmerie'], ['three', 0.004, 'gendarmerie'], ['self', 0.006, 'gendarmerie'], ['kept', 0.008, 'gendarmerie'], ['absorbed', 0.0082, 'police_municipale']];
    for (const [name, dx, source] of points) {
      const created = await send(context.app, 'POST', '/api/deal-points', dealPointBody({ external_id: `K-${name}`, source, location: at(dx) }));
      expect(created.status).toBe(201);
      id[name] = created.body.id;
    }
    const observe = async (point: string, source: string) => expect((await send(context.app, 'POST', '/api/observations', { deal_point_id: id[point], observed_on: '2025-06-01', activity_level: 2, source })).status).toBe(201);
    await observe('two', 'police_nationale');
    await observe('three', 'police_nationale');
    await observe('three', 'douane');
    await observe('self', 'gendarmerie');
    expect((await send(context.app, 'POST', '/api/duplicates/merge', { kept_id: id.kept, absorbed_id: id.absorbed })).status).toBe(200);
  });
  afterAll(async () => closeTestApp(context));

  it('keeps in the tile only the points with at least K independent sources, a subset of the whole tile', async () => {
    const all = await tileAt('');
    expect(all).toEqual([id.one, id.two, id.three, id.self, id.kept].sort((a, b) => a - b));
    const two = await tileAt('?min_sources=2');
    const three = await tileAt('?min_sources=3');
    expect(two).toEqual([id.two, id.three, id.kept].sort((a, b) => a - b));
    expect(three).toEqual([id.three]);
    expect(await tileAt('?min_sources=1')).toEqual(all);
    expect(await tileAt('?min_sources=4')).toEqual([]);
    expect(two.every((p) => all.includes(p))).toBe(true);
    // The same count as the reliability list says for each point.
    const rated = await send(context.app, 'GET', '/api/registry/reliability?department=84&limit=100');
    const sources = new Map(rated.body.items.map((p: any) => [p.id, p.sources_count]));
    for (const p of all) expect(two.includes(p), `point ${p}`).toBe((sources.get(p) as number) >= 2);
    // With a window of months as the map asks.
    expect(await tileAt('?from=2019-01&to=2025-12&min_sources=2')).toEqual(two);
  });

  it('filters the point list and its exports the same way', async () => {
    const listed = await send(context.app, 'GET', '/api/deal-points?department=84&min_sources=2');
    expect(listed.status).toBe(200);
    expect(listed.body.features.map((f: any) => f.id).sort((a: number, b: number) => a - b)).toEqual([id.two, id.three, id.kept].sort((a, b) => a - b));
    const exported = await context.app.inject({ url: '/api/exports/deal-points.csv?department=84&min_sources=3', headers: { cookie: analyst.cookie } });
    expect(exported.statusCode).toBe(200);
    expect(exported.body.replace(/^\ufeff/, '').trim().split('\n').length).toBe(2);
  });

  it('refuses a K out of range with the field named', async () => {
    for (const bad of ['0', '8', 'deux']) {
      const tileAnswer = await send(context.app, 'GET', `/tiles/deal-points/${tile.z}/${tile.x}/${tile.y}.mvt?min_sources=${bad}`);
      expect(tileAnswer.status, bad).toBe(400);
      expect(tileAnswer.body.message).toMatch(/min_sources/);
      expect((await send(context.app, 'GET', `/api/deal-points?min_sources=${bad}`)).status).toBe(400);
    }
  });
});
