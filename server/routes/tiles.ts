import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Dataset, errorResponses } from '../schemas/common.js';
import { Status } from '../schemas/deal-points.js';
import { isValidTile } from '../domain/tile-coordinates.js';
import { InvalidInputError } from '../errors.js';
import { dealPointTile, type TileEncoder } from '../services/tiles.js';
import { today } from '../services/deal-points.js';
import { preciseReaders } from '../domain/access.js';
import { departmentFilter } from './scope.js';

export async function tileRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const encoder: TileEncoder = app.databaseVersions.hasMvt ? 'postgis' : 'js';
  app.get('/tiles/deal-points/:z/:x/:y.mvt', {
    config: { access: preciseReaders, audit: 'read_precise' },
    schema: {
      tags: ['tiles'],
      summary: 'Mapbox vector tile of deal points (layer deal_points: id, status on `at`, source, dataset)',
      params: Type.Object({ z: Type.Integer({ minimum: 0, maximum: 22 }), x: Type.Integer({ minimum: 0 }), y: Type.Integer({ minimum: 0 }) }),
      querystring: Type.Object({
        at: Type.Optional(Type.String({ format: 'date', description: 'Date on which statuses are evaluated (default today)' })),
        status: Type.Optional(Type.Array(Status)),
        dataset: Type.Optional(Dataset),
      }, { additionalProperties: false }),
      response: { 200: Type.Unsafe<Buffer>({ description: 'Mapbox Vector Tile (protobuf), empty when no point falls in the tile' }), ...errorResponses },
    },
  }, async (request, reply) => {
    const tile = request.params;
    if (!isValidTile(tile)) throw new InvalidInputError([{ field: 'params.x', reason: `tile ${tile.z}/${tile.x}/${tile.y} does not exist (x and y must be below 2^z)` }]);
    const { bytes, count } = await dealPointTile(app.db.pool, tile, {
      at: request.query.at ?? today(), statuses: request.query.status ?? null, dataset: request.query.dataset ?? null,
      departments: departmentFilter(request),
    }, encoder);
    request.auditCount = count;
    return reply.type('application/vnd.mapbox-vector-tile').header('cache-control', 'no-cache').send(Buffer.from(bytes));
  });
}
