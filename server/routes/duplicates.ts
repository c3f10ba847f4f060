/**
 * Duplicates across sources (analysts of the departments concerned): proposals, the pair side by
 * side, merge, undo, "distinct". Both points must lie in the analyst's departments; a point
 * outside them is answered like a missing one.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DepartmentCode, Id, IdParams, errorResponses } from '../schemas/common.js';
import { Distinct, DistinctBody, MergeBody, MergeList, Merged, Pair, ProposalList, UndoneMerge } from '../schemas/duplicates.js';
import { analysts } from '../domain/access.js';
import { today } from '../domain/dates.js';
import * as duplicates from '../services/duplicates.js';
import { departmentFilter, workScope } from './scope.js';

export async function duplicateRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['duplicates'];

  app.get('/api/duplicates', {
    config: { access: analysts, audit: 'read_precise' },
    schema: {
      tags, summary: 'Likely duplicates: points of disjoint sources within a distance, with compatible products and overlapping lifetimes',
      querystring: Type.Object({
        department: Type.Optional(DepartmentCode),
        distance_m: Type.Optional(Type.Number({ minimum: 1, maximum: 500, default: duplicates.defaultDuplicateDistanceMeters, description: 'Largest distance between the two points, metres' })),
        min_overlap: Type.Optional(Type.Number({ minimum: 0, maximum: 1, default: duplicates.defaultMinimumLifetimeOverlap, description: 'Smallest share of the joint lifetime both points were known (intersection over union)' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 2000, default: 200 })),
      }, { additionalProperties: false }),
      response: { 200: ProposalList, ...errorResponses },
    },
  }, async (request) => {
    const departments = departmentFilter(request, request.query.department);
    const parameters = {
      distance_m: request.query.distance_m ?? duplicates.defaultDuplicateDistanceMeters,
      min_overlap: request.query.min_overlap ?? duplicates.defaultMinimumLifetimeOverlap, as_of: today(),
    };
    const items = await duplicates.proposeDuplicates(app.db.pool, {
      departments, distanceMeters: parameters.distance_m, minimumOverlap: parameters.min_overlap, asOf: parameters.as_of, limit: request.query.limit ?? 200,
    });
    request.auditCount = items.length * 2;
    return { items, parameters };
  });

  app.get('/api/duplicates/pair', {
    config: { access: analysts, audit: 'read_precise' },
    schema: {
      tags, summary: 'Two points side by side: identifiers, status histories, observations, distance',
      querystring: Type.Object({ a: Id, b: Id }, { additionalProperties: false }),
      response: { 200: Pair, ...errorResponses },
    },
  }, async (request) => {
    request.auditDetail = `deal_points=${request.query.a},${request.query.b}`;
    request.auditCount = 2;
    return duplicates.pairRecord(app.db.pool, request.query.a, request.query.b, workScope(request));
  });

  app.post('/api/duplicates/merge', {
    config: { access: analysts, audit: 'write' },
    schema: {
      tags, summary: "Merge two points into one: the point kept gets the other's identifiers, status events, observations and products",
      body: MergeBody,
      response: { 200: Merged, ...errorResponses },
    },
  }, async (request) => {
    request.auditDetail = `kept=${request.body.kept_id} absorbed=${request.body.absorbed_id}`;
    const merged = await duplicates.mergePoints(app.db.pool, request.body.kept_id, request.body.absorbed_id, request.principal!.userId, workScope(request));
    request.auditDetail += ` merge=${merged.merge_id}`;
    return merged;
  });

  app.post('/api/duplicates/distinct', {
    config: { access: analysts, audit: 'write' },
    schema: {
      tags, summary: 'Declare two points distinct places: the pair is never proposed again',
      body: DistinctBody,
      response: { 200: Distinct, ...errorResponses },
    },
  }, async (request) => {
    request.auditDetail = `deal_points=${request.body.a},${request.body.b}`;
    return duplicates.markDistinct(app.db.pool, request.body.a, request.body.b, request.principal!.userId, workScope(request));
  });

  app.get('/api/duplicates/merges', {
    config: { access: analysts, audit: 'read_precise' },
    schema: {
      tags, summary: "Merges in the analyst's departments, latest first",
      querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })) }, { additionalProperties: false }),
      response: { 200: MergeList, ...errorResponses },
    },
  }, async (request) => ({ items: await duplicates.listMerges(app.db.pool, workScope(request), request.query.limit ?? 50) }));

  app.post('/api/duplicates/merges/:id/undo', {
    config: { access: analysts, audit: 'write' },
    schema: { tags, summary: 'Undo a merge: the absorbed point comes back with its id, identifiers, history and observations', params: IdParams, response: { 200: UndoneMerge, ...errorResponses } },
  }, async (request) => {
    request.auditDetail = `merge=${request.params.id}`;
    return duplicates.undoMerge(app.db.pool, request.params.id, request.principal!.userId, workScope(request));
  });
}
