/**
 * Rankings of sectors (OECD/JRC Handbook): computed on request (sliders), saved as immutable dated
 * records with their SHA-256, listed, read, compared two by two, exported as CSV. A saved ranking
 * of another department is not found, exactly like a missing one.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { DepartmentCode, Id, IdParams, errorResponses } from '../schemas/common.js';
import { ComputedRanking, RankingComparison, RankingList, SavedRanking, SavedRankingCreated } from '../schemas/rankings.js';
import { RankingBody, SaveRankingBody } from '../schemas/sectors.js';
import { assertInScope, workScope } from './scope.js';
import { deskReaders, deskWriters } from './sectors.js';
import { rankingPdf } from '../services/ranking-pdf.js';
import * as rankings from '../services/rankings.js';
import { today } from '../domain/dates.js';

export async function rankingRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['sectors'];
  const pool = () => app.db.pool;
  const compute = (request: FastifyRequest, body: Static<typeof RankingBody>) => {
    assertInScope(request, body.department);
    return rankings.computeRanking(pool(), { ...body, kind: body.kind ?? 'commune', at: body.at ?? today() }, workScope(request));
  };

  app.post('/api/sectors/ranking', {
    config: { access: deskReaders, audit: 'analysis' },
    schema: {
      tags, summary: 'Rank a department\'s sectors (not saved): conjunctive rule, composite score (min-max or rank; arithmetic or geometric), seeded Monte Carlo rank intervals, sectors lacking data listed apart',
      body: RankingBody, response: { 200: ComputedRanking, ...errorResponses },
    },
  }, async (request) => compute(request, request.body));

  app.post('/api/sectors/rankings', {
    config: { access: deskWriters, audit: 'write' },
    schema: { tags, summary: 'Compute and save a ranking as an immutable dated record (parameters, data vintage, result, SHA-256)', body: SaveRankingBody, response: { 201: SavedRankingCreated, ...errorResponses } },
  }, async (request, reply) => {
    const computed = await compute(request, request.body.parameters);
    const saved = await rankings.saveRanking(pool(), computed, request.body.title.trim(), request.principal!.userId);
    request.auditDetail = `ranking=${saved.id}&sha256=${saved.sha256}`;
    request.auditCount = saved.result.ranked.length;
    return reply.code(201).send(saved);
  });

  app.get('/api/sectors/rankings', {
    config: { access: deskReaders },
    schema: { tags, summary: 'Saved rankings of your departments, newest first', querystring: Type.Object({ department: Type.Optional(DepartmentCode) }, { additionalProperties: false }), response: { 200: RankingList, ...errorResponses } },
  }, async (request) => {
    if (request.query.department) assertInScope(request, request.query.department);
    const scope = request.query.department ? [request.query.department] : workScope(request);
    return { items: await rankings.listRankings(pool(), scope) };
  });

  app.get('/api/sectors/rankings/:id', {
    config: { access: deskReaders, audit: 'read_precise' },
    schema: { tags, summary: 'One saved ranking, with a check that its content still gives its SHA-256', params: IdParams, response: { 200: SavedRanking, ...errorResponses } },
  }, async (request) => rankings.getRanking(pool(), request.params.id, workScope(request)));

  app.get('/api/sectors/rankings/:id/compare/:other', {
    config: { access: deskReaders, audit: 'read_precise' },
    schema: { tags, summary: 'Two saved rankings side by side: each sector\'s rank in both and its change', params: Type.Object({ id: Id, other: Id }), response: { 200: RankingComparison, ...errorResponses } },
  }, async (request) => {
    const [a, b] = await Promise.all([rankings.getRanking(pool(), request.params.id, workScope(request)), rankings.getRanking(pool(), request.params.other, workScope(request))]);
    return rankings.compareSaved(a, b);
  });

  app.get('/api/sectors/rankings/:id/export.csv', {
    config: { access: deskReaders, audit: 'export' },
    schema: { tags, summary: 'A saved ranking as CSV (`;`, UTF-8 with BOM, INSEE codes)', params: IdParams, response: { 200: Type.Unsafe<string>({ type: 'string', description: 'CSV' }), ...errorResponses } },
  }, async (request, reply) => {
    const ranking = await rankings.getRanking(pool(), request.params.id, workScope(request));
    request.auditCount = ranking.result.ranked.length + ranking.result.excluded.length;
    request.auditDetail = `sha256=${ranking.sha256}`;
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="sillage-classement-${ranking.department_code}-${ranking.id}.csv"`).send(rankings.rankingCsv(ranking));
  });

  app.get('/api/sectors/rankings/:id/export.pdf', {
    config: { access: deskReaders, audit: 'export' },
    schema: { tags, summary: 'A saved ranking as a stamped PDF (PDF/A-3b, same bytes for the same ranking)', params: IdParams, response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'PDF' }), ...errorResponses } },
  }, async (request, reply) => {
    const ranking = await rankings.getRanking(pool(), request.params.id, workScope(request));
    request.auditCount = ranking.result.ranked.length + ranking.result.excluded.length;
    request.auditDetail = `sha256=${ranking.sha256}`;
    return reply.type('application/pdf').header('content-disposition', `attachment; filename="sillage-classement-${ranking.department_code}-${ranking.id}.pdf"`).send(await rankingPdf(ranking));
  });
}
