import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Closed, ListOf, OrNull, Timestamp, IdParams, QueryDate, StringEnum, errorResponses } from '../schemas/common.js';
import { AccountList, ActiveAccount, ActiveBody, Activation, ApprovedAccount, InviteBody, Invited, PendingList } from '../schemas/accounts.js';
import { approveAccount, inviteUser, listUsers, pendingAccounts, resetActivation, setUserActive } from '../services/auth.js';
import { NotFoundError } from '../errors.js';
import { auditActions, listAudit } from '../services/audit.js';
import { auditUsernameFilters } from './audit-groups.js';
import { stringify } from 'csv-stringify/sync';
import { pageLinks } from './origin.js';

/**
 * A journal cell for a spreadsheet: a value that would start a formula (=, +, -, @, tab, carriage
 * return) is prefixed with an apostrophe (OWASP CSV injection); quoting is csv-stringify's.
 */
export function neutralised(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export async function adminRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['admin'];
  const admin = { access: ['admin'] as const, audit: 'admin' as const };

  app.get('/api/admin/users', { config: admin, schema: { tags, summary: 'Accounts (no passwords)', response: { 200: AccountList, ...errorResponses } } }, async () => {
    return { items: await listUsers(app.db.pool) };
  });

  app.post('/api/admin/users', {
    config: admin,
    schema: {
      tags, summary: 'Create an account without a password: answers a one-time activation code (valid 72 h) to hand to its user, who sets their own password at /activer',
      body: InviteBody,
      response: { 201: Invited, ...errorResponses },
    },
  }, async (request, reply) => {
    request.auditDetail = `user=${request.body.username}&role=${request.body.role}&departments=${(request.body.departments ?? []).join(',')}`;
    const invited = await inviteUser(app.db.pool, request.body, request.principal!.userId);
    reply.status(201);
    return { ...invited, username: request.body.username, role: request.body.role, departments: request.body.departments ?? [] };
  });

  app.post('/api/admin/users/:id/activation', {
    config: admin,
    schema: { tags, summary: 'Revoke an account\'s password and sessions and issue a new one-time activation code', params: IdParams, response: { 200: Activation, ...errorResponses } },
  }, async (request) => resetActivation(app.db.pool, request.params.id));

  app.patch('/api/admin/users/:id', {
    config: admin,
    schema: { tags, summary: 'Activate or deactivate an account (deactivating ends its sessions)', params: IdParams, body: ActiveBody, response: { 200: ActiveAccount, ...errorResponses } },
  }, async (request) => {
    request.auditDetail = `active=${request.body.active}`;
    await setUserActive(app.db.pool, request.params.id, request.body.active);
    return { id: request.params.id, active: request.body.active };
  });

  app.get('/api/admin/audit', {
    config: admin,
    schema: {
      tags, summary: 'The audit trail, newest first; format=csv exports it (same filters as the grouped reading: exact or partial username)',
      querystring: Type.Object({
        from: Type.Optional(QueryDate), to: Type.Optional(QueryDate),
        ...auditUsernameFilters, action: Type.Optional(StringEnum(auditActions)),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 200 })), after: Type.Optional(Type.Integer({ minimum: 1 })),
        format: Type.Optional(StringEnum(['json', 'csv'] as const)),
      }, { additionalProperties: false }),
      response: {
        200: Type.Unsafe<unknown>({
          description: 'JSON {items, next, links}, or CSV with format=csv',
          content: {
            'application/json': { schema: ListOf(Closed({
              id: Type.Integer(), occurred_at: Timestamp, username: OrNull(Type.String()), role: OrNull(Type.String()), action: Type.String(),
              method: Type.String(), route: Type.String(), status_code: Type.Integer(), area: OrNull(Type.String()), time_window: OrNull(Type.String()),
              record_count: OrNull(Type.Integer()), session_ref: OrNull(Type.String()),
            })) },
            'text/csv': { schema: { type: 'string', format: 'binary' } },
          },
        }),
        ...errorResponses,
      },
    },
  }, async (request, reply) => {
    const limit = request.query.limit ?? 200;
    const items = await listAudit(app.db.pool, { ...request.query, limit });
    if (request.query.format === 'csv') {
      const columns = ['id', 'occurred_at', 'username', 'role', 'action', 'method', 'route', 'status_code', 'area', 'time_window', 'record_count', 'session_ref'] as const;
      const csv = stringify(items.map((row) => columns.map((c) => neutralised((row as Record<string, unknown>)[c]))), {
        header: true, columns: [...columns], delimiter: ';', quoted_match: /[\r\n;"]/, record_delimiter: '\n', bom: true,
      });
      request.auditCount = items.length;
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="sillage-audit.csv"').send(csv);
    }
    const next = items.length === limit ? items[items.length - 1].id : null;
    return { items, next, links: pageLinks(request, next) };
  });
}

/** The second person: analysts approve the accounts an admin created or reset before they open any data. */
export async function accountApprovalRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['admin'];
  app.get('/api/accounts/pending', {
    config: { access: ['national_analyst', 'departmental_analyst'] },
    schema: { tags, summary: 'Accounts created or reset by an admin that await your approval (OFAST: all; a CROSS: analysts and prefects of its departments)', response: { 200: PendingList, ...errorResponses } },
  }, async (request) => ({ items: await pendingAccounts(app.db.pool, request.principal!) }));

  app.post('/api/accounts/:id/approve', {
    config: { access: ['national_analyst', 'departmental_analyst'], audit: 'admin' },
    schema: { tags, summary: 'Approve an account: confirm, out of band, that it belongs to the person named, then approve', params: IdParams, response: { 200: ApprovedAccount, ...errorResponses } },
  }, async (request) => {
    if (!(await approveAccount(app.db.pool, request.params.id, request.principal!))) throw new NotFoundError('pending account', request.params.id);
    return { id: request.params.id, approved: true as const };
  });
}
