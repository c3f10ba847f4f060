/**
 * Deputies' stamped area snapshots (/instantanes): created once from the aggregated services at the
 * deputies' disclosure level, stored immutably, reopened and downloaded (PDF, CSV, GeoJSON; PNG drawn
 * in the browser) from the stored text alone. Creation and every download are audited.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Closed, fileResponse, storedJsonResponse, IdParams, errorResponses } from '../schemas/common.js';
import { SnapshotDocumentSchema, SnapshotSummary } from '../schemas/snapshots.js';
import { ConstituencyBody, ConstituencySet, PngDownload, SnapshotCreate, SnapshotFileParams, SnapshotParams } from '../schemas/snapshots.js';
import { aggregateReaders } from '../domain/access.js';
import { checkSnapshotRequest } from '../domain/snapshots/area.js';
import type { SnapshotDocument } from '../domain/snapshots/document.js';
import { today } from '../domain/dates.js';
import { InvalidInputError } from '../errors.js';
import { constituency, createSnapshot, listSnapshots, setConstituency, storedSnapshot } from '../services/snapshots.js';
import { snapshotCsv, snapshotGeoJsonText, snapshotPdf } from '../services/snapshot-files.js';

const fileTypes = { pdf: 'application/pdf', csv: 'text/csv; charset=utf-8', geojson: 'application/geo+json; charset=utf-8' } as const;

export async function snapshotRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['snapshots'];
  const pool = () => app.db.pool;

  app.post('/api/snapshots', {
    config: { access: aggregateReaders, audit: 'read_aggregate' },
    schema: {
      tags, summary: 'Create a stamped snapshot of an area and period (aggregated at the deputies\' level: whole H3 cells no finer than 7 or communes, "< 5", perturbed counts), stored immutably',
      body: SnapshotCreate, response: { 201: SnapshotDocumentSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const { parameters, problems } = checkSnapshotRequest(request.body, today().slice(0, 7));
    if (problems.length || !parameters) throw new InvalidInputError(problems);
    const area = parameters.area;
    request.auditDetail = `snapshot=new&kind=${area.kind}${area.kind === 'communes' ? `&communes=${area.communes.join(',')}` : area.kind === 'department' ? `&department=${area.department}` : ''}&period=${parameters.from}/${parameters.to}`;
    const document = await createSnapshot(pool(), request.principal!, parameters, new Date());
    request.auditDetail = request.auditDetail.replace('snapshot=new', `snapshot=${document.id}`);
    request.auditCount = document.data.map.cells.length;
    reply.status(201);
    return document;
  });

  app.get('/api/snapshots', {
    config: { access: aggregateReaders },
    schema: { tags, summary: 'The signed-in user\'s snapshots, newest first', response: { 200: Closed({ items: Type.Array(SnapshotSummary) }), ...errorResponses } },
  }, async (request) => ({ items: await listSnapshots(pool(), request.principal!) }));

  app.get('/api/snapshots/defaults', {
    config: { access: aggregateReaders },
    schema: { tags, summary: 'The default area of the signed-in user: a deputy\'s constituency (communes), if set', response: { 200: Closed({ constituency: Type.Array(Closed({ insee: Type.String(), name: Type.String(), department_code: Type.String() }), { description: 'Empty when none is set' }) }), ...errorResponses } },
  }, async (request) => ({ constituency: await constituency(pool(), request.principal!.userId) }));

  app.get('/api/snapshots/:id', {
    config: { access: aggregateReaders, audit: 'read_aggregate' },
    schema: { tags, summary: 'A stored snapshot exactly as stored (canonical JSON: parameters, aggregated data, SHA-256)', params: SnapshotParams, response: { 200: storedJsonResponse('The stored document, byte for byte (canonical JSON)', SnapshotDocumentSchema), ...errorResponses } },
  }, async (request, reply) => {
    const { text } = await storedSnapshot(pool(), request.params.id);
    request.auditCount = 1;
    return reply.type('application/json; charset=utf-8').send(text);
  });

  app.get('/api/snapshots/:id/files/:format', {
    config: { access: aggregateReaders, audit: 'export' },
    schema: { tags, summary: 'Download a snapshot as PDF (PDF/A-3b, vector map, data attached), CSV (`;`, UTF-8 with BOM, INSEE codes) or GeoJSON (RFC 7946); the same snapshot always gives the same bytes', params: SnapshotFileParams, response: { 200: fileResponse('The file, the same bytes for the same snapshot', 'application/pdf', 'text/csv', 'application/geo+json'), ...errorResponses } },
  }, async (request, reply) => {
    const { text } = await storedSnapshot(pool(), request.params.id);
    const document = JSON.parse(text) as SnapshotDocument;
    const format = request.params.format;
    const body = format === 'pdf' ? await snapshotPdf(document) : format === 'csv' ? snapshotCsv(document) : snapshotGeoJsonText(document);
    request.auditCount = 1;
    return reply.type(fileTypes[format]).header('content-disposition', `attachment; filename="sillage-${document.id}.${format}"`).send(body);
  });

  app.post('/api/snapshots/:id/downloads', {
    config: { access: aggregateReaders, audit: 'export' },
    schema: { tags, summary: 'Record the download of a PNG the browser drew from the snapshot (the server keeps no picture)', params: SnapshotParams, body: PngDownload, response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    await storedSnapshot(pool(), request.params.id);
    request.auditDetail = 'format=png';
    request.auditCount = 1;
    return reply.status(204).send(null);
  });

  app.put('/api/admin/users/:id/constituency', {
    config: { access: ['admin'], audit: 'admin' },
    schema: { tags, summary: 'Tie a deputy account to the communes of its constituency (its default snapshot area); an empty list unties it', params: IdParams, body: ConstituencyBody, response: { 200: ConstituencySet, ...errorResponses } },
  }, async (request) => {
    request.auditDetail = `constituency=${request.body.communes.join(',')}`;
    await setConstituency(pool(), request.params.id, request.body.communes);
    return { id: request.params.id, communes: [...request.body.communes].sort() };
  });
}
