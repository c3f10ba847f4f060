import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { IdParams, StringEnum, errorResponses, DepartmentCode } from '../schemas/common.js';
import {
  AcceptBody, AcceptedReport, CandidateList, ConfirmedCandidate, DecisionList, DiscardBody, DiscardedCandidate, FormToken, MergeBody, type QueuedCluster, Queue, ReasonList,
  ReceiptStatus, RejectBody, Report, ReportBody, ReportReceipt, Surroundings, UndoneReport,
} from '../schemas/moderation.js';
import { analysts } from '../domain/access.js';
import { checkFormToken, issueFormToken, minimumAgeSeconds } from '../domain/form-tokens.js';
import { claimFormToken } from '../services/shared-limits.js';
import { pointProblems } from '../domain/geojson-checks.js';
import { InvalidInputError, UnprocessableError } from '../errors.js';
import * as reports from '../services/public-reports.js';

import { assertRecordInScope, departmentFilter, workScope } from './scope.js';

export { seenKinds, timesOfDay } from '../schemas/moderation.js';


export async function publicReportRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  // Shared by every server process: a token issued by one is accepted, once, by any.
  const secret = app.sharedSecret;

  app.get('/api/public/form-token', {
    config: { access: 'public' },
    schema: { tags: ['public reports'], summary: `A signed token for the report form, usable once, from ${minimumAgeSeconds} s after it is issued`, response: { 200: FormToken } },
  }, async () => ({ token: issueFormToken(secret, Date.now()), usable_after_seconds: minimumAgeSeconds }));

  app.post('/api/public/reports', {
    bodyLimit: 8 * 1024,
    config: {
      access: 'public', audit: 'write',
      // Counted in PostgreSQL for every process; the client address is stored only as a keyed hash.
      rateLimit: { max: app.config.reportRateLimitPerMinute, timeWindow: '1 minute' },
    },
    schema: {
      tags: ['public reports'],
      summary: 'Report a suspected deal point (no account; no IP address, identity or device data is stored). Answers a receipt number.',
      body: ReportBody,
      response: { 201: ReportReceipt, ...errorResponses },
    },
  }, async (request, reply) => {
    const body = request.body;
    if (body.website) throw new InvalidInputError([{ field: 'body.website', reason: 'must stay empty' }]);
    const check = checkFormToken(body.form_token, secret, Date.now());
    if (!check.ok) throw new InvalidInputError([{ field: 'body.form_token', reason: check.reason }]);
    let position: [number, number];
    let precision: 'pin' | 'commune';
    if (body.location) {
      const problems = pointProblems(body.location, 'body.location');
      if (problems.length) throw new UnprocessableError(problems);
      position = [body.location.coordinates[0], body.location.coordinates[1]];
      precision = 'pin';
    } else if (body.commune) {
      position = await reports.communeCentre(app.db.pool, body.commune);
      precision = 'commune';
    } else {
      throw new InvalidInputError([{ field: 'body.location', reason: 'place a pin on the map or give the commune' }]);
    }
    if (!(await claimFormToken(app.db.pool, body.form_token))) throw new InvalidInputError([{ field: 'body.form_token', reason: 'was already used: reload the page' }]);
    const { receipt } = await reports.createReport(app.db.pool, {
      longitude: position[0], latitude: position[1], precision, seen: body.seen, timesOfDay: body.times_of_day ?? [],
      description: body.description?.trim() || null,
    });
    reply.status(201);
    return { receipt, message: 'Signalement reçu. Il sera examiné par la cellule de renseignement (CROSS) de votre département.' };
  });

  app.get('/api/public/reports/:receipt', {
    config: { access: 'public', rateLimit: { max: app.config.reportRateLimitPerMinute, timeWindow: '1 minute' } },
    schema: {
      tags: ['public reports'], summary: 'Follow a receipt: received, or examined (nothing else is told)',
      params: Type.Object({ receipt: Type.String({ pattern: '^SIG-[0-9A-HJ-NP-Z]{10}$' }) }),
      response: { 200: ReceiptStatus, ...errorResponses },
    },
  }, async (request) => reports.receiptStatus(app.db.pool, request.params.receipt));
}



