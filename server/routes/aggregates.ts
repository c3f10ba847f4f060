/**
 * Aggregated counts of active deal points (deputies, and analysts outside their departments).
 * Every answer goes through disclosure control (domain/disclosure.ts): whole units only, and for
 * deputies cell-key perturbation with "< 5". Every read is audited.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Bbox, Dataset, DepartmentCode, Id, InseeCode, Month, StringEnum, errorResponses } from '../schemas/common.js';
import { aggregateReaders, finestAggregateResolution, inPreciseScope, preciseReaders, preciseScope, type Principal } from '../domain/access.js';
import { bboxAreas, cellSetArea, disclosureFor, underWayVisibleIn, polygonCells, publishedCount, suppressionThreshold, type Disclosure } from '../domain/disclosure.js';
import { parseMonthWindow, type MonthlyCounts } from '../domain/months.js';
import { additiveSeries, cellMonthCube, keptVersion, monthlySeries, type SeriesFilter, type SeriesKey } from '../services/time-series.js';
import { TileCache } from '../services/tile-cache.js';
import { gzipped, sendCached } from './cached-answer.js';
import { keptWhileUnchanged } from '../services/kept-answers.js';
import { countByCell, countByCommune, countByDepartment, cellFeature, operationTarget, seriesLabels } from '../services/aggregates.js';
import { today } from '../domain/dates.js';
import { parseBbox } from '../services/filters.js';
import { DomainError, InvalidInputError, NotFoundError } from '../errors.js';
import { operationVisible } from './scope.js';
import { CellsOrUnits, Cube, Series } from '../schemas/aggregates.js';

/** A count as served, with its label ("< 5" when suppressed). */
function served(count: number, keySum: number, disclosure: Disclosure): { count: number | null; count_label: string } {
  if (!disclosure.perturb) return { count, count_label: String(count) };
  const value = publishedCount(count, keySum);
  return value === null ? { count: null, count_label: `< ${suppressionThreshold}` } : { count: value, count_label: String(value) };
}

/** Monthly counts as served: perturbed and suppressed for deputies. */
function servedMonths(values: number[], keys: number[], disclosure: Disclosure): (number | null)[] {
  if (!disclosure.perturb) return values;
  return values.map((value, i) => publishedCount(value, keys[i]));
}

function servedCounts(counts: MonthlyCounts, disclosure: Disclosure) {
  return { active: servedMonths(counts.active, counts.activeKeys, disclosure), cumulative: servedMonths(counts.cumulative, counts.cumulativeKeys, disclosure) };
}

/**
 * Whole units only: for a principal whose answers are snapped, an area made of cells (a bbox, an
 * operation's target) or cell outputs may not be intersected with another unit system (a commune,
 * a department, a region, size classes): the intersection would count parts of cells.
 */
function assertOneUnitSystem(disclosure: Disclosure, cells: { field: string } | null, others: { field: string; present: boolean }[]): void {
  if (disclosure.unitResolution === null || !cells) return;
  const mixed = others.filter((o) => o.present);
  if (mixed.length) {
    throw new InvalidInputError(mixed.map((o) => ({ field: o.field, reason: `cannot be combined with ${cells.field.replace('querystring.', '')} for your role: the answer would count parts of whole H3 cells (ask for one kind of area at a time)` })));
  }
}

/** Refuses an H3 resolution finer than the role may see for the area (403 naming the limit). */
function assertResolutionAllowed(principal: Principal | null, resolution: number, department: string | undefined): void {
  const inScope = department !== undefined && inPreciseScope(principal, department);
  const finest = finestAggregateResolution(principal, inScope);
  if (resolution > finest) {
    throw new DomainError(403, 'too_fine', `resolution ${resolution} is finer than your role allows here (${finest}${principal?.role === 'departmental_analyst' || principal?.role === 'prefect' ? '; 9 within your departments, with department=' : ''})`, [{ field: 'querystring.resolution', reason: `at most ${finest}` }]);
  }
}

/** The `min_sources` parameter (measure 2) of an aggregate, in the querystring schemas. */
const MinSources = Type.Optional(Type.Integer({ minimum: 1, maximum: 7, description: 'Only points confirmed by at least this many independent sources (measure 2); analysts and prefects only: refused (403 min_sources_not_allowed) for deputies, whatever its value, as counts at two values of K would differ by single points' }));

