import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ListOf, StringEnum, errorResponses } from '../schemas/common.js';
import { ImportPreview, ImportProgress, ImportReport, ImportRun } from '../schemas/imports.js';
import { importKinds } from '../domain/import-rows.js';
import { previewImport } from '../domain/import-files.js';
import { ImportRejectedError, importFile } from '../services/imports.js';
import { listImportRuns, recordImportRun } from '../services/import-runs.js';
import { errorCodes, type FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { ImportProgressRegistry } from '../services/import-progress.js';
import { analysts, preciseScope } from '../domain/access.js';
import { pageLinks } from './origin.js';

/** The file's name as the client sends it (x-file-name, URI-encoded), for the history only. */
function fileName(request: FastifyRequest): string | null {
  const header = request.headers['x-file-name'];
  if (typeof header !== 'string' || header === '') return null;
  let name = header;
  try { name = decodeURIComponent(header); } catch { /* kept as sent */ }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  return name.replace(/[\u0000-\u001f]/g, '').slice(0, 200) || null;
}

const asText = async (request: FastifyRequest, _reply: unknown, payload: unknown) => {
  if ((request.headers['content-type'] ?? '').startsWith('application/json')) request.headers['content-type'] = 'application/geo+json';
  return payload;
};

/** The types an imported file may be sent as. */
const fileTypes = ['text/csv', 'application/geo+json', 'text/plain'];

/**
 * A request body as it arrives, refused with a 413 beyond `limit` bytes (checked on the declared
 * content-length first, then on the bytes read): the importer reads it chunk by chunk.
 */
async function* limitedBody(request: FastifyRequest, limit: number): AsyncGenerator<Uint8Array> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
  let received = 0;
  for await (const chunk of request.body as Readable) {
    received += (chunk as Buffer).byteLength;
    if (received > limit) throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
    yield chunk as Buffer;
  }
}

export async function importRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const KindQuery = Type.Object({
    kind: Type.Optional(StringEnum(importKinds, { description: 'What the file holds; inferred from its columns when omitted' })),
  }, { additionalProperties: false });
  const requireBody = (body: unknown): string => {
    if (typeof body !== 'string' || body.trim() === '') throw new InvalidInputError([{ field: 'body', reason: 'send the file as the request body (text/csv or application/geo+json)' }]);
    return body;
  };

  app.post('/api/imports/preview', {
    config: { access: analysts },
    bodyLimit: app.config.importBodyLimitBytes,
    preParsing: asText,
    schema: {
      tags: ['imports'],
      summary: 'Read a file without storing anything: format, separator, decimal comma, coordinate columns, first rows, and the problems rows show on their own',
      consumes: ['text/csv', 'application/geo+json', 'text/plain'],
      querystring: KindQuery,
      response: { 200: ImportPreview, ...errorResponses },
    },
  }, async (request) => previewImport(requireBody(request.body), { kind: request.query.kind }));

  app.get('/api/imports', {
    config: { access: analysts },
    schema: {
      tags: ['imports'],
      summary: 'History of imports, newest first (CROSS: imports by accounts of its departments)',
      querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })), before: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false }),
      response: { 200: ListOf(ImportRun), ...errorResponses },
    },
  }, async (request) => {
    const scope = preciseScope(request.principal);
    const page = await listImportRuns(app.db.pool, scope === 'all' ? null : scope, request.query.limit ?? 50, request.query.before ?? null);
    return { ...page, links: pageLinks(request, page.next, 'application/json', 'before') };
  });

  const progress = new ImportProgressRegistry();
  const importIdPattern = /^[A-Za-z0-9-]{32,64}$/;

  app.get('/api/imports/progress/:id', {
    // The random id is the capability (counts only); polled without a session, so that no poll
    // waits for the database the import is writing to (the embedded one has one connection).
    config: { access: 'public' },
    schema: {
      tags: ['imports'],
      summary: 'Progress of a running import sent with the header x-import-id (a random id of 32 to 64 characters, which reading it requires): phase, rows processed and total; kept a minute after the end',
      params: Type.Object({ id: Type.String({ pattern: importIdPattern.source }) }),
      response: {
        200: ImportProgress,
        ...errorResponses,
      },
    },
  }, async (request, reply) => {
    const state = progress.read(request.params.id);
    if (!state) throw new NotFoundError('import', request.params.id);
    reply.header('cache-control', 'no-store');
    return state;
  });

  // The import itself reads its body as a stream (a million-row file never sits in memory): in this
  // scope the file types are handed over unread, and the importer checks the text as it reads it.
  await app.register(async (scope) => {
    for (const type of fileTypes) {
      scope.removeContentTypeParser(type);
      scope.addContentTypeParser(type, (_request, payload, done) => done(null, payload));
    }
    scope.withTypeProvider<TypeBoxTypeProvider>().post('/api/imports', {
      config: { access: analysts, audit: 'write' },
      bodyLimit: app.config.importBodyLimitBytes,
      preParsing: asText,
      schema: {
        tags: ['imports'],
        summary: 'Import a CSV or GeoJSON file of deal points, observations or operations (all-or-nothing, idempotent, streamed)',
        description: 'Send the file as the body (text/csv or application/geo+json). A rejected file stores nothing and answers 422 with every rejected row (line, field, reason). CSV is read and written 5,000 rows at a time as it arrives.',
        consumes: fileTypes,
        querystring: KindQuery,
        response: { 200: ImportReport, ...errorResponses },
      },
    }, async (request) => {
      if (request.body === undefined || request.body === null) throw new InvalidInputError([{ field: 'body', reason: 'send the file as the request body (text/csv or application/geo+json)' }]);
      const scope = preciseScope(request.principal);
      const started = performance.now();
      const name = fileName(request);
      const header = request.headers['x-import-id'];
      if (header !== undefined && (typeof header !== 'string' || !importIdPattern.test(header))) throw new InvalidInputError([{ field: 'x-import-id', reason: 'must be 32 to 64 letters, digits or dashes (a random id, e.g. a UUID)' }]);
      if (header !== undefined && !progress.start(header)) throw new InvalidInputError([{ field: 'x-import-id', reason: 'is already used by another import: send a new random id' }]);
      const progressId = header;
      const declared = Number(request.headers['content-length']);
      try {
        const report = await importFile(app.db.pool, limitedBody(request, app.config.importBodyLimitBytes), {
          kind: request.query.kind, allowedDepartments: scope === 'all' ? null : scope, sizeBytes: Number.isFinite(declared) ? declared : undefined,
          onProgress: progressId ? (phase, done, total) => progress.update(progressId, phase, done, total) : undefined,
        });
        await recordImportRun(app.db.pool, request.principal, { file_name: name, ...report, outcome: 'imported', rejected_rows: 0 });
        if (progressId) progress.finish(progressId, 'imported');
        return report;
      } catch (error) {
        if (progressId) progress.finish(progressId, error instanceof ImportRejectedError ? 'rejected' : 'failed');
        if (error instanceof ImportRejectedError) {
          // The answer says "already used" whether the key is held inside or outside the analyst's
          // departments; the journal says how many were outside, so that probing for identifiers shows.
          if (error.foreignKeys) request.auditDetail = `foreign_keys=${error.foreignKeys}`;
          await recordImportRun(app.db.pool, request.principal, {
            file_name: name, kind: error.kind ?? 'unknown', format: error.format, outcome: 'rejected', rows: error.rows,
            inserted: 0, updated: 0, unchanged: 0, rejected_rows: error.rejectedRows, elapsed_ms: performance.now() - started,
          });
        }
        throw error;
      }
    });
  });
}
