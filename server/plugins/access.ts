/**
 * Access control and audit for every route. Each route declares `config.access` (who may call it)
 * and, when it reads precise data, exports or writes, `config.audit`; a route without an access
 * declaration stops the server at start-up, so no endpoint can skip this layer.
 * Sessions: an HTTP-only, SameSite=Strict cookie; unsafe methods also need the session's CSRF token
 * in the `x-csrf-token` header.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import { isAllowed, type Access, type Principal } from '../domain/access.js';
import { sessionFor } from '../services/auth.js';
import { credentialsFrom, principalForToken } from '../services/access-tokens.js';
import { AuditBatch, journalSessionRef, recordAudit, type AuditAction } from '../services/audit.js';
import { DomainError } from '../errors.js';
import { DatabaseUnavailableError } from './error-handler.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route's access rule, "METHOD /url" -> rule (for the access matrix test and the docs). */
    routeAccess: Map<string, Access>;
    /** Every route's schema, "METHOD /url" -> schema (for the fuzz test). */
    routeSchemas: Map<string, unknown>;
    /** Journal rows of tile reads, written in batches. */
    tileAudit: AuditBatch;
  }
  interface FastifyContextConfig {
    access?: Access;
    audit?: AuditAction;
  }
  interface FastifyRequest {
    principal: Principal | null;
    csrfToken: string | null;
    /** Records a response carried, for the audit trail (set by handlers whose payload is not JSON). */
    auditCount?: number;
    /** What the request touched beyond its URL (an account, a probed deal point), for the audit trail. */
    auditDetail?: string;
    /** The personal access token the request came with (Authorization header), if any. */
    accessTokenId?: number;
    /** The journal's reference to the session or access token the request came with (journalSessionRef). */
    sessionRef?: string;
  }
}

export const sessionCookie = 'sillage_session';
const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Area and time window of a request, as the audit trail records them. */
function describeRequest(request: FastifyRequest): { area: string | null; timeWindow: string | null } {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const params = (request.params ?? {}) as Record<string, unknown>;
  const area = ['bbox', 'department', 'commune', 'insee'].filter((k) => query[k] !== undefined).map((k) => `${k}=${query[k]}`);
  for (const [k, v] of Object.entries(params)) area.push(`${k}=${v}`);
  if (request.auditDetail) area.push(request.auditDetail);
  if (request.accessTokenId !== undefined) area.push(`via_token=${request.accessTokenId}`);
  const time = ['at', 'from', 'to', 'year'].filter((k) => query[k] !== undefined).map((k) => `${k}=${query[k]}`);
  return { area: area.length ? area.join('&') : null, timeWindow: time.length ? time.join('&') : null };
}

function countRecords(payload: unknown): number | null {
  if (!payload || typeof payload !== 'object') return null;
  const p = payload as { features?: unknown[]; items?: unknown[]; rows?: number };
  if (Array.isArray(p.features)) return p.features.length;
  if (Array.isArray(p.items)) return p.items.length;
  if (typeof p.rows === 'number') return p.rows;
  return 1;
}

