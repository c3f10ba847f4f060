/**
 * The offline vector basemap: the PMTiles archive the operator names in SILLAGE_BASEMAP_PMTILES,
 * served as is with HTTP range requests (the browser's pmtiles library reads its header,
 * directories and tiles by byte ranges). Public: it holds only open map data (streets, water...).
 */
import { createReadStream, statSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { errorResponses, ErrorResponse, fileResponse } from '../schemas/common.js';
import { DomainError } from '../errors.js';

/** A single `bytes=` range of a file of `size` bytes (start, end inclusive), or null for the whole file. */
export function byteRange(header: string | undefined, size: number): { start: number; end: number } | null {
  if (header === undefined) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) throw new DomainError(416, 'range_not_satisfiable', 'range: give one range, bytes=start-end', [{ field: 'headers.range', reason: 'not a single bytes range' }]);
  let start: number;
  let end: number;
  if (match[1] === '') { start = Math.max(0, size - Number(match[2])); end = size - 1; } // the last N bytes
  else { start = Number(match[1]); end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1); }
  if (start >= size || start > end) throw new DomainError(416, 'range_not_satisfiable', `range: starts past the end of the ${size}-byte file`, [{ field: 'headers.range', reason: 'outside the file' }]);
  return { start, end };
}

export async function basemapRoutes(app: FastifyInstance) {
  app.get('/basemap.pmtiles', {
    config: { access: 'public' },
    schema: {
      tags: ['tiles'], operationId: 'basemapArchive',
      summary: 'The offline vector basemap (PMTiles archive named by SILLAGE_BASEMAP_PMTILES), read by byte ranges; 404 when none is configured',
      response: {
        200: fileResponse('The whole archive', 'application/vnd.pmtiles'),
        206: fileResponse('The bytes asked for (Range)', 'application/vnd.pmtiles'),
        416: ErrorResponse,
        ...errorResponses,
      },
    },
  }, async (request, reply) => {
    const file = app.config.basemapFile;
    if (!file) throw new DomainError(404, 'not_found', 'no offline basemap is configured (SILLAGE_BASEMAP_PMTILES)', [{ field: 'url', reason: 'no basemap' }]);
    const { size, mtimeMs } = statSync(file);
    const range = byteRange(request.headers.range, size);
    reply.header('accept-ranges', 'bytes').header('cache-control', 'public, max-age=86400').header('etag', `"${size.toString(36)}-${Math.floor(mtimeMs).toString(36)}"`).type('application/vnd.pmtiles');
    if (!range) return reply.header('content-length', size).send(createReadStream(file));
    return reply.status(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`).header('content-length', range.end - range.start + 1)
      .send(createReadStream(file, { start: range.start, end: range.end }));
  });
}
