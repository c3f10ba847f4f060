import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Dataset, Month, errorResponses, fileResponse } from '../schemas/common.js';
import { Status } from '../schemas/deal-points.js';
import { deepestTileZoom, inZoomRange, isValidTile, tileZoomRanges } from '../domain/tile-coordinates.js';
import { InvalidInputError } from '../errors.js';
import { communeTile, dataVersion, dealPointTile, type TileEncoder } from '../services/tiles.js';
import { today } from '../domain/dates.js';
import { preciseReaders } from '../domain/access.js';
import { departmentFilter } from './scope.js';
import { publicOrigin } from './origin.js';
import { monthStart, parseMonthWindow } from '../domain/months.js';
import { TileCache, type CachedTile } from '../services/tile-cache.js';
import type { FastifyReply, FastifyRequest } from 'fastify';

function tileWindow(query: { from?: string; to?: string }): { from: string; to: string } | null {
  if (query.from === undefined && query.to === undefined) return null;
  if (query.from === undefined || query.to === undefined) throw new InvalidInputError([{ field: `querystring.${query.from === undefined ? 'from' : 'to'}`, reason: 'from and to go together' }]);
  const { window, problems } = parseMonthWindow(query.from, query.to, { maxMonths: 240 });
  if (problems.length) throw new InvalidInputError(problems);
  return { from: monthStart(window.from), to: monthStart(window.to) };
}


const pointFields = {
  status: 'Status on the date `at`: active, dismantled, reopened, candidate... (the feature id is the deal point id)',
  source: 'Reporting service', dataset: 'real or synthetic',
  active_from: 'First month of the first active period (YYYY-MM); absent when the point was never active',
  active_until: 'Last month of the first active period (YYYY-MM); absent while that period is still open',
  reopened_from: 'First month of the second active period, after a dismantling (YYYY-MM); absent when never reopened',
  reopened_until: 'Last month of the last active period (YYYY-MM); absent while it is still open or when never reopened',
};
const communeFields = { insee: 'INSEE code (the feature id is this code as a number, Corsica 2A/2B as 201/202: 2A004 is 201004)', name: 'Name', size_class: 'Size class of the commune', population: 'Population (INSEE)' };
const TileJson = Type.Object({
  tilejson: Type.Literal('3.0.0'), name: Type.String(), description: Type.String(), attribution: Type.String(), scheme: Type.Literal('xyz'),
  tiles: Type.Array(Type.String()), minzoom: Type.Integer(), maxzoom: Type.Integer(), bounds: Type.Array(Type.Number()), center: Type.Array(Type.Number()),
  vector_layers: Type.Array(Type.Object({ id: Type.String(), description: Type.String(), minzoom: Type.Integer(), maxzoom: Type.Integer(), fields: Type.Record(Type.String(), Type.String()) }, { additionalProperties: false })),
}, { additionalProperties: false });

