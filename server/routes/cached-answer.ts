/**
 * Answers kept in memory already serialised (the cube: 1.8 MB of JSON nationally at 100x the demo),
 * gzipped once when stored: a later request is its stored bytes, with no serialisation nor
 * compression (@fastify/compress leaves an answer that already has a Content-Encoding).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { CachedTile } from '../services/tile-cache.js';

/** Gzip off the event loop (zlib's thread pool). */
export const gzipped = promisify(gzip);

/**
 * Whether the request accepts a gzip answer: Accept-Encoding gives gzip a non-zero weight, or does
 * not name gzip and gives * one (RFC 9110, 12.5.3).
 */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const weights = new Map<string, number>();
  for (const part of String(header ?? '').split(',')) {
    const [coding, ...parameters] = part.trim().toLowerCase().split(';').map((p) => p.trim());
    const q = parameters.find((p) => p.startsWith('q='));
    if (coding) weights.set(coding, q === undefined ? 1 : Number(q.slice(2)));
  }
  const weight = weights.get('gzip') ?? weights.get('x-gzip') ?? weights.get('*') ?? 0;
  return weight > 0;
}

/** A cached JSON answer: 304 for the client holding it, else its bytes, gzipped when stored so and accepted. */
export function sendCached(request: FastifyRequest, reply: FastifyReply, entry: CachedTile) {
  reply.header('etag', entry.etag).header('cache-control', 'private, no-cache').header('vary', 'accept-encoding');
  if (request.headers['if-none-match'] === entry.etag) return reply.code(304).send();
  reply.type('application/json; charset=utf-8');
  const zipped = entry.gzipped !== undefined && acceptsGzip(request.headers['accept-encoding']);
  if (zipped) reply.header('content-encoding', 'gzip');
  const body = zipped ? entry.gzipped! : entry.bytes;
  return reply.send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
}
