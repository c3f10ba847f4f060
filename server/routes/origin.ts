/**
 * The public address of the request (scheme and host the client used), for the links the API
 * writes: behind a trusted reverse proxy (SILLAGE_TRUST_PROXY) Fastify reads them from
 * X-Forwarded-Proto and X-Forwarded-Host, otherwise from the connection and the Host header.
 */
import type { FastifyRequest } from 'fastify';
import { pagingLinks } from '../schemas/common.js';

export function publicOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host || 'localhost'}`;
}

/** self and next links of a keyset page, at the public address (`cursor`: the query parameter that takes `next`). */
export function pageLinks(request: FastifyRequest, next: number | null, type = 'application/json', cursor = 'after') {
  return pagingLinks(request.url, request.host || 'localhost', request.protocol, next, type, cursor);
}
