import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AnyRecord, Bbox, Dataset, DepartmentCode, Id, InseeCode, StringEnum, errorResponses } from '../schemas/common.js';
import { aggregateReaders, finestAggregateResolution, inPreciseScope, servedCount, suppressesSmallCounts, suppressionThreshold, type Principal } from '../domain/access.js';
import { monthIndex, monthPattern } from '../domain/months.js';
import { cellMonthCube, monthlySeries, type SeriesFilter, type SeriesKey } from '../services/time-series.js';
import { InvalidInputError } from '../errors.js';
import { countByCell, countByCommune, countByDepartment, cellFeature } from '../services/aggregates.js';
import { today } from '../services/deal-points.js';
import { parseBbox } from '../services/filters.js';
import { DomainError } from '../errors.js';

export async function aggregateRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api/aggregates/deal-points', {
    config: { access: aggregateReaders },
    schema: {
      tags: ['aggregates'],
      summary: 'Active deal points counted per H3 cell, commune or department on a date (deputies: H3 no finer than 7, counts below 5 shown as "< 5")',
      querystring: Type.Object({
        group: StringEnum(['h3', 'commune', 'department'] as const),
        resolution: Type.Optional(Type.Integer({ minimum: 5, maximum: 9, default: 7, description: 'H3 resolution (group=h3)' })),
        at: Type.Optional(Type.String({ format: 'date' })),
        bbox: Type.Optional(Bbox),
        department: Type.Optional(DepartmentCode),
        dataset: Type.Optional(Dataset),
      }, { additionalProperties: false }),
      response: { 200: AnyRecord, ...errorResponses },
    },
  }, async (request) => {
    const query = request.query;
    const principal = request.principal;
    const filter = {
      at: query.at ?? today(), bbox: query.bbox ? parseBbox(query.bbox, 'bbox') : null,
      departments: query.department ? [query.department] : null, dataset: query.dataset ?? null,
    };
    const serve = <T extends { count: number }>(row: T) => ({ ...row, ...servedCount(row.count, principal) });
    if (query.group === 'h3') {
      const resolution = query.resolution ?? 7;
      assertResolutionAllowed(principal, resolution, query.department);
      const counts = await countByCell(app.db.pool, resolution, filter);
      return {
        type: 'FeatureCollection', resolution, at: filter.at,
        features: [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([cell, count]) => cellFeature(cell, servedCount(count, principal))),
      };
    }
    if (query.group === 'commune') return { at: filter.at, items: (await countByCommune(app.db.pool, filter)).map(serve) };
    return { at: filter.at, items: (await countByDepartment(app.db.pool, filter)).map(serve) };
  });
}

/** Refuses an H3 resolution finer than the role may see for the area (403 naming the limit). */
function assertResolutionAllowed(principal: Principal | null, resolution: number, department: string | undefined): void {
  const inScope = department !== undefined && inPreciseScope(principal, department);
  const finest = finestAggregateResolution(principal, inScope);
  if (resolution > finest) {
    throw new DomainError(403, 'too_fine', `resolution ${resolution} is finer than your role allows here (${finest}${principal?.role === 'departmental_analyst' || principal?.role === 'prefect' ? '; 9 within your departments, with department=' : ''})`, [{ field: 'querystring.resolution', reason: `at most ${finest}` }]);
  }
}

const Month = (description: string) => Type.String({ pattern: monthPattern, description: `${description}, YYYY-MM` });
const maxWindowMonths = 240;

/** Reads and checks the month window (from <= to, at most 20 years). */
function monthWindow(query: { from: string; to: string }): { from: number; to: number } {
  const from = monthIndex(query.from);
  const to = monthIndex(query.to);
  if (to < from) throw new InvalidInputError([{ field: 'querystring.to', reason: `must not be before from (${query.from})` }]);
  if (to - from + 1 > maxWindowMonths) throw new InvalidInputError([{ field: 'querystring.to', reason: `the window may span at most ${maxWindowMonths} months` }]);
  return { from, to };
}

/** Monthly counts as served: below the threshold deputies get null, never the value. */
function servedSeries(values: number[], principal: Principal | null): (number | null)[] {
  if (!suppressesSmallCounts(principal)) return values;
  return values.map((value) => (value > 0 && value < suppressionThreshold ? null : value));
}

