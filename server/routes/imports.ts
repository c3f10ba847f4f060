import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { StringEnum, errorResponses } from '../schemas/common.js';
import { importKinds } from '../domain/import-rows.js';
import { importFile } from '../services/imports.js';
import { InvalidInputError } from '../errors.js';
import { analysts, preciseScope } from '../domain/access.js';

const ImportReport = Type.Object({
  kind: Type.String(), format: Type.String(), rows: Type.Integer(),
  inserted: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer(), elapsed_ms: Type.Integer(),
  likely_duplicates: Type.Optional(Type.Object({
    count: Type.Integer({ description: 'Pairs of a new point and a point of another source likely to be one place (see /doublons)' }),
    pairs: Type.Array(Type.Object({
      new_id: Type.Integer(), new_external_id: Type.Union([Type.String(), Type.Null()]), other_id: Type.Integer(),
      other_source: Type.String(), other_external_id: Type.Union([Type.String(), Type.Null()]), distance_m: Type.Number(),
    }), { description: 'The first 100' }),
  })),
});

export async function importRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/api/imports', {
    config: { access: analysts, audit: 'write' },
    bodyLimit: app.config.importBodyLimitBytes,
    // A JSON body is taken as text too, so a GeoJSON syntax error is reported like any other row problem.
    preParsing: async (request, _reply, payload) => {
      if ((request.headers['content-type'] ?? '').startsWith('application/json')) request.headers['content-type'] = 'application/geo+json';
      return payload;
    },
    schema: {
      tags: ['imports'],
      summary: 'Import a CSV or GeoJSON file of deal points, observations or operations (all-or-nothing, idempotent)',
      description: 'Send the file as the body (text/csv or application/geo+json). A rejected file stores nothing and answers 422 with every rejected row (line, field, reason).',
      querystring: Type.Object({
        kind: Type.Optional(StringEnum(importKinds, { description: 'What the file holds; inferred from its columns when omitted' })),
      }, { additionalProperties: false }),
      response: { 200: ImportReport, ...errorResponses },
    },
  }, async (request) => {
    if (typeof request.body !== 'string' || request.body.trim() === '') {
      throw new InvalidInputError([{ field: 'body', reason: 'send the file as the request body (text/csv or application/geo+json)' }]);
    }
    const scope = preciseScope(request.principal);
    return importFile(app.db.pool, request.body, { kind: request.query.kind, allowedDepartments: scope === 'all' ? null : scope });
  });
}
