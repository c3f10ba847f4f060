/** Reliability of the registry (measure 2): the analysts' review list of points to confirm. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Closed, DepartmentCode, OrNull, QueryDate, errorResponses } from '../schemas/common.js';
import { analysts } from '../domain/access.js';
import { today } from '../domain/dates.js';
import { pointReliability } from '../services/reliability.js';
import { departmentFilter } from './scope.js';

const Str = Type.String();

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
        200: Closed({
          total: Type.Integer({ description: 'Points matching, beyond the limit too' }),
          items: Type.Array(Closed({
            id: Type.Integer(), source: Str, external_id: OrNull(Str), verification: Str, commune_name: Str, department_code: Str,
            sources: Type.Array(Str, { description: 'Independent sources that reported or observed it' }), sources_count: Type.Integer(), status: OrNull(Str),
            last_confirmed_on: OrNull(Str), last_observed_on: OrNull(Str), days_since_observation: OrNull(Type.Integer()), flagged: Type.Boolean(),
          })),
          by_sources: Type.Array(Closed({ sources: Type.Integer(), points: Type.Integer(), flagged: Type.Integer() })),
          parameters: Closed({ as_of: Str, unconfirmed_months: Type.Integer(), min_sources: Type.Integer(), flagged: Type.Boolean() }),
        }),
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
