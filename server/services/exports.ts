/**
 * Exports of the deal points a list shows (same filters and scope as GET /api/deal-points, every
 * page), in the importer's own columns so that an exported file re-imports unchanged: CSV (`;`,
 * UTF-8 with BOM, INSEE codes as text), GeoJSON and GeoPackage. Operations and networks are named
 * by their external id, or `#id` when they have none (the importer reads both).
 */
import type pg from 'pg';
import { stringify } from 'csv-stringify/sync';
import type { DealPointQueryInput } from '../schemas/deal-points.js';
import { listDealPoints } from './deal-points.js';
import { listOperations } from './operations.js';
import { outcomeColumns, type OperationQueryInput } from '../schemas/records.js';
import { writeGeoPackage, type GeoPackageLayer } from './geopackage.js';
import { UnprocessableError } from '../errors.js';
import { networkIdentifiers } from '../queries/networks.js';
import { operationIdentifiers } from '../queries/operations.js';

export const exportFormats = ['csv', 'geojson', 'gpkg'] as const;
export type ExportFormat = (typeof exportFormats)[number];
export const maxExportRows = 100_000;

export interface ExportRow {
  id: number; source: string; external_id: string | null; longitude: number; latitude: number;
  commune_insee: string; commune_name: string; department_code: string; products: string[];
  network_external_id: string | null; network_source: string | null; dataset: string; status: string | null;
  status_history: string; version: number;
}

export async function dealPointExportRows(pool: pg.Pool, query: DealPointQueryInput, departments: string[] | null): Promise<ExportRow[]> {
  const features: Awaited<ReturnType<typeof listDealPoints>>['features'] = [];
  let after: number | undefined;
  for (;;) {
    const page = await listDealPoints(pool, { ...query, limit: 1000, after }, departments);
    features.push(...page.features);
    if (features.length > maxExportRows) throw new UnprocessableError([{ field: 'querystring', reason: `more than ${maxExportRows} points: narrow the filters (department, commune, bbox)` }]);
    if (page.next === null) break;
    after = page.next;
  }
  const networkIds = [...new Set(features.map((f) => f.properties.network_id).filter((id): id is number => id !== null))];
  const operationIds = [...new Set(features.flatMap((f) => f.properties.status_history.map((e) => e.operation_id)).filter((id): id is number => id !== null))];
  const networks = new Map<number, { external_id: string | null; source_code: string }>();
  if (networkIds.length) {
    const { rows } = await pool.query<{ id: string; external_id: string | null; source_code: string }>(networkIdentifiers, [networkIds]);
    for (const row of rows) networks.set(Number(row.id), row);
  }
  const operations = new Map<number, string | null>();
  if (operationIds.length) {
    // An external id shared by several operations would be ambiguous on re-import: use #id then.
    const { rows } = await pool.query<{ id: string; external_id: string | null; shared: boolean }>(operationIdentifiers, [operationIds]);
    for (const row of rows) operations.set(Number(row.id), row.external_id && !row.shared && !row.external_id.includes(':') && !row.external_id.includes('|') ? row.external_id : null);
  }
  return features.map((f) => {
    const p = f.properties;
    const network = p.network_id !== null ? networks.get(p.network_id) : undefined;
    return {
      id: Number(f.id), source: p.source, external_id: p.external_id, longitude: f.geometry.coordinates[0], latitude: f.geometry.coordinates[1],
      commune_insee: p.commune_insee, commune_name: p.commune_name, department_code: p.department_code, products: p.products,
      network_external_id: p.network_id === null ? null : network?.external_id ?? `#${p.network_id}`,
      network_source: network?.external_id ? network.source_code : null,
      dataset: p.dataset, status: p.status,
      status_history: p.status_history.map((e) => `${e.status}:${e.effective_on}${e.operation_id !== null ? `:${operations.get(e.operation_id) ?? `#${e.operation_id}`}` : ''}`).join('|'),
      version: p.version,
    };
  });
}

const csvColumns = ['id', 'source', 'external_id', 'lat', 'lon', 'commune_insee', 'commune_name', 'department_code', 'products', 'network_external_id', 'network_source', 'dataset', 'status', 'status_history', 'version'] as const;

/**
 * A text cell that a spreadsheet would run as a formula (=, +, -, @) gets a leading apostrophe;
 * numbers (a negative longitude) are left as they are.
 */
function neutralised(value: string | number): string {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
}

