import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AnyRecord, Bbox, Dataset, DepartmentCode, StringEnum, errorResponses } from '../schemas/common.js';
import { aggregateReaders, finestAggregateResolution, inPreciseScope, servedCount } from '../domain/access.js';
import { countByCell, countByCommune, countByDepartment, cellFeature } from '../services/aggregates.js';
import { today } from '../services/deal-points.js';
import { parseBbox } from '../services/filters.js';
import { DomainError } from '../errors.js';

export async function aggregateRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api/aggregates/deal-points', {
    config: { access: aggregateReaders },
    schema: {
      tags: ['aggregates'],
      summary: 'Active deal points counted per H3 cell, commune or department on a date (deputies: H3 no finer than 7, counts below 5 shown as "< 5")',
      querystring: Type.Object({
        group: StringEnum(['h3', 'commune', 'department'] as const),
        resolution: Type.Optional(Type.Integer({ minimum: 5, maximum: 9, default: 7, description: 'H3 resolution (group=h3)' })),
        at: Type.Optional(Type.String({ format: 'date' })),
        bbox: Type.Optional(Bbox),
        department: Type.Optional(DepartmentCode),
        dataset: Type.Optional(Dataset),
      }, { additionalProperties: false }),
      response: { 200: AnyRecord, ...errorResponses },
    },
  }, async (request) => {
    const query = request.query;
    const principal = request.principal;
    const filter = {
      at: query.at ?? today(), bbox: query.bbox ? parseBbox(query.bbox, 'bbox') : null,
      departments: query.department ? [query.department] : null, dataset: query.dataset ?? null,
    };
    const serve = <T extends { count: number }>(row: T) => ({ ...row, ...servedCount(row.count, principal) });
    if (query.group === 'h3') {
      const resolution = query.resolution ?? 7;
      const inScope = query.department !== undefined && inPreciseScope(principal, query.department);
      const finest = finestAggregateResolution(principal, inScope);
      if (resolution > finest) {
        throw new DomainError(403, 'too_fine', `resolution ${resolution} is finer than your role allows here (${finest}${principal?.role === 'departmental_analyst' || principal?.role === 'prefect' ? '; 9 within your departments, with department=' : ''})`, [{ field: 'querystring.resolution', reason: `at most ${finest}` }]);
      }
      const counts = await countByCell(app.db.pool, resolution, filter);
      return {
        type: 'FeatureCollection', resolution, at: filter.at,
        features: [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([cell, count]) => cellFeature(cell, servedCount(count, principal))),
      };
    }
    if (query.group === 'commune') return { at: filter.at, items: (await countByCommune(app.db.pool, filter)).map(serve) };
    return { at: filter.at, items: (await countByDepartment(app.db.pool, filter)).map(serve) };
  });
}
