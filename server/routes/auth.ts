/**
 * Sign-in, sign-out, activation. Guessing is limited three ways without letting a guesser lock the
 * real user out: failures per client address across usernames (spraying), failures per username
 * across addresses (from the journal, so every server process sees them), and a browser where the
 * user signed in before (a trusted-device cookie) keeps its own budget and is not held by either.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses, rateLimitedResponses } from '../schemas/common.js';
import { ActivateBody, Me, SignInBody } from '../schemas/accounts.js';
import { activateAccount, AwaitingApprovalError, signIn, signOut, trustDevice, trustedDeviceUser } from '../services/auth.js';
import { journalSessionRef, recentFailedSignIns, recordAudit } from '../services/audit.js';
import { cookieOptions, sessionCookie } from '../plugins/access.js';
import { DomainError } from '../errors.js';
import { SharedFailureWindows } from '../services/shared-limits.js';

export const deviceCookie = 'sillage_device';
/** Failures per username (all addresses) before untrusted browsers are held. */
const usernameWindowMinutes = 15;

class TooManyAttempts extends DomainError {
  constructor(readonly retryAfter: number, reason: string) {
    super(429, 'rate_limited', `trop de tentatives : réessayez dans ${retryAfter} s (${reason})`, [{ field: 'username', reason }]);
  }
}

export async function authRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['auth'];
  // Shared by every server process (PostgreSQL); addresses kept only as keyed hashes.
  const perAddress = new SharedFailureWindows(app.db.pool, app.sharedSecret, 'address', 60_000);
  const perDevice = new SharedFailureWindows(app.db.pool, app.sharedSecret, 'device', usernameWindowMinutes * 60_000);
  const addressLimit = app.config.signInRateLimitPerMinute;
  const usernameLimit = app.config.signInFailuresPerUsername;

  const refuse = (reply: FastifyReply, error: TooManyAttempts) => { reply.header('retry-after', String(error.retryAfter)); throw error; };

  /** Throws 429 when this attempt must wait; returns the trusted device token, if any, for this user. */
  const checkLimits = async (request: FastifyRequest, reply: FastifyReply, username: string): Promise<string | null> => {
    const device = request.cookies[deviceCookie] ?? null;
    const trusted = device && (await trustedDeviceUser(app.db.pool, device)) === username ? device : null;
    if (trusted) {
      if (await perDevice.count(trusted) >= usernameLimit) refuse(reply, new TooManyAttempts(await perDevice.retryAfterSeconds(trusted), 'too many failures from this browser'));
      return trusted;
    }
    // Spraying: failures for many usernames from one address (one user's password is the per-username limit's).
    if (await perAddress.distinct(request.ip) >= addressLimit) refuse(reply, new TooManyAttempts(await perAddress.retryAfterSeconds(request.ip), 'too many usernames tried from this address'));
    if (await recentFailedSignIns(app.db.pool, username, usernameWindowMinutes) >= usernameLimit) {
      refuse(reply, new TooManyAttempts(usernameWindowMinutes * 60, 'too many failures for this username: sign in from a browser you used before, or wait'));
    }
    return null;
  };

  app.post('/api/auth/sign-in', {
    config: { access: 'public' },
    schema: {
      tags, summary: 'Sign in: sets an HTTP-only session cookie and returns the CSRF token to send as x-csrf-token',
      body: SignInBody,
      response: { 200: Me, ...rateLimitedResponses },
    },
  }, async (request, reply) => {
    const username = request.body.username;
    const trusted = await checkLimits(request, reply, username);
    let session: Awaited<ReturnType<typeof signIn>>;
    try {
      session = await signIn(app.db.pool, username, request.body.password);
    } catch (error) {
      if (!(error instanceof AwaitingApprovalError)) throw error;
      await recordAudit(app.db.pool, { method: 'POST', route: '/api/auth/sign-in', area: 'awaiting_approval', timeWindow: null, recordCount: null, principal: null, username: username.slice(0, 64), action: 'sign_in_failed', statusCode: 403 });
      throw new DomainError(403, 'awaiting_approval', 'this account awaits approval by an analyst (OFAST, or the CROSS of its department) before it opens any data', [{ field: 'username', reason: 'awaiting approval' }]);
    }
    const audit = { method: 'POST', route: '/api/auth/sign-in', area: null, timeWindow: null, recordCount: null };
    if (!session) {
      if (trusted) await perDevice.add(trusted); else await perAddress.add(request.ip, username);
      await recordAudit(app.db.pool, { ...audit, principal: null, username: username.slice(0, 64), action: 'sign_in_failed', statusCode: 401 });
      throw new DomainError(401, 'bad_credentials', 'unknown username or wrong password', [{ field: 'password', reason: 'does not match' }]);
    }
    await recordAudit(app.db.pool, { ...audit, principal: session.principal, action: 'sign_in', statusCode: 200, sessionRef: journalSessionRef(session.token) });
    reply.setCookie(sessionCookie, session.token, cookieOptions(app.config.secureCookies, session.expiresAt));
    if (!trusted) {
      const device = await trustDevice(app.db.pool, session.principal.userId);
      reply.setCookie(deviceCookie, device.token, { ...cookieOptions(app.config.secureCookies, device.expiresAt), path: '/api/auth' });
    }
    const { role, departments } = session.principal;
    return { user: { username: session.principal.username, role, departments }, csrf_token: session.csrfToken };
  });

  app.post('/api/auth/activate', {
    config: { access: 'public' },
    schema: {
      tags, summary: 'First sign-in of an account created by an admin: the activation code and a password of the user\'s own choosing (12 characters or more)',
      body: ActivateBody,
      response: { 204: Type.Null(), ...rateLimitedResponses },
    },
  }, async (request, reply) => {
    const { username, activation_code, password } = request.body;
    await checkLimits(request, reply, username);
    const audit = { method: 'POST', route: '/api/auth/activate', area: null, timeWindow: null, recordCount: null, principal: null, username: username.slice(0, 64) };
    if (!(await activateAccount(app.db.pool, username, activation_code, password))) {
      await perAddress.add(request.ip, username);
      await recordAudit(app.db.pool, { ...audit, action: 'sign_in_failed', statusCode: 401 });
      throw new DomainError(401, 'bad_activation', 'unknown username, or wrong or expired activation code', [{ field: 'activation_code', reason: 'does not match' }]);
    }
    await recordAudit(app.db.pool, { ...audit, action: 'activate', statusCode: 204 });
    return reply.status(204).send(null);
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
