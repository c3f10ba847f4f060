/** Reliability of the registry (measure 2): the analysts' review list of points to confirm. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DepartmentCode, QueryDate, errorResponses } from '../schemas/common.js';
import { Reliability } from '../schemas/reliability.js';
import { analysts } from '../domain/access.js';
import { today } from '../domain/dates.js';
import { pointReliability } from '../services/reliability.js';
import { departmentFilter } from './scope.js';

export async function reliabilityRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api/registry/reliability', {
    config: { access: analysts, audit: 'read_precise' },
    schema: {
      tags: ['registry'],
      summary: 'Per point: independent sources, last confirmation, days since the last observation; active points unconfirmed for N months are flagged',
      querystring: Type.Object({
        department: Type.Optional(DepartmentCode),
        unconfirmed_months: Type.Optional(Type.Integer({ minimum: 1, maximum: 120, default: 6, description: 'An active point with no observation or status change for this many months is flagged' })),
        min_sources: Type.Optional(Type.Integer({ minimum: 1, maximum: 7, default: 1, description: 'Only points confirmed by at least this many independent sources' })),
        flagged: Type.Optional(Type.Boolean({ default: false, description: 'Only the flagged points' })),
        as_of: Type.Optional(QueryDate),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
      }, { additionalProperties: false }),
      response: {
        200: Reliability,
        ...errorResponses,
      },
    },
  }, async (request) => {
    const q = request.query;
    const parameters = { as_of: q.as_of ?? today(), unconfirmed_months: q.unconfirmed_months ?? 6, min_sources: q.min_sources ?? 1, flagged: q.flagged ?? false };
    const result = await pointReliability(app.db.pool, {
      departments: departmentFilter(request, q.department), asOf: parameters.as_of, unconfirmedMonths: parameters.unconfirmed_months,
      minimumSources: parameters.min_sources, flaggedOnly: parameters.flagged, limit: q.limit ?? 200,
    });
    request.auditCount = result.items.length;
    return { ...result, parameters };
  });
}