/** CSV for French spreadsheets: `;` separator, UTF-8 with BOM, CRLF lines, INSEE codes as text. */
export function dealPointsCsv(rows: ExportRow[]): string {
  const records = rows.map((r) => [r.id, r.source, r.external_id ?? '', r.latitude, r.longitude, r.commune_insee, r.commune_name, r.department_code, r.products.join('|'),
    r.network_external_id ?? '', r.network_source ?? '', r.dataset, r.status ?? '', r.status_history, r.version].map(neutralised));
  return `\uFEFF${stringify([[...csvColumns], ...records], { delimiter: ';', record_delimiter: '\r\n' })}`;
}

export function dealPointsGeoJson(rows: ExportRow[]) {
  return {
    type: 'FeatureCollection' as const,
    features: rows.map((r) => ({
      type: 'Feature' as const, id: r.id,
      geometry: { type: 'Point' as const, coordinates: [r.longitude, r.latitude] },
      properties: {
        source: r.source, external_id: r.external_id, commune_insee: r.commune_insee, commune_name: r.commune_name, department_code: r.department_code,
        products: r.products, network_external_id: r.network_external_id, network_source: r.network_source, dataset: r.dataset,
        status: r.status, status_history: r.status_history, version: r.version,
      },
    })),
  };
}

function pointWkb(longitude: number, latitude: number): Uint8Array {
  const out = new Uint8Array(21);
  const view = new DataView(out.buffer);
  out[0] = 1;
  view.setUint32(1, 1, true);
  view.setFloat64(5, longitude, true);
  view.setFloat64(13, latitude, true);
  return out;
}

export function dealPointsGeoPackage(rows: ExportRow[], now: Date): Promise<Uint8Array> {
  const layer: GeoPackageLayer = {
    table: 'deal_points', description: 'Sillage: points de deal (export)', geometryType: 'POINT',
    columns: [
      { name: 'point_id', type: 'INTEGER' }, { name: 'source', type: 'TEXT' }, { name: 'external_id', type: 'TEXT' }, { name: 'commune_insee', type: 'TEXT' },
      { name: 'commune_name', type: 'TEXT' }, { name: 'department_code', type: 'TEXT' }, { name: 'products', type: 'TEXT' }, { name: 'network_external_id', type: 'TEXT' },
      { name: 'network_source', type: 'TEXT' }, { name: 'dataset', type: 'TEXT' }, { name: 'status', type: 'TEXT' }, { name: 'status_history', type: 'TEXT' }, { name: 'version', type: 'INTEGER' },
    ],
    features: rows.map((r) => ({
      wkb: pointWkb(r.longitude, r.latitude), envelope: [r.longitude, r.longitude, r.latitude, r.latitude],
      values: [r.id, r.source, r.external_id, r.commune_insee, r.commune_name, r.department_code, r.products.join('|'), r.network_external_id, r.network_source, r.dataset, r.status, r.status_history, r.version],
    })),
  };
  return writeGeoPackage(layer, now);
}

export const maxExportedOperations = 20_000;
type OperationFeature = Awaited<ReturnType<typeof listOperations>>['features'][number];

/** Every operation the list shows (same filters and scope as GET /api/operations, every page). */
export async function operationExportRows(pool: pg.Pool, query: OperationQueryInput, departments: string[] | null, endedOnly: boolean): Promise<OperationFeature[]> {
  const features: OperationFeature[] = [];
  let after: number | undefined;
  for (;;) {
    const page = await listOperations(pool, { ...query, limit: 1000, after }, departments, endedOnly);
    features.push(...page.features);
    if (features.length > maxExportedOperations) throw new UnprocessableError([{ field: 'querystring', reason: `more than ${maxExportedOperations} operations: narrow the filters (department, kind, period)` }]);
    if (page.next === null) break;
    after = page.next;
  }
  return features;
}

const operationCsvColumns = ['id', 'source', 'external_id', 'name', 'kind', 'started_on', 'ended_on', 'department_code', ...outcomeColumns, 'dataset', 'version', 'target_geojson'] as const;

/** Operations as CSV (`;`, UTF-8 with BOM, CRLF), in the importer's columns, the target as GeoJSON text. */
export function operationsCsv(features: OperationFeature[]): string {
  const records = features.map((f) => {
    const p = f.properties as Record<string, unknown>;
    return operationCsvColumns.map((column) => {
      const value = column === 'id' ? f.id : column === 'target_geojson' ? JSON.stringify(f.geometry) : p[column];
      return value === null || value === undefined ? '' : neutralised(typeof value === 'number' ? value : String(value));
    });
  });
  return `\uFEFF${stringify([[...operationCsvColumns], ...records], { delimiter: ';', record_delimiter: '\r\n' })}`;
}

export function operationsGeoJson(features: OperationFeature[]) {
  return { type: 'FeatureCollection' as const, features: features.map((f) => ({ type: 'Feature' as const, id: f.id, geometry: f.geometry, properties: f.properties })) };
}
