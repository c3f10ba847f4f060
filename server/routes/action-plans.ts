/**
 * Action plans (2010 circular) made from a saved ranking: priority sectors in order with their
 * objectives and targets, the semester review (indicators against targets, schools nearby) and
 * the reviews saved. A plan of another department is not found, exactly like a missing one.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DepartmentCode, IdParams, errorResponses } from '../schemas/common.js';
import { Plan, PlanList, SavedReview, SemesterReview } from '../schemas/action-plans.js';
import { PlanBody, ReviewBody, ReviewQuery } from '../schemas/sectors.js';
import { assertInScope, workScope } from './scope.js';
import { deskReaders, deskWriters } from './sectors.js';
import * as plans from '../services/action-plans.js';

export async function actionPlanRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['sectors'];
  const pool = () => app.db.pool;

  app.post('/api/action-plans', {
    config: { access: deskWriters, audit: 'write' },
    schema: { tags, summary: 'Create an action plan from a saved ranking: priority sectors in order, objectives and targets', body: PlanBody, response: { 201: Plan, ...errorResponses } },
  }, async (request, reply) => {
    const created = await plans.createPlan(pool(), request.body, workScope(request), request.principal!.userId);
    return reply.code(201).send(await plans.getPlan(pool(), created.id, workScope(request)));
  });

  app.get('/api/action-plans', {
    config: { access: deskReaders },
    schema: { tags, summary: 'Action plans of your departments, newest first', querystring: Type.Object({ department: Type.Optional(DepartmentCode) }, { additionalProperties: false }), response: { 200: PlanList, ...errorResponses } },
  }, async (request) => {
    if (request.query.department) assertInScope(request, request.query.department);
    return { items: await plans.listPlans(pool(), request.query.department ? [request.query.department] : workScope(request)) };
  });

  app.get('/api/action-plans/:id', {
    config: { access: deskReaders, audit: 'read_precise' },
    schema: { tags, summary: 'One action plan with its sectors, objectives, targets and reviews', params: IdParams, response: { 200: Plan, ...errorResponses } },
  }, async (request) => plans.getPlan(pool(), request.params.id, workScope(request)));

  app.get('/api/action-plans/:id/review', {
    config: { access: deskReaders, audit: 'read_precise' },
    schema: { tags, summary: 'A semester review: each priority sector\'s indicators measured against its targets, and the schools within the radius', params: IdParams, querystring: ReviewQuery, response: { 200: SemesterReview, ...errorResponses } },
  }, async (request) => plans.semesterReview(pool(), request.params.id, request.query.semester, workScope(request), workScope(request), request.query.radius_m));

  app.post('/api/action-plans/:id/reviews', {
    config: { access: deskWriters, audit: 'write' },
    schema: { tags, summary: 'Save a semester review (the values measured then, and the prefecture\'s note)', params: IdParams, body: ReviewBody, response: { 201: SavedReview, ...errorResponses } },
  }, async (request, reply) => reply.code(201).send(await plans.saveReview(pool(), request.params.id, request.body.semester, request.body.note?.trim() || null, workScope(request), workScope(request), request.principal!.userId)));
}
