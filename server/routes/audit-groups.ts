/** The admin's journal with tile reads grouped (one row per session, hour and zoom), paged. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Closed, OrNull, QueryDate, Timestamp, StringEnum, errorResponses } from '../schemas/common.js';
import { auditActions } from '../services/audit.js';
import { groupedAudit } from '../services/audit-groups.js';

/** The journal's username filters, the same on its list, its CSV export and its grouped reading. */
export const auditUsernameFilters = {
  username: Type.Optional(Type.String({ maxLength: 64, description: 'Exactly this username' })),
  username_contains: Type.Optional(Type.String({ maxLength: 64, description: 'Usernames containing this text (any case; % and _ taken literally)' })),
};

const Str = Type.String();

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
        200: Closed({
          items: Type.Array(Closed({
            id: Type.Integer(), first_at: Timestamp, occurred_at: Timestamp, username: OrNull(Str), role: OrNull(Str), action: Str, method: OrNull(Str), route: OrNull(Str),
            status_code: OrNull(Type.Integer()), session_ref: OrNull(Str), area: OrNull(Str),
            tiles: OrNull(Closed({ z: OrNull(Type.Integer()), x_min: OrNull(Type.Integer()), x_max: OrNull(Type.Integer()), y_min: OrNull(Type.Integer()), y_max: OrNull(Type.Integer()) }, { description: 'The tiles of a grouped row (null: an address out of range)' })),
            time_window: OrNull(Str), record_count: OrNull(Type.Integer()), entries: Type.Integer(), grouped: Type.Boolean({ description: 'Tile reads of one session and hour grouped into this row' }),
          })),
          next_offset: Type.Union([Type.Integer(), Type.Null()]),
        }),
        ...errorResponses,
      },
    },
  }, async (request) => groupedAudit(app.db.pool, { ...request.query, limit: request.query.limit ?? 50, offset: request.query.offset ?? 0 }));
}