export async function registerAccess(app: FastifyInstance): Promise<void> {
  await app.register(cookie);
  app.decorateRequest('principal', null);
  app.decorateRequest('csrfToken', null);
  const routeAccess = new Map<string, Access>();
  app.decorate('routeAccess', routeAccess);
  const routeSchemas = new Map<string, unknown>();
  app.decorate('routeSchemas', routeSchemas);

  app.addHook('onRoute', (route) => {
    const url = route.url ?? route.path;
    // Routes added by plugins: the documentation pages and the web client's static files are public.
    // Data only ever lives under /api and /tiles, whose routes must all declare their rule.
    const isData = url.startsWith('/api/') || url.startsWith('/tiles/') || url === '/ogc' || url.startsWith('/ogc/');
    if (!route.config?.access && (url.startsWith('/api/docs') || !isData)) {
      route.config = { ...route.config, access: 'public' };
    }
    if (!route.config?.access) throw new Error(`route ${route.method} ${url} declares no access rule (config.access)`);
    // The OpenAPI document says how to authenticate each operation that is not public.
    if (route.config.access !== 'public' && route.schema && !(route.schema as { hide?: boolean }).hide) {
      route.schema = { ...route.schema, security: [{ session: [] }, { accessToken: [] }, { accessTokenBasic: [] }] } as typeof route.schema;
    }
    for (const method of [route.method].flat()) {
      routeAccess.set(`${method} ${url}`, route.config.access);
      routeSchemas.set(`${method} ${url}`, route.schema ?? {});
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    const token = request.cookies[sessionCookie];
    // GIS clients: a personal access token as `Authorization: Bearer` or as the password of HTTP
    // Basic (what QGIS sends). Read-only; it stands for its owner with the same role rules.
    const credentials = credentialsFrom(request.headers.authorization);
    if (credentials) {
      const opened = credentials === 'malformed' ? null : await principalForToken(app.db.pool, credentials.token, credentials.username);
      if (!opened) {
        reply.header('www-authenticate', 'Basic realm="Sillage", charset="UTF-8"');
        throw new DomainError(401, 'bad_token', 'unknown, expired or revoked access token (send it as "Authorization: Bearer <token>", or as the password of HTTP Basic with your username)', [{ field: 'authorization', reason: 'invalid token' }]);
      }
      request.principal = opened.principal;
      request.accessTokenId = opened.tokenId;
      if (credentials !== 'malformed') request.sessionRef = journalSessionRef(credentials.token) ?? undefined;
      if (!['GET', 'HEAD'].includes(request.method)) {
        throw new DomainError(403, 'read_only_token', 'an access token only reads (GET): sign in to write', [{ field: 'authorization', reason: 'read-only token' }]);
      }
    } else if (token) {
      const session = await sessionFor(app.db.pool, token);
      if (session) {
        request.principal = session.principal;
        request.csrfToken = session.csrfToken;
        request.sessionRef = journalSessionRef(token) ?? undefined;
      } else {
        reply.clearCookie(sessionCookie, { path: '/' });
      }
    }
    const access = request.routeOptions.config.access ?? 'public';
    if (!isAllowed(access, request.principal)) {
      // OGC API clients may wait for a challenge before sending HTTP Basic (username + access token).
      if (!request.principal && (request.routeOptions.url ?? '').startsWith('/ogc')) reply.header('www-authenticate', 'Basic realm="Sillage", charset="UTF-8"');
      if (!request.principal) throw new DomainError(401, 'unauthenticated', 'sign in first: this route needs an account', [{ field: 'session', reason: 'missing or expired' }]);
      throw new DomainError(403, 'forbidden', `the role ${request.principal.role} may not call ${request.method} ${request.routeOptions.url}`, [{ field: 'role', reason: `not allowed for ${request.principal.role}` }]);
    }
    if (request.principal && unsafeMethods.has(request.method) && request.headers['x-csrf-token'] !== request.csrfToken) {
      throw new DomainError(403, 'csrf', 'missing or wrong x-csrf-token header: reload the page and retry', [{ field: 'x-csrf-token', reason: 'does not match the session' }]);
    }
  });

  app.addHook('preSerialization', async (request, _reply, payload) => {
    if (request.routeOptions.config.audit && request.auditCount === undefined) request.auditCount = countRecords(payload) ?? undefined;
    return payload;
  });

  // Before the answer leaves, so that nothing is served without its audit row. The hook never turns
  // a refusal into a 5xx; data whose audit row cannot be written is not served (503).
  const tileAudit = new AuditBatch(app.db.pool, {
    flushMs: app.config.auditFlushMs, maxRows: 500,
    onError: (error) => app.log.error({ code: (error as { code?: string }).code }, 'audit rows not written yet (kept for the next flush)'),
  });
  app.decorate('tileAudit', tileAudit);
  app.addHook('onClose', async () => { await tileAudit.flush(); });
  app.addHook('onSend', async (request, reply, payload) => {
    const action = request.routeOptions.config.audit;
    if (!action) return payload;
    const { area, timeWindow } = describeRequest(request);
    const route = request.routeOptions.url ?? request.url.split('?')[0];
    const entry = {
      principal: request.principal, action, method: request.method, route,
      statusCode: reply.statusCode, area, timeWindow, recordCount: reply.statusCode < 400 ? request.auditCount ?? null : 0,
      sessionRef: request.sessionRef ?? null,
    };
    // Tiles come by dozens per map view: their rows go in batches (flushed on a timer and on close).
    if (route.startsWith('/tiles/')) { tileAudit.add(entry); return payload; }
    try {
      await recordAudit(app.db.pool, entry);
    } catch (error) {
      request.log.error({ code: (error as { code?: string }).code }, 'audit row not written');
      if (reply.statusCode >= 400) return payload;
      const unavailable = new DatabaseUnavailableError();
      reply.code(503).header('retry-after', '5').type('application/json; charset=utf-8');
      reply.removeHeader('content-disposition');
      return JSON.stringify({ error: unavailable.code, message: unavailable.message, details: unavailable.details });
    }
    return payload;
  });

}

export function cookieOptions(secure: boolean, expires: Date) {
  return { path: '/', httpOnly: true, sameSite: 'strict' as const, secure, expires };
}
