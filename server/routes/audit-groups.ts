/** The admin's journal with tile reads grouped (one row per session, hour and zoom), paged. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { QueryDate, StringEnum, errorResponses } from '../schemas/common.js';
import { GroupedAudit } from '../schemas/audit.js';
import { auditActions } from '../services/audit.js';
import { groupedAudit } from '../services/audit-groups.js';

/** The journal's username filters, the same on its list, its CSV export and its grouped reading. */
export const auditUsernameFilters = {
  username: Type.Optional(Type.String({ maxLength: 64, description: 'Exactly this username' })),
  username_contains: Type.Optional(Type.String({ maxLength: 64, description: 'Usernames containing this text (any case; % and _ taken literally)' })),
};

export async function auditGroupRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api/admin/audit/grouped', {
    config: { access: ['admin'], audit: 'admin' },
    schema: {
      tags: ['admin'], summary: 'The audit trail, newest first, tile reads grouped per session, hour, tile route and zoom level; exact or partial username',
      querystring: Type.Object({
        from: Type.Optional(QueryDate), to: Type.Optional(QueryDate),
        ...auditUsernameFilters, action: Type.Optional(StringEnum(auditActions)),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })), offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000000, default: 0 })),
      }, { additionalProperties: false }),
      response: {
        200: GroupedAudit,
        ...errorResponses,
      },
    },
  }, async (request) => groupedAudit(app.db.pool, { ...request.query, limit: request.query.limit ?? 50, offset: request.query.offset ?? 0 }));
}