/**
 * The minimum number of sources an aggregate may be filtered by: precise roles only. For a deputy
 * (and any other role) the parameter is refused whatever its value and before any data is read,
 * so the refusal tells nothing about the data: counts for K=1 and K=2 would otherwise differ by
 * the single-source points of a cell, below the suppression threshold.
 */
function minimumSourcesFor(principal: Principal | null, value: number | undefined): number | null {
  if (value === undefined) return null;
  if (!principal || !preciseReaders.includes(principal.role)) {
    throw new DomainError(403, 'min_sources_not_allowed', 'min_sources is for analysts and prefects: aggregates for your role count every active point', [{ field: 'querystring.min_sources', reason: 'not allowed for your role' }]);
  }
  return value;
}

export async function aggregateRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api/aggregates/deal-points', {
    config: { access: aggregateReaders, audit: 'read_aggregate', replica: true },
    schema: {
      tags: ['aggregates'],
      summary: 'Active deal points counted per H3 cell, commune or department on a date (deputies: H3 no finer than 7, perturbed counts, "< 5"; a bbox selects whole cells or communes)',
      querystring: Type.Object({
        group: StringEnum(['h3', 'commune', 'department'] as const),
        resolution: Type.Optional(Type.Integer({ minimum: 4, maximum: 9, default: 7, description: 'H3 resolution (group=h3)' })),
        at: Type.Optional(Type.String({ format: 'date' })),
        bbox: Type.Optional(Bbox),
        department: Type.Optional(DepartmentCode),
        dataset: Type.Optional(Dataset),
        min_sources: MinSources,
      }, { additionalProperties: false }),
      response: { 200: CellsOrUnits, ...errorResponses },
    },
  }, async (request) => {
    const { query, principal } = request;
    const minimumSources = minimumSourcesFor(principal, query.min_sources);
    const departments = query.department ? [query.department] : null;
    const disclosure = disclosureFor(principal, departments);
    const filter = { at: query.at ?? today(), bbox: query.bbox ? parseBbox(query.bbox, 'bbox') : null, departments, dataset: query.dataset ?? null, underWayVisibleIn: underWayVisibleIn(principal, disclosure), minimumSources };
    const method = { disclosure: describeDisclosure(disclosure) };
    if (query.group === 'h3') {
      const resolution = query.resolution ?? 7;
      assertResolutionAllowed(principal, resolution, query.department);
      assertOneUnitSystem(disclosure, { field: 'querystring.group' }, [{ field: 'querystring.department', present: query.department !== undefined }]);
      const counts = await countByCell(app.readPool(request), resolution, filter, disclosure);
      return {
        type: 'FeatureCollection' as const, resolution, at: filter.at, ...method,
        features: [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([cell, c]) => cellFeature(cell, served(c.count, c.keySum, disclosure))),
      };
    }
    const rows = query.group === 'commune' ? await countByCommune(app.readPool(request), filter, disclosure) : await countByDepartment(app.readPool(request), filter, disclosure);
    request.auditCount = rows.length;
    return { at: filter.at, ...method, items: rows.map(({ keySum, count, ...row }) => ({ ...row, ...served(count, keySum, disclosure) })) };
  });
}

/** What was done to the figures, for the answer itself (and the README). */
function describeDisclosure(disclosure: Disclosure): string | null {
  if (disclosure.unitResolution === null) return null;
  return disclosure.perturb
    ? `whole H3 cells of resolution ${disclosure.unitResolution} or communes; counts 1-4 shown as "< ${suppressionThreshold}", others perturbed by -2..+2 (cell-key method)`
    : `whole H3 cells of resolution ${disclosure.unitResolution} or communes outside your departments`;
}

const maxWindowMonths = 240;

/** Reads and checks the month window (from <= to, at most 20 years). */
function monthWindow(query: { from: string; to: string }): { from: number; to: number } {
  const { window, problems } = parseMonthWindow(query.from, query.to, { maxMonths: maxWindowMonths });
  if (problems.length) throw new InvalidInputError(problems);
  return window;
}

const seriesKeys = ['total', 'size_class', 'department', 'region'] as const;