const seriesKeys = ['total', 'size_class', 'department', 'region'] as const;

export async function timeSeriesRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const windowQuery = {
    from: Month('First month of the window'), to: Month('Last month of the window'),
    bbox: Type.Optional(Bbox), department: Type.Optional(DepartmentCode), dataset: Type.Optional(Dataset),
  };
  const filterOf = (query: { from: string; to: string; bbox?: string; department?: string; dataset?: 'real' | 'synthetic' }): SeriesFilter => ({
    ...monthWindow(query), bbox: query.bbox ? parseBbox(query.bbox, 'bbox') : null,
    departments: query.department ? [query.department] : null, dataset: query.dataset ?? null, region: null, commune: null,
  });

  app.get('/api/aggregates/deal-points/cube', {
    config: { access: aggregateReaders },
    schema: {
      tags: ['aggregates'],
      summary: 'H3 cell x month cube of active deal points: per cell, points active during each month and distinct points active since the first month of the window (the map\'s time slider reads it once per view)',
      querystring: Type.Object({ ...windowQuery, resolution: Type.Integer({ minimum: 4, maximum: 9, description: 'H3 resolution (4: about 1,770 km2 ... 9: about 0.1 km2)' }) }, { additionalProperties: false }),
      response: { 200: AnyRecord, ...errorResponses },
    },
  }, async (request) => {
    const { query, principal } = request;
    assertResolutionAllowed(principal, query.resolution, query.department);
    const { months, cells } = await cellMonthCube(app.db.pool, query.resolution, filterOf(query));
    return {
      resolution: query.resolution, from: query.from, to: query.to, months, suppressed_below: suppressesSmallCounts(principal) ? suppressionThreshold : null,
      cells: [...cells.entries()].sort(([a], [b]) => a.localeCompare(b))
        .map(([h3, counts]) => ({ h3, active: servedSeries(counts.active, principal), cumulative: servedSeries(counts.cumulative, principal) })),
    };
  });

  app.get('/api/aggregates/deal-points/series', {
    config: { access: aggregateReaders },
    schema: {
      tags: ['aggregates'],
      summary: 'Monthly series of active deal points, in total or by commune size class, department or region, for an area (France, a department, a region, a commune or an operation\'s target)',
      querystring: Type.Object({
        ...windowQuery,
        by: Type.Optional(StringEnum(seriesKeys, { default: 'total' })),
        region: Type.Optional(Type.String({ pattern: '^[0-9]{2}$' })),
        commune: Type.Optional(InseeCode),
        operation: Type.Optional(Id),
      }, { additionalProperties: false }),
      response: { 200: AnyRecord, ...errorResponses },
    },
  }, async (request) => {
    const { query, principal } = request;
    const by: SeriesKey = query.by ?? 'total';
    const filter = { ...filterOf(query), region: query.region ?? null, commune: query.commune ?? null, operation: query.operation ?? null };
    const { months, series } = await monthlySeries(app.db.pool, by, filter);
    const labels = await seriesLabels(app.db.pool, by);
    const keys = by === 'size_class' ? [...labels.keys()] : by === 'total' ? ['total'] : [...series.keys()].sort();
    const zero = months.map(() => 0);
    return {
      by, from: query.from, to: query.to, months, suppressed_below: suppressesSmallCounts(principal) ? suppressionThreshold : null,
      series: keys.map((key) => {
        const counts = series.get(key) ?? { active: zero, cumulative: zero };
        return { key, label: labels.get(key) ?? key, active: servedSeries(counts.active, principal), cumulative: servedSeries(counts.cumulative, principal) };
      }),
    };
  });
}

async function seriesLabels(db: import('pg').Pool, by: SeriesKey): Promise<Map<string, string>> {
  const sql = by === 'size_class' ? 'SELECT code AS key, label FROM size_classes ORDER BY rank'
    : by === 'department' ? 'SELECT code AS key, name AS label FROM departments'
      : by === 'region' ? 'SELECT code AS key, name AS label FROM regions' : null;
  if (!sql) return new Map([['total', 'Total']]);
  const { rows } = await db.query<{ key: string; label: string }>(sql);
  return new Map(rows.map((row) => [row.key, row.label]));
}