export async function moderationRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['moderation'];
  const moderate = { access: analysts, audit: 'moderate' as const };
  const inScope = async (request: FastifyRequest, id: number) => {
    const report = await reports.getReport(app.db.pool, id);
    assertRecordInScope(request, report.department_code, 'report', id);
  };

  app.get('/api/moderation/reports', {
    config: { access: analysts, audit: 'read_precise' },
    schema: {
      tags, summary: "The moderation queue of the analyst's departments, reports grouped by spot (within 75 m)",
      querystring: Type.Object({
        department: Type.Optional(DepartmentCode), status: Type.Optional(StringEnum(['pending', 'accepted', 'merged', 'rejected'] as const)),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
      }, { additionalProperties: false }),
      response: { 200: Queue, ...errorResponses },
    },
  }, async (request) => {
    const departments = departmentFilter(request, request.query.department);
    const items = await reports.moderationQueue(app.db.pool, { departments, department: request.query.department, status: request.query.status ?? 'pending', limit: request.query.limit ?? 200 });
    request.auditCount = items.reduce((sum, cluster) => sum + cluster.count, 0);
    return { items: items as unknown as Static<typeof QueuedCluster>[] };
  });

  app.post('/api/moderation/reports/:id/accept', {
    config: moderate,
    schema: { tags, summary: 'Accept: link to a deal point within 75 m (given, or the nearest), else create a candidate point', params: IdParams, body: AcceptBody, response: { 200: AcceptedReport, ...errorResponses } },
  }, async (request) => {
    await inScope(request, request.params.id);
    if (request.body.deal_point_id) request.auditDetail = `deal_point=${request.body.deal_point_id}`;
    const accepted = await reports.acceptReport(app.db.pool, request.params.id, request.principal!.userId, request.body.deal_point_id ?? null, workScope(request));
    request.auditDetail = `deal_point=${accepted.deal_point_id}`;
    return accepted;
  });

  app.post('/api/moderation/reports/:id/merge', {
    config: moderate,
    schema: { tags, summary: 'Merge a duplicate into another report', params: IdParams, body: MergeBody, response: { 200: Report, ...errorResponses } },
  }, async (request) => {
    await inScope(request, request.params.id);
    request.auditDetail = `into=${request.body.into}`;
    return reports.mergeReport(app.db.pool, request.params.id, request.body.into, request.principal!.userId, workScope(request));
  });

  app.post('/api/moderation/reports/:id/reject', {
    config: moderate,
    schema: {
      tags, summary: 'Reject with a reason from the list (GET /api/moderation/reasons), free text, or both', params: IdParams,
      body: RejectBody,
      response: { 200: Report, ...errorResponses },
    },
  }, async (request) => {
    const { reason_code: code, reason } = request.body;
    if (!code && !reason?.trim()) throw new InvalidInputError([{ field: 'body.reason', reason: 'give a reason from the list (reason_code) or in words' }]);
    if (code === 'autre' && !reason?.trim()) throw new InvalidInputError([{ field: 'body.reason', reason: 'say in words which other reason' }]);
    await inScope(request, request.params.id);
    return reports.rejectReport(app.db.pool, request.params.id, reason?.trim() || null, request.principal!.userId, code ?? null);
  });

  app.get('/api/moderation/reasons', {
    config: { access: analysts },
    schema: { tags, summary: 'The reasons a report can be rejected for', response: { 200: ReasonList } },
  }, async () => ({ items: Object.entries(reports.rejectionReasons).map(([code, label]) => ({ code, label })) }));

  app.post('/api/moderation/reports/:id/undo', {
    config: moderate,
    schema: { tags, summary: 'Undo the decision on a report, the same day: the report is pending again (a candidate point it created goes away)', params: IdParams, response: { 200: UndoneReport, ...errorResponses } },
  }, async (request) => {
    await inScope(request, request.params.id);
    const undone = await reports.undoDecision(app.db.pool, request.params.id, request.principal!.userId);
    if (undone.removed_candidate) request.auditDetail = `removed_candidate=${undone.removed_candidate}`;
    return undone;
  });

  app.get('/api/moderation/reports/:id/history', {
    config: { access: analysts, audit: 'read_precise' },
    schema: { tags, summary: 'The decisions taken on a report, oldest first', params: IdParams, response: { 200: DecisionList, ...errorResponses } },
  }, async (request) => {
    await inScope(request, request.params.id);
    return { items: await reports.decisionHistory(app.db.pool, request.params.id) };
  });

  app.get('/api/moderation/reports/:id/surroundings', {
    config: { access: analysts, audit: 'read_precise' },
    schema: { tags, summary: "A report's place: deal points (of your departments) and other reports within 300 m, for its small map", params: IdParams, response: { 200: Surroundings, ...errorResponses } },
  }, async (request) => {
    await inScope(request, request.params.id);
    const around = await reports.reportSurroundings(app.db.pool, request.params.id, workScope(request));
    request.auditCount = around.deal_points.length + around.reports.length + 1;
    return around as unknown as Static<typeof Surroundings>;
  });

  app.get('/api/moderation/candidates', {
    config: { access: analysts, audit: 'read_precise' },
    schema: {
      tags, summary: 'Candidate deal points of your departments (created from accepted reports, not active until confirmed), oldest first, with their reports',
      querystring: Type.Object({ department: Type.Optional(DepartmentCode), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })) }, { additionalProperties: false }),
      response: { 200: CandidateList, ...errorResponses },
    },
  }, async (request) => ({ items: await reports.listCandidates(app.db.pool, departmentFilter(request, request.query.department), request.query.limit ?? 200) }));

  app.post('/api/moderation/candidates/:id/confirm', {
    config: moderate,
    schema: { tags, summary: 'Confirm a candidate deal point (created from an accepted report): it becomes an ordinary point, active from its first report', params: IdParams, response: { 200: ConfirmedCandidate, ...errorResponses } },
  }, async (request) => {
    request.auditDetail = `deal_point=${request.params.id}`;
    return reports.confirmCandidate(app.db.pool, request.params.id, workScope(request));
  });

  app.post('/api/moderation/candidates/:id/discard', {
    config: moderate,
    schema: {
      tags, summary: 'Discard a candidate deal point: no deal point there; it is removed and its reports rejected (no activity found), undoable the same day report by report',
      params: IdParams,
      body: DiscardBody,
      response: { 200: DiscardedCandidate, ...errorResponses },
    },
  }, async (request) => {
    request.auditDetail = `deal_point=${request.params.id}`;
    const discarded = await reports.discardCandidate(app.db.pool, request.params.id, request.principal!.userId, workScope(request), request.body?.reason?.trim() || null);
    if (discarded.rejected_reports.length) request.auditDetail += `&report=${discarded.rejected_reports.join(',')}`;
    return discarded;
  });
}
