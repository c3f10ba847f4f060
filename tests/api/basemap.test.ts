/**
 * The offline vector basemap (SILLAGE_BASEMAP_PMTILES): the operator's PMTiles archive served by
 * byte ranges, read back through the real app by the pmtiles library the browser uses; refused
 * settings and ranges; 404 when none is configured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PMTiles, type Source } from 'pmtiles';
import { closeTestApp, openTestApp, targets, type TestContext } from '../helpers/databases.js';
import { streetTile, writePmtiles } from '../helpers/pmtiles.js';
import { loadConfig } from '../../server/config.js';
import { byteRange } from '../../server/routes/basemap.js';

const folder = mkdtempSync(join(tmpdir(), 'sillage-basemap-'));
const file = join(folder, 'pertuis.pmtiles');
const tile = streetTile(5.502, 43.694, 'Rue du Test Hors Ligne');
const archive = writePmtiles(file, tile);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('the basemap setting', () => {
  it('takes an existing .pmtiles file and refuses anything else, naming the variable', () => {
    expect(loadConfig({}).basemapFile).toBeNull();
    expect(loadConfig({ SILLAGE_BASEMAP_PMTILES: file }).basemapFile).toBe(file);
    expect(() => loadConfig({ SILLAGE_BASEMAP_PMTILES: join(folder, 'missing.pmtiles') })).toThrow(/SILLAGE_BASEMAP_PMTILES must name an existing \.pmtiles file/);
    const other = join(folder, 'streets.mbtiles');
    writeFileSync(other, 'x');
    expect(() => loadConfig({ SILLAGE_BASEMAP_PMTILES: other })).toThrow(/SILLAGE_BASEMAP_PMTILES/);
  });
  it('reads single byte ranges as RFC 9110 does', () => {
    expect(byteRange(undefined, 100)).toBeNull();
    expect(byteRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(byteRange('bytes=90-200', 100)).toEqual({ start: 90, end: 99 });
    expect(byteRange('bytes=95-', 100)).toEqual({ start: 95, end: 99 });
    expect(byteRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    for (const bad of ['bytes=100-', 'bytes=5-2', 'bytes=0-1,5-6', 'items=0-1', 'bytes=-']) expect(() => byteRange(bad, 100), bad).toThrow(/range/);
  });
});

describe.each(targets())('the offline basemap on the %s database', (target) => {
  let context: TestContext;
  let bare: TestContext;
  beforeAll(async () => {
    context = await openTestApp(target, { basemapFile: file }, null);
  });
  afterAll(async () => { await closeTestApp(context); await closeTestApp(bare); });

  it('says where it is in /api/health and serves byte ranges of it to anyone', async () => {
    const health = await context.app.inject({ url: '/api/health' });
    expect(health.json().map).toEqual({ basemap_url: null, basemap_pmtiles: '/basemap.pmtiles' });
    const part = await context.app.inject({ url: '/basemap.pmtiles', headers: { range: 'bytes=0-126' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 0-126/${archive.length}`);
    expect(part.headers['accept-ranges']).toBe('bytes');
    expect(part.rawPayload.equals(Buffer.from(archive.subarray(0, 127)))).toBe(true);
    const whole = await context.app.inject({ url: '/basemap.pmtiles' });
    expect(whole.statusCode).toBe(200);
    expect(whole.rawPayload.equals(Buffer.from(archive))).toBe(true);
  });

  it('is read back by the pmtiles library through the app: header, metadata and the street tile', async () => {
    const source: Source = {
      getKey: () => '/basemap.pmtiles',
      async getBytes(offset, length) {
        const answer = await context.app.inject({ url: '/basemap.pmtiles', headers: { range: `bytes=${offset}-${offset + length - 1}` } });
        expect(answer.statusCode).toBe(206);
        const bytes = answer.rawPayload;
        return { data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, etag: answer.headers.etag as string };
      },
    };
    const reader = new PMTiles(source);
    const header = await reader.getHeader();
    expect([header.minZoom, header.maxZoom, header.numAddressedTiles]).toEqual([14, 14, 1]);
    expect(header.centerLon).toBeCloseTo(tile.centre[0], 5);
    expect(((await reader.getMetadata()) as { vector_layers: { id: string }[] }).vector_layers[0].id).toBe('roads');
    const found = await reader.getZxy(tile.z, tile.x, tile.y);
    expect(Buffer.from(found!.data).equals(Buffer.from(tile.bytes))).toBe(true);
    expect(await reader.getZxy(tile.z, tile.x + 1, tile.y)).toBeUndefined();
  });

  it('refuses a range outside the file with a 416 naming the header, and answers 404 when none is configured', async () => {
    const outside = await context.app.inject({ url: '/basemap.pmtiles', headers: { range: `bytes=${archive.length}-` } });
    expect(outside.statusCode).toBe(416);
    expect(outside.json()).toMatchObject({ error: 'range_not_satisfiable', details: [{ field: 'headers.range', reason: 'outside the file' }] });
    bare = await openTestApp(target, {}, null);
    const none = await bare.app.inject({ url: '/basemap.pmtiles' });
    expect(none.statusCode).toBe(404);
    expect(none.json().error).toBe('not_found');
  });
});
