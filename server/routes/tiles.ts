import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Dataset, errorResponses } from '../schemas/common.js';
import { Status } from '../schemas/deal-points.js';
import { isValidTile } from '../domain/tile-coordinates.js';
import { InvalidInputError } from '../errors.js';
import { communeTile, dealPointTile, type TileEncoder } from '../services/tiles.js';
import { communeTileMinZoom } from '../domain/commune-tiles.js';
import { today } from '../domain/dates.js';
import { preciseReaders } from '../domain/access.js';
import { departmentFilter } from './scope.js';
import { monthPattern, monthStart, parseMonthWindow } from '../domain/months.js';
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

function tileWindow(query: { from?: string; to?: string }): { from: string; to: string } | null {
  if (query.from === undefined && query.to === undefined) return null;
  if (query.from === undefined || query.to === undefined) throw new InvalidInputError([{ field: `querystring.${query.from === undefined ? 'from' : 'to'}`, reason: 'from and to go together' }]);
  const { window, problems } = parseMonthWindow(query.from, query.to, { maxMonths: 240 });
  if (problems.length) throw new InvalidInputError(problems);
  return { from: monthStart(window.from), to: monthStart(window.to) };
}

/** Strong ETag of a tile's bytes; a matching If-None-Match gets 304 without a body. */
function etagOf(bytes: Uint8Array): string {
  return `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;
}

const pointFields = {
  id: 'Deal point id (also the feature id)', status: 'Status on the date `at`: active, dismantled, reopened, candidate...',
  source: 'Reporting service', dataset: 'real or synthetic',
  f0: 'First active period: index of its first month (months since 2000-01)', l0: 'First active period: index of its last month, 99999 while still active, -1 when none',
  f1: 'Second active period: first month index', l1: 'Second active period: last month index (99999 open, -1 none)',
};
const communeFields = { insee: 'INSEE code', name: 'Name', size_class: 'Size class of the commune', population: 'Population (INSEE)' };
const TileJson = Type.Object({
  tilejson: Type.Literal('3.0.0'), name: Type.String(), description: Type.String(), attribution: Type.String(), scheme: Type.Literal('xyz'),
  tiles: Type.Array(Type.String()), minzoom: Type.Integer(), maxzoom: Type.Integer(), bounds: Type.Array(Type.Number()), center: Type.Array(Type.Number()),
  vector_layers: Type.Array(Type.Object({ id: Type.String(), description: Type.String(), minzoom: Type.Integer(), maxzoom: Type.Integer(), fields: Type.Record(Type.String(), Type.String()) }, { additionalProperties: false })),
}, { additionalProperties: false });

export async function tileRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const encoder: TileEncoder = app.databaseVersions.hasMvt ? 'postgis' : 'js';
  const sendTile = (request: FastifyRequest, reply: FastifyReply, bytes: Uint8Array, cacheControl: string) => {
    const etag = etagOf(bytes);
    reply.type('application/vnd.mapbox-vector-tile').header('cache-control', cacheControl).header('etag', etag);
    if (request.headers['if-none-match'] === etag) return reply.status(304).send();
    return reply.send(Buffer.from(bytes));
  };
  const base = (request: FastifyRequest) => `${request.protocol}://${request.headers.host ?? 'localhost'}`;
  const tileJson = (request: FastifyRequest, name: string, description: string, layers: { id: string; description: string; minzoom: number; fields: Record<string, string> }[], minzoom: number) => ({
    tilejson: '3.0.0' as const, name, description, attribution: 'Sillage — contours IGN Admin Express, Licence Ouverte Etalab 2.0', scheme: 'xyz' as const,
    tiles: [`${base(request)}/tiles/${name}/{z}/{x}/{y}.mvt`], minzoom, maxzoom: 22, bounds: [-5.8, 41.2, 10, 51.3], center: [2.35, 46.6, 5],
    vector_layers: layers.map((l) => ({ ...l, maxzoom: 22 })),
  });

  app.get('/tiles/deal-points.json', {
    config: { access: preciseReaders },
    schema: { tags: ['tiles'], summary: 'TileJSON 3.0 of the deal point tiles (layer deal_points and its fields), for QGIS and MapLibre', operationId: 'dealPointTileJson', response: { 200: TileJson, ...errorResponses } },
  }, async (request) => tileJson(request, 'deal-points', 'Deal points of your departments (all for OFAST); the query parameters of the tiles (at, status, dataset, from, to, min_sources) apply', [{ id: 'deal_points', description: 'Deal points', minzoom: 0, fields: pointFields }], 0));

  app.get('/tiles/communes.json', {
    config: { access: 'public' },
    schema: { tags: ['tiles'], summary: 'TileJSON 3.0 of the commune tiles (layers communes and commune_labels)', operationId: 'communeTileJson', response: { 200: TileJson, ...errorResponses } },
  }, async (request) => tileJson(request, 'communes', `Communes with size class; empty below zoom ${communeTileMinZoom}`, [
    { id: 'communes', description: 'Commune outlines (the larger communes only at low zooms)', minzoom: communeTileMinZoom, fields: communeFields },
    { id: 'commune_labels', description: 'Commune names at their centre', minzoom: communeTileMinZoom, fields: communeFields },
  ], 0));
  app.get('/tiles/deal-points/:z/:x/:y.mvt', {
    config: { access: preciseReaders, audit: 'read_precise' },
    schema: {
      tags: ['tiles'],
      summary: 'Mapbox vector tile of deal points (layer deal_points: id, status on `at`, source, dataset, and active periods as month indices f0, l0, f1, l1)',
      params: Type.Object({ z: Type.Integer({ minimum: 0, maximum: 22 }), x: Type.Integer({ minimum: 0 }), y: Type.Integer({ minimum: 0 }) }),
      querystring: Type.Object({
        at: Type.Optional(Type.String({ format: 'date', description: 'Date on which statuses are evaluated (default today)' })),
        status: Type.Optional(Type.Array(Status)),
        dataset: Type.Optional(Dataset),
        from: Type.Optional(Type.String({ pattern: monthPattern, description: 'With `to`: keep only points active at some time in this window of months (YYYY-MM)' })),
        to: Type.Optional(Type.String({ pattern: monthPattern, description: 'Last month of the window (YYYY-MM)' })),
        min_sources: Type.Optional(Type.Integer({ minimum: 1, maximum: 7, description: 'Only points confirmed by at least this many independent sources (measure 2)' })),
      }, { additionalProperties: false }),
      response: { 200: Type.Unsafe<Buffer>({ description: 'Mapbox Vector Tile (protobuf), empty when no point falls in the tile' }), ...errorResponses },
    },
  }, async (request, reply) => {
    const tile = request.params;
    if (!isValidTile(tile)) throw new InvalidInputError([{ field: 'params.x', reason: `tile ${tile.z}/${tile.x}/${tile.y} does not exist (x and y must be below 2^z)` }]);
    const { bytes, count } = await dealPointTile(app.db.pool, tile, {
      at: request.query.at ?? today(), statuses: request.query.status ?? null, dataset: request.query.dataset ?? null,
      departments: departmentFilter(request), window: tileWindow(request.query), minimumSources: request.query.min_sources ?? null,
    }, encoder);
    request.auditCount = count;
    // Revalidated at each use (the data change and the answer depends on the reader), but a
    // client holding the same bytes gets 304.
    return sendTile(request, reply, bytes, 'private, no-cache');
  });

  app.get('/tiles/communes/:z/:x/:y.mvt', {
    config: { access: 'public' },
    schema: {
      tags: ['tiles'],
      summary: `Mapbox vector tile of communes (public reference data): outlines with size class (layer communes) and names (layer commune_labels), the smaller communes from higher zooms; empty below zoom ${communeTileMinZoom}`,
      params: Type.Object({ z: Type.Integer({ minimum: 0, maximum: 22 }), x: Type.Integer({ minimum: 0 }), y: Type.Integer({ minimum: 0 }) }),
      response: { 200: Type.Unsafe<Buffer>({ description: 'Mapbox Vector Tile (protobuf)' }), ...errorResponses },
    },
  }, async (request, reply) => {
    const tile = request.params;
    if (!isValidTile(tile)) throw new InvalidInputError([{ field: 'params.x', reason: `tile ${tile.z}/${tile.x}/${tile.y} does not exist (x and y must be below 2^z)` }]);
    // Outside the zoom range: an empty tile (what tile clients expect), not an error.
    const bytes = tile.z < communeTileMinZoom ? new Uint8Array(0) : await communeTile(app.db.pool, tile, encoder);
    return sendTile(request, reply, bytes, 'public, max-age=86400');
  });
}
