/**
 * Displacement analyses: an operation's effect (WDQ, TNE, WDD, placebo test), its wake (destination
 * towns, placebo test, arcs), the shift between size classes, emerging hot spots (a job with progress) and the
 * resurgence watchlist. Analysts and prefects; departmental roles for their departments' operations.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DepartmentCode, Id, IdParams, Month, errorResponses } from '../schemas/common.js';
import { DepartmentWake, DepartmentWakes, HotSpotBody, Job, JobStarted, OperationEffect, OperationSummary, OperationWake, SizeClassShift, Watchlist } from '../schemas/analyses.js';
import { preciseReaders, preciseScope } from '../domain/access.js';
import { defaultEffectOptions } from '../domain/analytics/displacement.js';
import { defaultWakeOptions } from '../domain/analytics/wake.js';
import { parseMonthWindow } from '../domain/months.js';
import * as analyses from '../services/analyses.js';
import * as hotSpotJobs from '../services/hot-spot-jobs.js';
import { getOperation } from '../services/operations.js';
import { assertRecordInScope, departmentFilter, operationNameable, workScope } from './scope.js';
import { parseBbox } from '../services/filters.js';
import { DomainError, InvalidInputError, NotFoundError } from '../errors.js';
import { today } from '../domain/dates.js';

const EffectQuery = {
  buffer_rings: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, default: defaultEffectOptions.bufferRings, description: 'Buffer width in rings of H3 resolution-8 cells (about 0.92 km each; default 3, about 2.8 km)' })),
  before_months: Type.Optional(Type.Integer({ minimum: 1, maximum: 24, default: defaultEffectOptions.beforeMonths })),
  after_months: Type.Optional(Type.Integer({ minimum: 1, maximum: 24, default: defaultEffectOptions.afterMonths })),
  gap_months: Type.Optional(Type.Integer({ minimum: 0, maximum: 12, default: defaultEffectOptions.gapMonths, description: 'Months left out just before the start (targeting follows a rise: regression to the mean)' })),
};
const WakeQuery = {
  distance_km: Type.Optional(Type.Number({ minimum: 1, maximum: 300, default: defaultWakeOptions.distanceKm })),
  lag_months: Type.Optional(Type.Integer({ minimum: 1, maximum: 24, default: defaultWakeOptions.lagMonths })),
  history_months: Type.Optional(Type.Integer({ minimum: 6, maximum: 48, default: defaultWakeOptions.historyMonths, description: 'Months before the start that give each town its usual rate' })),
  as_of: Type.Optional(Type.String({ format: 'date', description: 'Read the data as of this day (default: the last recorded status change, the data vintage)' })),
};
export async function analysisRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['analyses'];
  const pool = () => app.db.pool;
  const config = { access: preciseReaders, audit: 'read_precise' as const };

  const checkOperation = async (request: FastifyRequest, id: number) => {
    const feature = await getOperation(pool(), id);
    assertRecordInScope(request, (feature.properties as { department_code: string }).department_code, 'operation', id);
  };
  const options = (q: { buffer_rings?: number; before_months?: number; after_months?: number; gap_months?: number; distance_km?: number; lag_months?: number; history_months?: number; as_of?: string }) => ({
    effect: {
      ...defaultEffectOptions, bufferRings: q.buffer_rings ?? defaultEffectOptions.bufferRings, beforeMonths: q.before_months ?? defaultEffectOptions.beforeMonths,
      afterMonths: q.after_months ?? defaultEffectOptions.afterMonths, gapMonths: q.gap_months ?? defaultEffectOptions.gapMonths,
    },
    wake: { ...defaultWakeOptions, distanceKm: q.distance_km ?? defaultWakeOptions.distanceKm, lagMonths: q.lag_months ?? defaultWakeOptions.lagMonths, historyMonths: q.history_months ?? defaultWakeOptions.historyMonths },
    asOf: q.as_of ?? null,
  });

  app.get('/api/analyses/operations/:id', {
    config,
    schema: {
      tags, summary: 'What an operation did, as of the data vintage: effect (WDQ, TNE, WDD of Wheeler & Ratcliffe, placebo test of the buffer), wake (destination towns with FDR, placebo test) and the reading in plain French',
      params: IdParams, querystring: Type.Object({ ...EffectQuery, ...WakeQuery }, { additionalProperties: false }), response: { 200: OperationSummary, ...errorResponses },
    },
  }, async (request) => {
    await checkOperation(request, request.params.id);
    return analyses.operationSummary(pool(), request.params.id, options(request.query), workScope(request));
  });

  app.get('/api/analyses/operations/:id/effect', {
    config,
    schema: {
      tags, summary: 'Effect of an operation: counts in target (A), buffer (B) and control (C) before and after, WDQ, TNE, WDD with its standard error, interpretation; target and buffer cells as GeoJSON',
      params: IdParams, querystring: Type.Object({ ...EffectQuery, as_of: WakeQuery.as_of }, { additionalProperties: false }), response: { 200: OperationEffect, ...errorResponses },
    },
  }, async (request) => {
    await checkOperation(request, request.params.id);
    return analyses.operationEffectAnalysis(pool(), request.params.id, options(request.query), workScope(request));
  });

  app.get('/api/analyses/operations/:id/wake', {
    config,
    schema: {
      tags, summary: 'Wake of an operation: appearances within D km and L months in every candidate town against its expected count (exact test, FDR over all towns), placebo test, arcs as GeoJSON',
      params: IdParams, querystring: Type.Object({ ...WakeQuery, buffer_rings: EffectQuery.buffer_rings }, { additionalProperties: false }), response: { 200: OperationWake, ...errorResponses },
    },
  }, async (request) => {
    await checkOperation(request, request.params.id);
    return analyses.operationWakeAnalysis(pool(), request.params.id, options(request.query), workScope(request));
  });

  // Departmental roles: the wakes of other departments' (ended) operations that reach theirs.
  const departmentsAsked = (request: FastifyRequest, department: string | undefined): string[] => {
    const departments = departmentFilter(request, department) ?? (department ? [department] : null);
    if (departments === null) throw new InvalidInputError([{ field: 'querystring.department', reason: 'national roles give the department to read' }]);
    return departments;
  };
  const DepartmentQuery = { department: Type.Optional(DepartmentCode) };

  app.get('/api/analyses/department-wakes', {
    config,
    schema: {
      tags, summary: "Ended operations of other departments whose wake may reach the principal's departments (towns of the wake's minimum population within its distance of the target)",
      querystring: Type.Object({ ...DepartmentQuery, distance_km: WakeQuery.distance_km }, { additionalProperties: false }),
      response: {
        200: DepartmentWakes,
        ...errorResponses,
      },
    },
  }, async (request) => {
    const departments = departmentsAsked(request, request.query.department);
    const distanceKm = request.query.distance_km ?? defaultWakeOptions.distanceKm;
    const items = await analyses.wakesReaching(pool(), departments, { distanceKm, minPopulation: defaultWakeOptions.minPopulation, today: today() });
    return { departments, distance_km: distanceKm, min_population: defaultWakeOptions.minPopulation, items };
  });

  app.get('/api/analyses/operations/:id/department-wake', {
    config,
    schema: {
      tags, summary: "An operation's wake as it concerns the principal's departments: their towns in full (appearances against expectation, exact test, FDR over all towns), the towns elsewhere as totals; for ended operations of other departments and one's own",
      params: IdParams, querystring: Type.Object({ ...DepartmentQuery, ...WakeQuery, buffer_rings: EffectQuery.buffer_rings }, { additionalProperties: false }),
      response: {
        200: DepartmentWake,
        ...errorResponses,
      },
    },
  }, async (request) => {
    const departments = departmentsAsked(request, request.query.department);
    const feature = await getOperation(pool(), request.params.id);
    if (!operationNameable(request.principal, feature.properties as { department_code: string; ended_on: string | null })) throw new NotFoundError('operation', request.params.id);
    request.auditDetail = `departments=${departments.join(',')}`;
    return analyses.departmentalWake(pool(), request.params.id, options(request.query), departments);
  });

  app.get('/api/analyses/size-class-shift', {
    config,
    schema: {
      tags, summary: 'Active points by commune size class in a region before and after a month (or an operation\'s start), against the national change',
      querystring: Type.Object({
        operation: Type.Optional(Id), region: Type.Optional(Type.String({ pattern: '^[0-9]{2}$' })), month: Type.Optional(Month('Month read')),
        window_months: Type.Optional(Type.Integer({ minimum: 1, maximum: 24, default: 6 })),
      }, { additionalProperties: false }),
      response: { 200: SizeClassShift, ...errorResponses },
    },
  }, async (request) => {
    const q = request.query;
    if (q.operation === undefined && (q.region === undefined || q.month === undefined)) {
      throw new InvalidInputError([{ field: 'querystring.operation', reason: 'give an operation, or a region and a month' }]);
    }
    if (q.operation !== undefined) await checkOperation(request, q.operation);
    return analyses.sizeClassShiftAnalysis(pool(), { operation: q.operation ?? null, region: q.region ?? null, month: q.month ?? null, windowMonths: q.window_months ?? 6, scope: workScope(request) });
  });

  app.get('/api/analyses/watchlist', {
    config,
    schema: {
      tags, summary: 'Resurgence watch (measure 22): dismantled points with new activity within R metres within N months; mid-sized towns near a recent operation whose activity rose',
      querystring: Type.Object({
        as_of: Type.Optional(Type.String({ format: 'date', description: 'the day read (default and upper bound: the last day with data; the answer gives the day used as as_of and that last day as data_until)' })),
        radius_m: Type.Optional(Type.Integer({ minimum: 50, maximum: 5000, default: 300 })),
        months: Type.Optional(Type.Integer({ minimum: 1, maximum: 24, default: 6 })),
        reach_km: Type.Optional(Type.Number({ minimum: 5, maximum: 300, default: 100 })),
      }, { additionalProperties: false }),
      response: { 200: Watchlist, ...errorResponses },
    },
  }, async (request) => {
    const q = request.query;
    const principal = request.principal;
    return analyses.watchlist(pool(), {
      asOf: q.as_of ?? null, radiusM: q.radius_m ?? 300, months: q.months ?? 6, reachKm: q.reach_km ?? 100, departments: departmentFilter(request),
      operationNameable: (operation) => operationNameable(principal, operation),
    });
  });

  app.post('/api/analyses/emerging-hot-spots', {
    config: { access: preciseReaders, audit: 'analysis' },
    schema: {
      tags, summary: 'Start an emerging hot spot analysis (H3 cells x months, Gi* with an exact or permutation test, FDR, Mann-Kendall); answers 202 with a job to poll',
      body: HotSpotBody,
      response: { 202: JobStarted, ...errorResponses },
    },
  }, async (request, reply) => {
    const body = request.body;
    const { window: { from, to }, problems } = parseMonthWindow(body.from, body.to, { minMonths: 6, maxMonths: 240, fields: { from: 'body.from', to: 'body.to' } });
    if (problems.length) throw new InvalidInputError(problems);
    const scope = preciseScope(request.principal);
    if (body.resolution > 7 && scope !== 'all' && (!body.department || !scope.includes(body.department))) {
      throw new DomainError(403, 'too_fine', 'resolution 8 is for your departments only (give department=)', [{ field: 'body.resolution', reason: 'at most 7 outside your departments' }]);
    }
    // Outside the principal's departments a bbox selects whole cells, as for every aggregate.
    const departments = body.department ? [body.department] : null;
    const bbox = body.bbox ? parseBbox(body.bbox, 'bbox') : null;
    request.auditDetail = `resolution=${body.resolution}${body.department ? `&department=${body.department}` : ''}${body.bbox ? `&bbox=${body.bbox}` : ''}`;
    // Queued in PostgreSQL: any server process runs it (the principal's scope travels with it).
    const job = await hotSpotJobs.startHotSpotJob(pool(), app.jobs, request.principal!, {
      resolution: body.resolution, from, to, departments, bbox, method: body.method ?? 'exact', permutations: body.permutations ?? 199, seed: 20190101,
    });
    reply.status(202);
    return { id: job.id, status: job.status, done: job.done, total: job.total, poll: `/api/analyses/jobs/${job.id}` };
  });

  app.get('/api/analyses/jobs/:id', {
    config: { access: preciseReaders, audit: 'analysis' },
    schema: {
      tags, summary: 'Progress and, once done, the result of an analysis job (only for the user who started it)',
      params: Type.Object({ id: Type.String({ format: 'uuid' }) }), response: { 200: Job, ...errorResponses },
    },
  }, async (request) => {
    const job = await hotSpotJobs.getJob(pool(), request.params.id);
    if (!job || job.owner !== request.principal!.userId) throw new NotFoundError('job', request.params.id);
    return { id: job.id, status: job.status, done: job.done, total: job.total, parameters: job.parameters, error: job.error, result: job.status === 'done' ? job.result : null };
  });
}
