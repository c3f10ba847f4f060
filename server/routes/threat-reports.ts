/**
 * The annual threat report (état de la menace): France or a department and a year, precise for the
 * principals who may read the department precisely, aggregated for the others; stored immutably,
 * opened as JSON or a stamped PDF. Creation and downloads are audited.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Closed, fileResponse, storedJsonResponse, errorResponses } from '../schemas/common.js';
import { SnapshotSummary, ThreatReportBody, ThreatReportSchema } from '../schemas/snapshots.js';
import { aggregateReaders } from '../domain/access.js';
import type { ThreatReportDocument } from '../domain/snapshots/threat-report.js';
import { today } from '../domain/dates.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { createThreatReport, mayOpenThreatReport } from '../services/threat-reports.js';
import { threatReportPdf } from '../services/threat-report-pdf.js';
import { listSnapshots, storedSnapshot } from '../services/snapshots.js';

const ReportParams = Type.Object({ id: Type.String({ pattern: '^R-[0-9A-HJ-NP-Z]{12}$', description: 'Report identifier, e.g. R-7K2M9QX4TB3H' }) });

export async function threatReportRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['snapshots'];
  const pool = () => app.db.pool;

  /** The stored report, as unknown as a missing one to a principal who may not open its precise version. */
  const readable = async (request: import('fastify').FastifyRequest, id: string) => {
    const { text } = await storedSnapshot(pool(), id, 'threat_report');
    const report = JSON.parse(text) as ThreatReportDocument;
    if (!mayOpenThreatReport(request.principal!, report.parameters)) throw new NotFoundError('report', id);
    return { text, report };
  };

  app.post('/api/threat-reports', {
    config: { access: aggregateReaders, audit: 'read_aggregate' },
    schema: {
      tags, summary: 'Create the annual threat report for France or a department and a complete year (precise for OFAST and the department\'s CROSS and prefecture, aggregated for the others), stored immutably',
      body: ThreatReportBody,
      response: { 201: ThreatReportSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const { scope, year } = request.body;
    const currentYear = Number(today().slice(0, 4));
    if (year >= currentYear) throw new InvalidInputError([{ field: 'body.year', reason: `must be a complete year (before ${currentYear})` }]);
    request.auditDetail = `report=new&scope=${scope}`;
    const report = await createThreatReport(pool(), request.principal!, scope, year, new Date());
    request.auditDetail = `report=${report.id}&scope=${scope}&precision=${report.parameters.precision}&year=${year}`;
    request.auditCount = 1;
    reply.status(201);
    return report;
  });

  app.get('/api/threat-reports', {
    config: { access: aggregateReaders },
    schema: { tags, summary: 'The signed-in user\'s threat reports, newest first', response: { 200: Closed({ items: Type.Array(SnapshotSummary) }), ...errorResponses } },
  }, async (request) => ({ items: await listSnapshots(pool(), request.principal!, 'threat_report') }));

  app.get('/api/threat-reports/:id', {
    config: { access: aggregateReaders, audit: 'read_aggregate' },
    schema: { tags, summary: 'A stored threat report exactly as stored', params: ReportParams, response: { 200: storedJsonResponse('The stored document, byte for byte (canonical JSON)', ThreatReportSchema), ...errorResponses } },
  }, async (request, reply) => {
    const { text } = await readable(request, request.params.id);
    request.auditCount = 1;
    return reply.type('application/json; charset=utf-8').send(text);
  });

  app.get('/api/threat-reports/:id/pdf', {
    config: { access: aggregateReaders, audit: 'export' },
    schema: { tags, summary: 'A stored threat report as a stamped PDF (PDF/A-3b; the same report always gives the same bytes)', params: ReportParams, response: { 200: fileResponse('The stamped PDF (PDF/A-3b)', 'application/pdf'), ...errorResponses } },
  }, async (request, reply) => {
    const { report } = await readable(request, request.params.id);
    request.auditDetail = 'format=pdf';
    request.auditCount = 1;
    return reply.type('application/pdf').header('content-disposition', `attachment; filename="sillage-${report.id}.pdf"`).send(await threatReportPdf(report));
  });
}
