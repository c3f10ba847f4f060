/**
 * Personal access tokens (GIS clients): created with a session only (a token cannot make tokens,
 * it is read-only), listed and revoked by their owner. Creation and revocation are in the journal.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { IdParams, errorResponses } from '../schemas/common.js';
import { AccessToken, CreatedToken, TokenBody, TokenList } from '../schemas/accounts.js';
import { createAccessToken, defaultTokenDays, listAccessTokens, maxActiveTokens, revokeAccessToken, TooManyTokensError } from '../services/access-tokens.js';
import { DomainError } from '../errors.js';

export async function accessTokenRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['auth'];
  const pool = () => app.db.pool;

  app.post('/api/auth/tokens', {
    config: { access: 'signed_in', audit: 'write' },
    schema: {
      tags, summary: 'Create a personal access token (read-only) for a GIS client; the secret is returned once',
      operationId: 'createAccessToken',
      body: TokenBody,
      response: { 201: CreatedToken, ...errorResponses },
    },
  }, async (request, reply) => {
    let created: Awaited<ReturnType<typeof createAccessToken>>;
    try {
      created = await createAccessToken(pool(), request.principal!.userId, request.body.name, request.body.expires_in_days ?? defaultTokenDays);
    } catch (error) {
      if (error instanceof TooManyTokensError) throw new DomainError(409, 'too_many_tokens', `at most ${maxActiveTokens} active tokens per account: revoke one first`, [{ field: 'body.name', reason: `${maxActiveTokens} active tokens already` }]);
      throw error;
    }
    request.auditDetail = `access_token=${created.id}`;
    return reply.status(201).send(created);
  });

  app.get('/api/auth/tokens', {
    config: { access: 'signed_in' },
    schema: { tags, summary: "The signed-in user's own access tokens (never their secrets)", operationId: 'listAccessTokens', response: { 200: TokenList, ...errorResponses } },
  }, async (request) => ({ items: await listAccessTokens(pool(), request.principal!.userId) }));

  app.delete('/api/auth/tokens/:id', {
    config: { access: 'signed_in', audit: 'write' },
    schema: { tags, summary: 'Revoke one of your access tokens (at once, for every client using it)', operationId: 'revokeAccessToken', params: IdParams, response: { 200: AccessToken, ...errorResponses } },
  }, async (request) => {
    request.auditDetail = `access_token=${request.params.id}`;
    return revokeAccessToken(pool(), request.principal!.userId, request.params.id);
  });
}
