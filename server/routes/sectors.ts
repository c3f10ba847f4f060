/**
 * The prefect's desk, sectors side: criteria and their definitions, a department's sectors with
 * their indicators (map, breakdown), a sector's deal-point trend, and what the prefecture
 * supplies: indicator values (criterion 3 or 4, CSV, versioned), criterion-4 entries, drawn or
 * imported areas, schools. Prefects and national analysts write; departmental analysts read their
 * departments; deputies and the public nothing.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Closed, DepartmentCode, errorResponses } from '../schemas/common.js';
import { Criteria, Sectors } from '../schemas/rankings.js';
import { AreaCollection, CriterionFourBody, ImportCounts, SavedAreas, SectorCode, SectorKind, SectorQuery, SectorTrend, ValueVersion, ValuesImportQuery, ValuesReport } from '../schemas/sectors.js';
import { assertInScope, workScope } from './scope.js';
import { sectorTable } from '../services/sectors.js';
import * as prefecture from '../services/prefecture-data.js';
import { departmentSchools } from '../services/action-plans.js';
import { computedIndicators, criteria, criterionDefinitions, criterionLabels, defaultThresholdNotes, coverageRule } from '../domain/ranking/criteria.js';
import { sectorTrend } from '../domain/ranking/sector-geometry.js';
import { followedIndicators } from '../domain/ranking/action-plan.js';
import { monthOfDate, monthRange } from '../domain/months.js';
import { today } from '../domain/dates.js';
import { InvalidInputError, NotFoundError } from '../errors.js';

export const deskReaders = ['national_analyst', 'departmental_analyst', 'prefect'] as const;
export const deskWriters = ['national_analyst', 'prefect'] as const;

export async function sectorRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['sectors'];
  const pool = () => app.db.pool;
  const textBody = (body: unknown) => {
    if (typeof body !== 'string' || body.trim() === '') throw new InvalidInputError([{ field: 'body', reason: 'send the CSV file as the request body (text/csv)' }]);
    return body;
  };

  app.get('/api/sectors/criteria', {
    config: { access: deskReaders },
    schema: { tags, summary: 'The four criteria, the indicators Sillage computes with their definitions, the default thresholds and the coverage rule', response: { 200: Criteria } },
  }, async () => ({
    criteria: criteria.map((c) => ({ criterion: c, label: criterionLabels[c], definition: criterionDefinitions[c] })),
    indicators: [...computedIndicators], threshold_notes: defaultThresholdNotes, coverage_rule: coverageRule, followed_indicators: [...followedIndicators],
  }));

  app.get('/api/sectors', {
    config: { access: deskReaders, audit: 'read_precise' },
    schema: { tags, summary: 'Sectors of a department as GeoJSON, each with the raw value of every indicator on the date (and the prefecture values with their source)', querystring: SectorQuery, response: { 200: Sectors, ...errorResponses } },
  }, async (request) => {
    const { department, kind = 'commune', at = today() } = request.query;
    assertInScope(request, department);
    const table = await sectorTable(pool(), department, kind, at, workScope(request));
    const values = new Map(table.rows.map((r) => [r.code, r.values]));
    return {
      type: 'FeatureCollection' as const, department, kind, at, indicators: table.indicators, vintage: table.vintage,
      features: table.sectors.map((s) => ({ type: 'Feature' as const, id: s.code, geometry: s.geometry, properties: { code: s.code, name: s.name, population: s.population, area_km2: Math.round(s.area_km2 * 1000) / 1000, values: values.get(s.code)!, supplied: table.supplied[s.code] ?? {} } })),
    };
  });

  app.get('/api/sectors/trend', {
    config: { access: deskReaders, audit: 'read_precise' },
    schema: {
      tags, summary: 'Monthly active deal points of one sector over the 36 months up to the date',
      querystring: Type.Object({ department: DepartmentCode, kind: Type.Optional(SectorKind), code: SectorCode, at: Type.Optional(Type.String({ format: 'date' })) }, { additionalProperties: false }),
      response: { 200: SectorTrend, ...errorResponses },
    },
  }, async (request) => {
    const { department, kind = 'commune', code, at = today() } = request.query;
    assertInScope(request, department);
    const table = await sectorTable(pool(), department, kind, at, workScope(request));
    if (!table.sectors.some((s) => s.code === code)) throw new NotFoundError('sector', code);
    const to = monthOfDate(at);
    return { code, months: monthRange(to - 35, to), active: sectorTrend(table.points, code, to - 35, to) };
  });

  app.post('/api/sectors/indicator-imports', {
    config: { access: deskWriters, audit: 'write' },
    bodyLimit: app.config.importBodyLimitBytes,
    schema: {
      tags, summary: 'Import prefecture values of one indicator per sector (CSV: code;valeur;source;date[;justification], justification required for criterion 4), all-or-nothing, versioned, idempotent',
      consumes: ['text/csv', 'text/plain'],
      querystring: ValuesImportQuery, response: { 200: ValuesReport, ...errorResponses },
    },
  }, async (request) => {
    const { department, indicator, criterion, kind = 'commune' } = request.query;
    assertInScope(request, department);
    const text = textBody(request.body);
    const report = await prefecture.importIndicatorValues(pool(), { department, indicator, criterion: criterion as 3 | 4, kind }, text, request.principal!.userId);
    request.auditDetail = `criterion=${criterion}&indicator=${indicator}&kind=${kind}&rows=${report.rows}&new_versions=${report.inserted}`;
    request.auditCount = report.inserted;
    return report;
  });

  app.post('/api/sectors/criterion-4', {
    config: { access: deskWriters, audit: 'write' },
    schema: { tags, summary: 'Enter one criterion-4 value for a sector, with its source and justification (a new version; never computed by Sillage)', body: CriterionFourBody, response: { 200: ValuesReport, ...errorResponses } },
  }, async (request) => {
    const { department, kind = 'commune', indicator = 'critere_4', ...entry } = request.body;
    assertInScope(request, department);
    request.auditDetail = `criterion=4&indicator=${indicator}&sector=${kind}:${entry.code}&value=${entry.value}&source=${entry.source}&justification=${entry.justification}`;
    return prefecture.enterValue(pool(), { department, indicator, criterion: 4, kind }, entry, request.principal!.userId);
  });

  app.get('/api/sectors/indicator-values', {
    config: { access: deskReaders, audit: 'read_precise' },
    schema: {
      tags, summary: 'History of the values the prefecture supplied (every version, newest first)',
      querystring: Type.Object({ department: DepartmentCode, kind: Type.Optional(SectorKind), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })) }, { additionalProperties: false }),
      response: { 200: Closed({ items: Type.Array(ValueVersion) }), ...errorResponses },
    },
  }, async (request) => {
    assertInScope(request, request.query.department);
    return { items: await prefecture.valueHistory(pool(), request.query.department, request.query.kind ?? null, request.query.limit ?? 500) };
  });

  app.post('/api/sectors/areas', {
    config: { access: deskWriters, audit: 'write' },
    bodyLimit: app.config.importBodyLimitBytes,
    schema: {
      tags, summary: 'Create or replace areas drawn or imported by the prefecture (GeoJSON FeatureCollection, properties code and name), all or nothing',
      querystring: Type.Object({ department: DepartmentCode }, { additionalProperties: false }), body: AreaCollection, response: { 200: SavedAreas, ...errorResponses },
    },
  }, async (request) => {
    assertInScope(request, request.query.department);
    return prefecture.importAreas(pool(), request.query.department, request.body, request.principal!.userId);
  });

  app.post('/api/schools/imports', {
    config: { access: deskWriters, audit: 'write' },
    bodyLimit: app.config.importBodyLimitBytes,
    schema: {
      tags, summary: 'Import the schools of a department as a layer (CSV: uai;nom;longitude;latitude), all-or-nothing, idempotent',
      consumes: ['text/csv', 'text/plain'],
      querystring: Type.Object({ department: DepartmentCode }, { additionalProperties: false }), response: { 200: ImportCounts, ...errorResponses },
    },
  }, async (request) => {
    assertInScope(request, request.query.department);
    return prefecture.importSchools(pool(), request.query.department, textBody(request.body));
  });

  app.get('/api/schools', {
    config: { access: deskReaders },
    schema: { tags, summary: 'Schools imported for a department (name, UAI code, location)', querystring: Type.Object({ department: DepartmentCode }, { additionalProperties: false }), response: { 200: Closed({ items: Type.Array(Closed({ uai: Type.String(), name: Type.String(), longitude: Type.Number(), latitude: Type.Number() })) }), ...errorResponses } },
  }, async (request) => {
    assertInScope(request, request.query.department);
    return { items: await departmentSchools(pool(), request.query.department) };
  });
}