export async function tileRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const encoder: TileEncoder = app.databaseVersions.hasMvt ? 'postgis' : 'js';
  // Encoded tiles by data version, reader's filter and address (SILLAGE_TILE_CACHE_MB; 0: none).
  const cache = new TileCache(app.config.tileCacheBytes);
  /** The cached tile of `key`, or the one `make` builds (then cached). */
  const cachedTile = async (key: string, make: () => Promise<{ bytes: Uint8Array; count: number }>): Promise<CachedTile> => {
    const hit = cache.get(key);
    if (hit) return hit;
    const { bytes, count } = await make();
    return cache.set(key, bytes, count);
  };
  /** Sends the tile with its strong ETag; a matching If-None-Match gets 304 without a body. */
  const sendTile = (request: FastifyRequest, reply: FastifyReply, tile: CachedTile, cacheControl: string) => {
    reply.type('application/vnd.mapbox-vector-tile').header('cache-control', cacheControl).header('etag', tile.etag);
    if (request.headers['if-none-match'] === tile.etag) return reply.status(304).send();
    return reply.send(Buffer.from(tile.bytes.buffer, tile.bytes.byteOffset, tile.bytes.byteLength));
  };
  const base = publicOrigin;
  const tileJson = (request: FastifyRequest, name: string, description: string, layers: { id: string; description: string; fields: Record<string, string> }[], range: { minzoom: number; maxzoom: number }) => ({
    tilejson: '3.0.0' as const, name, description, attribution: 'Sillage — contours IGN Admin Express, Licence Ouverte Etalab 2.0', scheme: 'xyz' as const,
    tiles: [`${base(request)}/tiles/${name}/{z}/{x}/{y}.mvt`], minzoom: range.minzoom, maxzoom: range.maxzoom, bounds: [-5.8, 41.2, 10, 51.3], center: [2.35, 46.6, Math.max(5, range.minzoom)],
    vector_layers: layers.map((l) => ({ ...l, minzoom: range.minzoom, maxzoom: range.maxzoom })),
  });
  const tileParams = Type.Object({
    z: Type.Integer({ minimum: 0, maximum: deepestTileZoom, description: 'Zoom; outside the tileset\'s range (its TileJSON) the tile is empty' }),
    x: Type.Integer({ minimum: 0 }), y: Type.Integer({ minimum: 0 }),
  });
  const checkTile = (tile: { z: number; x: number; y: number }) => {
    if (!isValidTile(tile)) throw new InvalidInputError([{ field: 'params.x', reason: `tile ${tile.z}/${tile.x}/${tile.y} does not exist (x and y must be below 2^z)` }]);
  };
  const dealPointRange = tileZoomRanges.dealPoints;
  const communeRange = tileZoomRanges.communes;

  app.get('/tiles/deal-points.json', {
    config: { access: preciseReaders },
    schema: { tags: ['tiles'], summary: 'TileJSON 3.0 of the deal point tiles (layer deal_points and its fields), for QGIS and MapLibre', operationId: 'dealPointTileJson', response: { 200: TileJson, ...errorResponses } },
  }, async (request) => tileJson(request, 'deal-points', `Deal points of your departments (all for OFAST); the query parameters of the tiles (at, status, dataset, from, to, min_sources) apply; empty below zoom ${dealPointRange.minzoom}`, [{ id: 'deal_points', description: 'Deal points (feature id: the deal point id)', fields: pointFields }], dealPointRange));

  app.get('/tiles/communes.json', {
    config: { access: 'public' },
    schema: { tags: ['tiles'], summary: 'TileJSON 3.0 of the commune tiles (layers communes and commune_labels)', operationId: 'communeTileJson', response: { 200: TileJson, ...errorResponses } },
  }, async (request) => tileJson(request, 'communes', `Communes with size class; empty below zoom ${communeRange.minzoom}`, [
    { id: 'communes', description: 'Commune outlines (the larger communes only at low zooms)', fields: communeFields },
    { id: 'commune_labels', description: 'Commune names at their centre', fields: communeFields },
  ], communeRange));
  app.get('/tiles/deal-points/:z/:x/:y.mvt', {
    config: { access: preciseReaders, audit: 'read_precise', replica: true },
    schema: {
      tags: ['tiles'],
      summary: `Mapbox vector tile of deal points (layer deal_points, feature id the deal point id: status on \`at\`, source, dataset, active periods as months active_from, active_until, reopened_from, reopened_until); empty outside zooms ${dealPointRange.minzoom}-${dealPointRange.maxzoom}`,
      params: tileParams,
      querystring: Type.Object({
        at: Type.Optional(Type.String({ format: 'date', description: 'Date on which statuses are evaluated (default today)' })),
        status: Type.Optional(Type.Array(Status)),
        dataset: Type.Optional(Dataset),
        from: Type.Optional(Month('With `to`: keep only points active at some time in this window of months; its first month')),
        to: Type.Optional(Month('Last month of the window')),
        min_sources: Type.Optional(Type.Integer({ minimum: 1, maximum: 7, description: 'Only points confirmed by at least this many independent sources (measure 2)' })),
      }, { additionalProperties: false }),
      response: { 200: fileResponse('Mapbox Vector Tile (protobuf), empty when no point falls in the tile or outside the zoom range', 'application/vnd.mapbox-vector-tile'), ...errorResponses },
    },
  }, async (request, reply) => {
    const tile = request.params;
    checkTile(tile);
    const filter = {
      at: request.query.at ?? today(), statuses: request.query.status ?? null, dataset: request.query.dataset ?? null,
      departments: departmentFilter(request), window: tileWindow(request.query), minimumSources: request.query.min_sources ?? null,
    };
    // The version is read before the data, from the same database (the replica when there is one):
    // an entry can be newer than its key, never older. The audit row still goes to the primary.
    const pool = app.readPool(request);
    const version = await dataVersion(pool);
    const key = `deal-points|${version}|${tile.z}/${tile.x}/${tile.y}|${JSON.stringify(filter)}`;
    // Outside the zoom range: an empty tile (what tile clients expect), not an error.
    const served = await cachedTile(key, () => inZoomRange(tile.z, dealPointRange) ? dealPointTile(pool, tile, filter, encoder) : Promise.resolve({ bytes: new Uint8Array(0), count: 0 }));
    request.auditCount = served.count;
    // Revalidated at each use (the data change and the answer depends on the reader), but a
    // client holding the same bytes gets 304.
    return sendTile(request, reply, served, 'private, no-cache');
  });

  app.get('/tiles/communes/:z/:x/:y.mvt', {
    config: { access: 'public', replica: true },
    schema: {
      tags: ['tiles'],
      summary: `Mapbox vector tile of communes (public reference data): outlines with size class (layer communes) and names (layer commune_labels), the smaller communes from higher zooms; empty outside zooms ${communeRange.minzoom}-${communeRange.maxzoom}; feature id the INSEE code as a number (2A/2B as 201/202)`,
      params: tileParams,
      response: { 200: fileResponse('Mapbox Vector Tile (protobuf), empty outside the zoom range', 'application/vnd.mapbox-vector-tile'), ...errorResponses },
    },
  }, async (request, reply) => {
    const tile = request.params;
    checkTile(tile);
    // Outside the zoom range: an empty tile (what tile clients expect), not an error.
    // Reference data, loaded before the server starts: the address is the whole key.
    const served = await cachedTile(`communes|${tile.z}/${tile.x}/${tile.y}`, async () => ({ bytes: inZoomRange(tile.z, communeRange) ? await communeTile(app.readPool(request), tile, encoder) : new Uint8Array(0), count: 0 }));
    return sendTile(request, reply, served, 'public, max-age=86400');
  });
}
