import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses } from '../schemas/common.js';
import { signIn, signOut } from '../services/auth.js';
import { recordAudit } from '../services/audit.js';
import { cookieOptions, sessionCookie } from '../plugins/access.js';
import { DomainError } from '../errors.js';

const Me = Type.Object({
  user: Type.Union([Type.Object({ username: Type.String(), role: Type.String(), departments: Type.Array(Type.String()) }), Type.Null()]),
  csrf_token: Type.Union([Type.String(), Type.Null()]),
});

export async function authRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['auth'];
  app.post('/api/auth/sign-in', {
    config: {
      access: 'public',
      // Per address and username: slows password guessing without locking out the real user elsewhere.
      rateLimit: { max: app.config.signInRateLimitPerMinute, timeWindow: '1 minute', keyGenerator: (request) => `${request.ip}:${(request.body as { username?: string })?.username ?? ''}` },
    },
    schema: {
      tags, summary: 'Sign in: sets an HTTP-only session cookie and returns the CSRF token to send as x-csrf-token',
      body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
      response: { 200: Me, ...errorResponses },
    },
  }, async (request, reply) => {
    const session = await signIn(app.db.pool, request.body.username, request.body.password);
    const audit = { method: 'POST', route: '/api/auth/sign-in', area: null, timeWindow: null, recordCount: null };
    if (!session) {
      await recordAudit(app.db.pool, { ...audit, principal: null, username: request.body.username.slice(0, 64), action: 'sign_in_failed', statusCode: 401 });
      throw new DomainError(401, 'bad_credentials', 'unknown username or wrong password', [{ field: 'password', reason: 'does not match' }]);
    }
    await recordAudit(app.db.pool, { ...audit, principal: session.principal, action: 'sign_in', statusCode: 200 });
    reply.setCookie(sessionCookie, session.token, cookieOptions(app.config.secureCookies, session.expiresAt));
    const { username, role, departments } = session.principal;
    return { user: { username, role, departments }, csrf_token: session.csrfToken };
  });

  app.post('/api/auth/sign-out', {
    config: { access: 'signed_in', audit: 'sign_out' },
    schema: { tags, summary: 'Sign out (ends the session)', response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    await signOut(app.db.pool, request.cookies[sessionCookie]!);
    reply.clearCookie(sessionCookie, { path: '/' });
    return reply.status(204).send(null);
  });

  app.get('/api/auth/me', {
    config: { access: 'public' },
    schema: { tags, summary: 'The signed-in user (null when signed out) and the CSRF token', response: { 200: Me } },
  }, async (request) => {
    if (!request.principal) return { user: null, csrf_token: null };
    const { username, role, departments } = request.principal;
    return { user: { username, role, departments }, csrf_token: request.csrfToken };
  });
}
