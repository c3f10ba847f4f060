import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Closed, DepartmentCode, InseeCode, StringEnum, errorResponses } from '../schemas/common.js';
import { CommuneItems, DepartmentItems, IndicatorItems, NationalItems } from '../schemas/statistics.js';
import * as statistics from '../services/crime-statistics.js';
import { InvalidInputError } from '../errors.js';

const Indicator = Type.String({ pattern: '^[a-z0-9_]+$', description: 'Indicator code, e.g. trafic_de_stupefiants (see /api/statistics/indicators)' });
const Year = Type.Integer({ minimum: 1990, maximum: 2100 });
const ImportReport = Closed({
  level: Type.String(), rows: Type.Integer(), inserted: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer(),
  withheld: Type.Integer({ description: 'cells withheld by the SSMSI (est_diffuse = ndiff), stored as unknown' }),
});

export async function statisticsRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['statistics'];
  const pool = () => app.db.pool;
  // Reference figures: the GET routes may read from the replica (DATABASE_READ_URL); imports write to the primary.
  const readPool = (request: FastifyRequest) => app.readPool(request);

  app.get('/api/statistics/indicators', { config: { access: 'public', replica: true }, schema: { tags, summary: 'SSMSI indicators and their counting unit', response: { 200: IndicatorItems, ...errorResponses } } },
    async (request) => ({ items: await statistics.listIndicators(readPool(request)) }));

  app.get('/api/statistics/departments', {
    config: { access: 'public', replica: true },
    schema: {
      tags, summary: 'SSMSI recorded crime by department, indicator and year (count and rate per 1,000 inhabitants)',
      querystring: Type.Object({ indicator: Type.Optional(Indicator), year: Type.Optional(Year), department: Type.Optional(DepartmentCode) }, { additionalProperties: false }),
      response: { 200: DepartmentItems, ...errorResponses },
    },
  }, async (request) => ({ items: await statistics.departmentStatistics(readPool(request), request.query) }));

  app.get('/api/statistics/communes', {
    config: { access: 'public', replica: true },
    schema: {
      tags, summary: 'SSMSI recorded crime by commune; withheld cells (est_diffuse = ndiff) have is_published false and a null count',
      querystring: Type.Object({
        indicator: Type.Optional(Indicator), year: Type.Optional(Year), insee: Type.Optional(InseeCode), department: Type.Optional(DepartmentCode),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 1000 })),
      }, { additionalProperties: false }),
      response: { 200: CommuneItems, ...errorResponses },
    },
  }, async (request) => ({ items: await statistics.communeStatistics(readPool(request), { ...request.query, limit: request.query.limit ?? 1000 }) }));

  app.get('/api/statistics/national', {
    config: { access: 'public', replica: true },
    schema: {
      tags, summary: 'National totals (France entière, metropole, DROM) by indicator and year',
      querystring: Type.Object({ indicator: Type.Optional(Indicator), year: Type.Optional(Year) }, { additionalProperties: false }),
      response: { 200: NationalItems, ...errorResponses },
    },
  }, async (request) => ({ items: await statistics.nationalStatistics(readPool(request), request.query) }));

  app.post('/api/statistics/imports', {
    config: { access: ['national_analyst'], audit: 'write' },
    bodyLimit: app.config.importBodyLimitBytes,
    schema: {
      tags, summary: 'Import an SSMSI base (departmental or communal; official `;` format with decimal commas and NA accepted), all-or-nothing and idempotent',
      consumes: ['text/csv', 'text/plain'],
      querystring: Type.Object({ level: StringEnum(['departments', 'communes'] as const) }, { additionalProperties: false }),
      response: { 200: ImportReport, ...errorResponses },
    },
  }, async (request) => {
    if (typeof request.body !== 'string' || request.body.trim() === '') {
      throw new InvalidInputError([{ field: 'body', reason: 'send the CSV file as the request body (text/csv)' }]);
    }
    return statistics.importCrimeStatistics(pool(), request.body, request.query.level);
  });
}
