import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses, fileResponse } from '../schemas/common.js';
import { DealPointQuery } from '../schemas/deal-points.js';
import { preciseReaders, preciseScope } from '../domain/access.js';
import { departmentFilter } from './scope.js';
import { dealPointExportRows, dealPointsCsv, dealPointsGeoJson, dealPointsGeoPackage, exportFormats, operationExportRows, operationsCsv, operationsGeoJson } from '../services/exports.js';
import { OperationQuery } from '../schemas/records.js';
import { aggregateReaders } from '../domain/access.js';
import { assertInScope } from './scope.js';
import { operationScope } from './operations.js';

const OperationExportQuery = Type.Omit(OperationQuery, ['limit', 'after'], { additionalProperties: false });

const ExportQuery = Type.Omit(DealPointQuery, ['limit', 'after'], { additionalProperties: false });
const mediaTypes = { csv: 'text/csv; charset=utf-8', geojson: 'application/geo+json', gpkg: 'application/geopackage+sqlite3' } as const;

/**
 * Precise exports, for the roles that see precise points (analysts, prefects), within their
 * departments; each is audited with its area (filters, else the role's scope) and its row count.
 */
export async function exportRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  for (const format of exportFormats) {
    app.get(`/api/exports/deal-points.${format}`, {
      config: { access: preciseReaders, audit: 'read_precise' },
      schema: {
        tags: ['exports'],
        summary: `Every deal point the list shows (same filters as GET /api/deal-points), as ${format === 'gpkg' ? 'a GeoPackage 1.3' : format.toUpperCase()} in the importer's columns (re-imports unchanged)`,
        querystring: ExportQuery,
        response: { 200: fileResponse(`The points as ${format}, an attachment`, mediaTypes[format]), ...errorResponses },
      },
    }, async (request, reply) => {
      const departments = departmentFilter(request, request.query.department);
      const rows = await dealPointExportRows(app.db.pool, request.query, departments);
      request.auditCount = rows.length;
      const scope = preciseScope(request.principal);
      request.auditDetail = `format=${format}&scope=${scope === 'all' ? 'all' : scope.join(',')}`;
      const stamp = new Date().toISOString().slice(0, 10);
      reply.header('content-disposition', `attachment; filename="sillage-points-${stamp}.${format}"`).header('cache-control', 'no-store').type(mediaTypes[format]);
      const body = format === 'csv' ? dealPointsCsv(rows) : format === 'geojson' ? JSON.stringify(dealPointsGeoJson(rows)) : Buffer.from(await dealPointsGeoPackage(rows, new Date()));
      return reply.send(body as never);
    });
  }

  // The operations list as it is filtered, for the roles that see operations (deputies: ended ones only).
  for (const format of ['csv', 'geojson'] as const) {
    app.get(`/api/exports/operations.${format}`, {
      config: { access: aggregateReaders, audit: 'read_precise' },
      schema: {
        tags: ['exports'],
        summary: `Every operation the list shows (same filters as GET /api/operations), as ${format.toUpperCase()}${format === 'csv' ? ' (; separator, UTF-8 with BOM, the target as GeoJSON text)' : ''}`,
        querystring: OperationExportQuery,
        response: { 200: fileResponse(`The operations as ${format}, an attachment`, mediaTypes[format]), ...errorResponses },
      },
    }, async (request, reply) => {
      const { departments, endedOnly } = operationScope(request);
      if (request.query.department && departments) assertInScope(request, request.query.department);
      const features = await operationExportRows(app.db.pool, request.query, departments, endedOnly);
      request.auditCount = features.length;
      // The audit row's area is the filters (added by the audit) and this scope.
      request.auditDetail = `format=${format}&scope=${departments ? departments.join(',') : endedOnly ? 'ended' : 'all'}`;
      const stamp = new Date().toISOString().slice(0, 10);
      reply.header('content-disposition', `attachment; filename="sillage-operations-${stamp}.${format}"`).header('cache-control', 'no-store').type(mediaTypes[format]);
      return reply.send((format === 'csv' ? operationsCsv(features) : JSON.stringify(operationsGeoJson(features))) as never);
    });
  }
}
