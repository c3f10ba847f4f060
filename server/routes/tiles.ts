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

function tileWindow(query: { from?: string; to?: string }): { from: string; to: string } | null {
  if (query.from === undefined && query.to === undefined) return null;
  if (query.from === undefined || query.to === undefined) throw new InvalidInputError([{ field: `querystring.${query.from === undefined ? 'from' : 'to'}`, reason: 'from and to go together' }]);
  const { window, problems } = parseMonthWindow(query.from, query.to, { maxMonths: 240 });
  if (problems.length) throw new InvalidInputError(problems);
  return { from: monthStart(window.from), to: monthStart(window.to) };
}

export async function tileRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const encoder: TileEncoder = app.databaseVersions.hasMvt ? 'postgis' : 'js';
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
      }, { additionalProperties: false }),
      response: { 200: Type.Unsafe<Buffer>({ description: 'Mapbox Vector Tile (protobuf), empty when no point falls in the tile' }), ...errorResponses },
    },
  }, async (request, reply) => {
    const tile = request.params;
    if (!isValidTile(tile)) throw new InvalidInputError([{ field: 'params.x', reason: `tile ${tile.z}/${tile.x}/${tile.y} does not exist (x and y must be below 2^z)` }]);
    const { bytes, count } = await dealPointTile(app.db.pool, tile, {
      at: request.query.at ?? today(), statuses: request.query.status ?? null, dataset: request.query.dataset ?? null,
      departments: departmentFilter(request), window: tileWindow(request.query),
    }, encoder);
    request.auditCount = count;
    return reply.type('application/vnd.mapbox-vector-tile').header('cache-control', 'no-cache').send(Buffer.from(bytes));
  });

  app.get('/tiles/communes/:z/:x/:y.mvt', {
    config: { access: 'public' },
    schema: {
      tags: ['tiles'],
      summary: `Mapbox vector tile of communes (public reference data): outlines with size class (layer communes) and names (layer commune_labels), the smaller communes from higher zooms; from zoom ${communeTileMinZoom}`,
      params: Type.Object({ z: Type.Integer({ minimum: communeTileMinZoom, maximum: 22 }), x: Type.Integer({ minimum: 0 }), y: Type.Integer({ minimum: 0 }) }),
      response: { 200: Type.Unsafe<Buffer>({ description: 'Mapbox Vector Tile (protobuf)' }), ...errorResponses },
    },
  }, async (request, reply) => {
    const tile = request.params;
    if (!isValidTile(tile)) throw new InvalidInputError([{ field: 'params.x', reason: `tile ${tile.z}/${tile.x}/${tile.y} does not exist (x and y must be below 2^z)` }]);
    const bytes = await communeTile(app.db.pool, tile, encoder);
    return reply.type('application/vnd.mapbox-vector-tile').header('cache-control', 'public, max-age=86400').send(Buffer.from(bytes));
  });
}