export async function timeSeriesRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const windowQuery = {
    from: Month('First month of the window'), to: Month('Last month of the window'),
    bbox: Type.Optional(Bbox), department: Type.Optional(DepartmentCode), dataset: Type.Optional(Dataset),
    min_sources: MinSources,
  };

  /** The filter and its disclosure; a bbox becomes whole cells when the principal may not see every point. */
  const filterOf = (request: FastifyRequest, query: { from: string; to: string; bbox?: string; department?: string; dataset?: 'real' | 'synthetic'; min_sources?: number }, cubeResolution: number | null) => {
    const minimumSources = minimumSourcesFor(request.principal, query.min_sources);
    const departments = query.department ? [query.department] : null;
    const disclosure = disclosureFor(request.principal, departments);
    const bbox = query.bbox ? parseBbox(query.bbox, 'bbox') : null;
    const areas = bboxAreas(bbox, disclosure, cubeResolution);
    const filter: SeriesFilter = {
      ...monthWindow(query), bbox: areas.length ? null : bbox, departments, dataset: query.dataset ?? null, region: null, commune: null, areas,
      underWayVisibleIn: underWayVisibleIn(request.principal, disclosure), minimumSources,
    };
    return { filter, disclosure };
  };

  // Whole cubes keyed by the data version as tiles are (migration 0016: raised by every change to
  // points, events, observations and identifiers) and by the filter and disclosure: a map opened
  // again, by anyone with the same view, is served from memory, and a client holding the answer
  // gets 304. An answer that hides the changes of operations under way (every reader but a
  // national analyst) is keyed by those operations too, since the version does not follow an
  // operation's end (at 100x the demo a deputy's national cube takes 4-5 s to compute). Cubes of
  // areas of whole cells (a box for a perturbed reader) are not kept.
  const cubeCache = new TileCache(Math.min(app.config.tileCacheBytes, 64 * 1024 * 1024));
  app.get('/api/aggregates/deal-points/cube', {
    config: { access: aggregateReaders, audit: 'read_aggregate', replica: true },
    // Two values per cell and month (about 400,000 at resolution 7 nationally): the schema-driven
    // serializer takes about 0.4 s for them, JSON.stringify 25 ms. The schema still documents the
    // answer, and the API tests check every answer against it (plugins/response-check.ts).
    serializerCompiler: () => (data: unknown) => JSON.stringify(data),
    schema: {
      tags: ['aggregates'],
      summary: 'H3 cell x month cube of active deal points: per cell, points active during each month and distinct points active since the first month of the window (the map\'s time slider reads it once per view)',
      querystring: Type.Object({ ...windowQuery, resolution: Type.Integer({ minimum: 4, maximum: 9, description: 'H3 resolution (4: about 1,770 km2 ... 9: about 0.1 km2)' }) }, { additionalProperties: false }),
      response: { 200: Cube, ...errorResponses },
    },
  }, async (request, reply) => {
    const { query, principal } = request;
    assertResolutionAllowed(principal, query.resolution, query.department);
    const { filter, disclosure } = filterOf(request, query, query.resolution);
    assertOneUnitSystem(disclosure, { field: 'cube' }, [{ field: 'querystring.department', present: query.department !== undefined }]);
    const pool = app.readPool(request);
    const version = await keptVersion(pool, filter);
    let key: string | null = null;
    if (version !== null) {
      key = `${version}|${query.resolution}|${query.from}|${query.to}|${JSON.stringify(filter)}|${JSON.stringify(disclosure)}`;
      const hit = cubeCache.get(key);
      if (hit) {
        request.auditCount = hit.count;
        // The stored bytes are the answer already serialised (and gzipped once).
        return sendCached(request, reply as FastifyReply, hit);
      }
    }
    const { months, cells } = await cellMonthCube(pool, query.resolution, filter);
    request.auditCount = cells.size;
    const answer = {
      resolution: query.resolution, from: query.from, to: query.to, months,
      suppressed_below: disclosure.perturb ? suppressionThreshold : null, disclosure: describeDisclosure(disclosure),
      cells: [...cells.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([h3, counts]) => ({ h3, ...servedCounts(counts, disclosure) })),
    };
    if (key !== null) {
      // Serialised once, for the cache and this answer (the bytes the route's serializer, JSON.stringify, would write; the tests check them as sent).
      // Gzipped once too (off the event loop): every later request for it is sent as it is stored.
      const bytes = Buffer.from(JSON.stringify(answer));
      return sendCached(request, reply as FastifyReply, cubeCache.set(key, bytes, cells.size, await gzipped(bytes)));
    }
    return answer;
  });

  app.get('/api/aggregates/deal-points/series', {
    config: { access: aggregateReaders, audit: 'read_aggregate', replica: true },
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
      response: { 200: Series, ...errorResponses },
    },
  }, async (request) => {
    const { query, principal } = request;
    const by: SeriesKey = query.by ?? 'total';
    let { filter, disclosure } = filterOf(request, query, null);
    const cellArea = query.bbox !== undefined ? { field: 'querystring.bbox' } : query.operation !== undefined ? { field: 'querystring.operation' } : null;
    const otherUnits = [
      { field: 'querystring.commune', present: query.commune !== undefined }, { field: 'querystring.department', present: query.department !== undefined },
      { field: 'querystring.region', present: query.region !== undefined }, { field: 'querystring.by', present: by !== 'total' },
    ];
    if (query.operation !== undefined) {
      // The operation itself from the primary: one just created is found at once (its counts come from the replica).
      const target = await operationTarget(app.db.pool, query.operation);
      if (!target || !operationVisible(principal, target)) throw new NotFoundError('operation', query.operation);
      // An analyst's own operation is counted precisely within its departments.
      const scope = preciseScope(principal);
      if (disclosure.unitResolution !== null && scope !== 'all' && scope.includes(target.department_code) && !query.department) {
        disclosure = disclosureFor(principal, scope);
        filter = { ...filter, departments: scope, underWayVisibleIn: underWayVisibleIn(principal, disclosure) };
      }
      if (disclosure.unitResolution !== null) {
        filter = { ...filter, areas: [...(filter.areas ?? []), cellSetArea(polygonCells(target.target, disclosure.unitResolution), disclosure.unitResolution)] };
      } else {
        filter = { ...filter, operation: query.operation };
      }
    }
    assertOneUnitSystem(disclosure, cellArea, otherUnits);
    filter = { ...filter, region: query.region ?? null, commune: query.commune ?? null };
    if (disclosure.perturb && cellArea && disclosure.unitResolution !== null) {
      // A chosen area's total is the sum of its published cells (disclosure rule 3: no new equation per box).
      const { months, total } = await additiveSeries(app.readPool(request), 'cells', disclosure.unitResolution, filter);
      request.auditCount = 1;
      return {
        by, from: query.from, to: query.to, months,
        suppressed_below: suppressionThreshold,
        disclosure: `${describeDisclosure(disclosure)}; the total of the area is the sum of its published cells, cells "< ${suppressionThreshold}" not counted (their number is given)`,
        series: [{ key: 'total', label: 'Total', active: total.active, cumulative: total.cumulative, suppressed_cells: total.suppressedActive, suppressed_cells_cumulative: total.suppressedCumulative }],
      };
    }
    const pool = app.readPool(request);
    // Kept until the data change, as cubes are (keptVersion).
    const version = await keptVersion(pool, filter);
    const { months, series } = version === null ? await monthlySeries(pool, by, filter)
      : await keptWhileUnchanged(pool, `series|${by}|${JSON.stringify(filter)}`, version, () => monthlySeries(pool, by, filter));
    const labels = await seriesLabels(pool, by);
    const keys = by === 'size_class' ? [...labels.keys()] : by === 'total' ? ['total'] : [...series.keys()].sort();
    const zero = months.map(() => 0);
    const empty: MonthlyCounts = { active: zero, cumulative: zero, activeKeys: zero, cumulativeKeys: zero };
    request.auditCount = keys.length;
    return {
      by, from: query.from, to: query.to, months,
      suppressed_below: disclosure.perturb ? suppressionThreshold : null, disclosure: describeDisclosure(disclosure),
      series: keys.map((key) => ({ key, label: labels.get(key) ?? key, ...servedCounts(series.get(key) ?? empty, disclosure) })),
    };
  });
}

