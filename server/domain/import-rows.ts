/**
 * Reads an import file (CSV or GeoJSON) into validated records of one kind, or a list of problems
 * naming line, field and reason. Pure: no I/O; what only the database can check (commune, known
 * references) is checked by the import service.
 *
 * CSV: comma or semicolon separated, UTF-8 (BOM tolerated), decimal comma accepted, coordinates as
 * lat/lon (WGS84) or x/y (Lambert-93, EPSG:2154). GeoJSON: a FeatureCollection whose properties
 * carry the same columns and whose geometries carry the location or target.
 */
import { parse } from 'csv-parse/sync';
import type { FieldProblem } from './problems.js';
import { coordinateProblem } from './france-extent.js';
import { lambert93ToLongitudeLatitude, parseDecimal } from './coordinates.js';
import { eventDateProblem, isCalendarDate } from './dates.js';
import { statusHistoryProblems, dealPointStatuses, type StatusEvent, type DealPointStatus } from './status-history.js';
import { areaProblems, crsOf, pointProblems } from './geojson-checks.js';

export const importKinds = ['deal-points', 'observations', 'operations'] as const;
export type ImportKind = (typeof importKinds)[number];
export type ImportFormat = 'csv' | 'geojson';

import { datasetCodes, operationKindCodes, productCodes, serviceCodes } from './vocabulary.js';

/** A dated status; `operation` is the external id of the operation that caused it, if any. */
export interface ImportedStatus extends StatusEvent { operation?: string }

/**
 * A deal point row. `external_id` is empty when the row names, by `point_id` (its Sillage id, the
 * export's `id` column), a point that has no external id (one created in the UI): such a row
 * updates that point and never creates one, so that an export re-imports unchanged.
 */
export interface DealPointRecord {
  line: number; source: string; external_id: string; point_id: number | null; longitude: number; latitude: number;
  products: string[]; network_external_id: string | null; network_source: string | null; dataset: string; status_history: ImportedStatus[];
}
export interface ObservationRecord {
  line: number; source: string; deal_point_source: string; deal_point_external_id: string; observed_on: string;
  activity_level: number | null; estimated_daily_transactions: number | null;
}
export interface OperationRecord {
  line: number; source: string; external_id: string; name: string; kind: string; started_on: string; ended_on: string | null;
  target: GeoJSON.Polygon | GeoJSON.MultiPolygon; dataset: string;
  arrests: number | null; officers_mobilised: number | null; cannabis_seized_kg: number | null; cocaine_seized_kg: number | null;
  cash_seized_eur: number | null; weapons_seized: number | null;
}
export type ImportRecord = DealPointRecord | ObservationRecord | OperationRecord;

export interface ParsedImport<R> { kind: ImportKind; format: ImportFormat; rowCount: number; records: R[]; problems: FieldProblem[] }

/** One raw row: its line in the file, its string values by lower-case column, and a geometry (GeoJSON). */
interface RawRow { line: number; values: Record<string, string>; geometry?: unknown; fieldPrefix: string }

export function detectFormat(text: string): ImportFormat {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  return start.startsWith('{') || start.startsWith('[') ? 'geojson' : 'csv';
}

function detectDelimiter(headerLine: string): string {
  const semicolons = (headerLine.match(/;/g) ?? []).length;
  const commas = (headerLine.match(/,/g) ?? []).length;
  return semicolons > commas ? ';' : ',';
}

function readCsv(text: string): { rows: RawRow[]; problems: FieldProblem[]; columns: string[] } {
  const body = text.replace(/^\uFEFF/, '');
  const headerLine = body.split(/\r?\n/, 1)[0] ?? '';
  if (!headerLine.trim()) return { rows: [], problems: [{ line: 1, field: 'header', reason: 'the file is empty or has no header line' }], columns: [] };
  const delimiter = detectDelimiter(headerLine);
  try {
    const records = parse(body, {
      delimiter, columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true, trim: true, info: true, relax_column_count: false, bom: true,
    }) as { record: Record<string, string>; info: { lines: number } }[];
    const columns = headerLine.split(delimiter).map((h) => h.replace(/"/g, '').trim().toLowerCase());
    return { rows: records.map(({ record, info }) => ({ line: info.lines, values: record, fieldPrefix: '' })), problems: [], columns };
  } catch (error) {
    const e = error as { message: string; lines?: number };
    return { rows: [], problems: [{ line: e.lines ?? 1, field: 'file', reason: `not readable as CSV: ${e.message}` }], columns: [] };
  }
}

/** Properties that may be given as a list of strings in GeoJSON. */
const listProperties = new Set(['products']);

function readGeoJson(text: string): { rows: RawRow[]; problems: FieldProblem[]; columns: string[] } {
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { rows: [], problems: [{ line: 1, field: 'file', reason: `not valid JSON: ${(error as Error).message}` }], columns: [] };
  }
  const collection = document as { type?: unknown; features?: unknown };
  if (collection?.type !== 'FeatureCollection' || !Array.isArray(collection.features)) {
    return { rows: [], problems: [{ line: 1, field: 'type', reason: 'a GeoJSON import must be a FeatureCollection' }], columns: [] };
  }
  const crsProblem = crsOf((document as { crs?: unknown }).crs);
  if (crsProblem) return { rows: [], problems: [{ line: 1, field: 'crs', reason: crsProblem }], columns: [] };
  const columns = new Set<string>();
  const problems: FieldProblem[] = [];
  const rows = (collection.features as { type?: unknown; properties?: Record<string, unknown> | null; geometry?: unknown }[]).map((feature, index) => {
    const values: Record<string, string> = {};
    const line = index + 1;
    for (const [key, value] of Object.entries(feature?.properties ?? {})) {
      if (value === null || value === undefined) continue;
      const name = key.toLowerCase();
      columns.add(name);
      // No coercion: text and numbers as given, lists only of strings (products).
      if (typeof value === 'string') values[name] = value;
      else if (typeof value === 'number' && Number.isFinite(value)) values[name] = String(value);
      else if (Array.isArray(value) && listProperties.has(name) && value.every((v) => typeof v === 'string')) values[name] = value.join('|');
      else if (name === 'status_history' && Array.isArray(value)) {
        // The API's own GeoJSON writes the history as objects: read them as the text form.
        const written = statusHistoryText(value);
        if (written === null) problems.push({ line, field: name, reason: 'must be "status:YYYY-MM-DD[:operation]|..." or a list of {status, effective_on, operation_id or operation}' });
        else values[name] = written;
      }
      else problems.push({ line, field: name, reason: `must be ${listProperties.has(name) ? 'a list of strings or ' : ''}a string or a number, not ${Array.isArray(value) ? 'a list' : typeof value}` });
    }
    // A feature's own id (the exports', the API's) is the point's Sillage id.
    const featureId = (feature as { id?: unknown })?.id;
    if (values.id === undefined && typeof featureId === 'number' && Number.isFinite(featureId)) values.id = String(featureId);
    return { line, values, geometry: feature?.geometry, fieldPrefix: '' };
  });
  return { rows, problems, columns: [...columns] };
}

/** The kind a file holds, from its columns, when the caller does not say. */
export function inferKind(columns: string[], format: ImportFormat, firstGeometryType?: string): ImportKind | null {
  const has = (name: string) => columns.includes(name);
  if (has('deal_point_external_id') || has('observed_on')) return 'observations';
  if (has('started_on') || has('target_geojson') || firstGeometryType === 'Polygon' || firstGeometryType === 'MultiPolygon') return 'operations';
  if (has('lat') || has('latitude') || has('x') || has('first_seen_on') || has('status_history') || (format === 'geojson' && firstGeometryType === 'Point')) return 'deal-points';
  return null;
}

/**
 * A status history given as a list of objects `{status, effective_on, operation_id | operation}`
 * (as the API returns it) in the importer's text form; an operation by internal id is written `#id`.
 * Null if an item is not such an object.
 * @example statusHistoryText([{ status: 'active', effective_on: '2023-01-15', operation_id: null }]) // 'active:2023-01-15'
 */
export function statusHistoryText(items: readonly unknown[]): string | null {
  const parts: string[] = [];
  for (const item of items) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) return null;
    const { status, effective_on: effectiveOn, operation_id: operationId, operation } = item as Record<string, unknown>;
    if (typeof status !== 'string' || typeof effectiveOn !== 'string') return null;
    let reference = '';
    if (typeof operation === 'string' && operation !== '') reference = `:${operation}`;
    else if (typeof operationId === 'number' && Number.isInteger(operationId) && operationId > 0) reference = `:#${operationId}`;
    else if (operationId !== undefined && operationId !== null) return null;
    parts.push(`${status}:${effectiveOn}${reference}`);
  }
  return parts.join('|');
}

/** Collects problems for one row while reading typed values from it. */
class RowReader {
  readonly problems: FieldProblem[] = [];
  constructor(private readonly row: RawRow) {}

  private problem(field: string, reason: string) { this.problems.push({ line: this.row.line, field, reason }); }

  raw(...names: string[]): string | undefined {
    for (const name of names) {
      const value = this.row.values[name];
      if (value !== undefined && value !== '') return value;
    }
    return undefined;
  }

  text(name: string, options: { required?: boolean; max?: number } = {}): string | null {
    const value = this.raw(name);
    if (value === undefined) { if (options.required) this.problem(name, 'is required'); return null; }
    if (options.max && value.length > options.max) { this.problem(name, `is longer than ${options.max} characters`); return null; }
    return value;
  }

  oneOf<T extends readonly string[]>(name: string, allowed: T, fallback?: T[number]): T[number] | null {
    const value = this.raw(name);
    if (value === undefined) { if (fallback === undefined) this.problem(name, 'is required'); return fallback ?? null; }
    if (!allowed.includes(value)) { this.problem(name, `"${value}" is not one of: ${allowed.join(', ')}`); return null; }
    return value;
  }

  date(name: string, required: boolean): string | null {
    const value = this.raw(name);
    if (value === undefined) { if (required) this.problem(name, 'is required'); return null; }
    const reason = eventDateProblem(value);
    if (reason) { this.problem(name, reason); return null; }
    return value;
  }

  number(name: string, options: { integer?: boolean; min?: number; max?: number } = {}): number | null {
    const value = this.raw(name);
    if (value === undefined) return null;
    const parsed = parseDecimal(value);
    if (parsed === null) { this.problem(name, `"${value}" is not a number`); return null; }
    if (options.integer && !Number.isInteger(parsed)) { this.problem(name, `"${value}" is not a whole number`); return null; }
    if (options.min !== undefined && parsed < options.min) { this.problem(name, `${parsed} is below ${options.min}`); return null; }
    if (options.max !== undefined && parsed > options.max) { this.problem(name, `${parsed} is above ${options.max}`); return null; }
    return parsed;
  }

  list<T extends readonly string[]>(name: string, allowed: T): T[number][] {
    const value = this.raw(name);
    if (value === undefined) return [];
    const items = value.split(/[|,]/).map((s) => s.trim()).filter(Boolean);
    const unknown = items.filter((item) => !allowed.includes(item));
    if (unknown.length) { this.problem(name, `unknown value(s) ${unknown.map((u) => `"${u}"`).join(', ')}; allowed: ${allowed.join(', ')}`); return []; }
    return [...new Set(items)];
  }

  /** Location from a GeoJSON Point, lat/lon columns, or x/y Lambert-93 columns. */
  location(geometry: unknown): { longitude: number; latitude: number } | null {
    if (geometry !== undefined && geometry !== null) {
      const problems = pointProblems(geometry, 'geometry');
      if (problems.length) { this.problems.push(...problems.map((p) => ({ ...p, line: this.row.line }))); return null; }
      const [longitude, latitude] = (geometry as GeoJSON.Point).coordinates;
      return { longitude, latitude };
    }
    const present = (...names: string[]) => names.find((n) => this.row.values[n] !== undefined && this.row.values[n] !== '');
    const latName = present('lat', 'latitude');
    const lonName = present('lon', 'lng', 'longitude');
    const x = this.raw('x');
    const y = this.raw('y');
    let longitude: number | null;
    let latitude: number | null;
    let field: string;
    if (latName || lonName) {
      field = 'lat/lon';
      if (!latName || !lonName) { this.problem(field, 'both lat and lon are required'); return null; }
      longitude = this.number(lonName);
      latitude = this.number(latName);
      if (longitude !== null && latitude !== null && (Math.abs(longitude) > 1000 || Math.abs(latitude) > 1000)) {
        this.problem(field, `(${longitude}; ${latitude}) look like projected metres: name Lambert-93 columns x and y`);
        return null;
      }
    } else if (x !== undefined || y !== undefined) {
      field = 'x/y';
      const easting = this.number('x');
      const northing = this.number('y');
      if (x === undefined || y === undefined) { this.problem(field, 'both x and y (Lambert-93 metres) are required'); return null; }
      if (easting === null || northing === null) return null;
      if (easting < 0 || easting > 1300000 || northing < 6000000 || northing > 7200000) {
        this.problem(field, `(${x}; ${y}) is outside the Lambert-93 (EPSG:2154) extent of metropolitan France`);
        return null;
      }
      [longitude, latitude] = lambert93ToLongitudeLatitude(easting, northing);
    } else {
      this.problem('location', 'give lat and lon (WGS84), x and y (Lambert-93), or a GeoJSON Point geometry');
      return null;
    }
    if (longitude === null || latitude === null) return null;
    const reason = coordinateProblem(longitude, latitude);
    if (reason) { this.problem(field, reason); return null; }
    return { longitude, latitude };
  }

  statusHistory(): ImportedStatus[] {
    const written = this.raw('status_history');
    let history: ImportedStatus[];
    if (written !== undefined) {
      history = [];
      for (const part of written.split('|').map((s) => s.trim()).filter(Boolean)) {
        const [status, date, operation, ...rest] = part.split(':').map((s) => s.trim());
        if (!dealPointStatuses.includes(status as DealPointStatus) || !date || !isCalendarDate(date) || rest.length || operation === '') {
          this.problem('status_history', `"${part}" is not status:YYYY-MM-DD[:operation external id] with status one of ${dealPointStatuses.join(', ')}`);
          return [];
        }
        const dateReason = eventDateProblem(date);
        if (dateReason) { this.problem('status_history', `"${part}": the date ${dateReason}`); return []; }
        history.push(operation ? { status: status as DealPointStatus, effective_on: date, operation } : { status: status as DealPointStatus, effective_on: date });
      }
    } else {
      const first = this.date('first_seen_on', true);
      const dismantled = this.date('dismantled_on', false);
      const reopened = this.date('reopened_on', false);
      if (!first) return [];
      history = [{ status: 'active', effective_on: first }];
      if (dismantled) history.push({ status: 'dismantled', effective_on: dismantled });
      if (reopened) {
        if (!dismantled) { this.problem('reopened_on', 'a point reopens only after dismantled_on'); return []; }
        history.push({ status: 'reopened', effective_on: reopened });
      }
    }
    const problems = statusHistoryProblems(history);
    for (const p of problems) this.problem(written !== undefined ? 'status_history' : p.field, p.reason);
    return problems.length ? [] : history;
  }

  area(geometry: unknown): GeoJSON.Polygon | GeoJSON.MultiPolygon | null {
    let candidate = geometry;
    let field = 'geometry';
    if (candidate === undefined || candidate === null) {
      const written = this.raw('target_geojson');
      field = 'target_geojson';
      if (written === undefined) { this.problem('target_geojson', 'is required: the target area as a GeoJSON Polygon or MultiPolygon'); return null; }
      try { candidate = JSON.parse(written); } catch { this.problem(field, 'is not valid JSON'); return null; }
    }
    const problems = areaProblems(candidate, field);
    if (problems.length) { this.problems.push(...problems.map((p) => ({ ...p, line: this.row.line }))); return null; }
    return candidate as GeoJSON.Polygon | GeoJSON.MultiPolygon;
  }
}

function readDealPoint(row: RawRow): { record: DealPointRecord | null; problems: FieldProblem[] } {
  const r = new RowReader(row);
  const source = r.oneOf('source', serviceCodes);
  // Without an external id, the Sillage id of an existing point (exports of points created in the UI).
  const pointId = r.raw('external_id') === undefined && r.raw('id') !== undefined ? r.number('id', { integer: true, min: 1 }) : null;
  const externalId = pointId !== null || (r.raw('external_id') === undefined && r.raw('id') !== undefined) ? '' : r.text('external_id', { required: true, max: 100 });
  const location = r.location(row.geometry);
  const products = r.list('products', productCodes);
  // A network by external id, or (the API's own GeoJSON) by internal id, written `#id`.
  const networkId = r.raw('network_external_id') === undefined ? r.number('network_id', { integer: true, min: 1 }) : null;
  const network = networkId !== null ? `#${networkId}` : r.text('network_external_id', { max: 100 });
  const networkSource = r.raw('network_source') !== undefined ? r.oneOf('network_source', serviceCodes) : null;
  const dataset = r.oneOf('dataset', datasetCodes, 'real');
  const history = r.statusHistory();
  if (r.problems.length || !source || (externalId === null) || (!externalId && pointId === null) || !location || !dataset) return { record: null, problems: r.problems };
  return {
    record: { line: row.line, source, external_id: externalId, point_id: pointId, ...location, products, network_external_id: network, network_source: network ? networkSource ?? source : null, dataset, status_history: history },
    problems: [],
  };
}

function readObservation(row: RawRow): { record: ObservationRecord | null; problems: FieldProblem[] } {
  const r = new RowReader(row);
  const source = r.oneOf('source', serviceCodes);
  const dealPointSource = r.raw('deal_point_source') !== undefined ? r.oneOf('deal_point_source', serviceCodes) : source;
  const dealPointExternalId = r.text('deal_point_external_id', { required: true, max: 100 });
  const observedOn = r.date('observed_on', true);
  const level = r.number('activity_level', { integer: true, min: 0, max: 4 });
  const transactions = r.number('estimated_daily_transactions', { integer: true, min: 0, max: 100000 });
  if (level === null && transactions === null && r.raw('activity_level') === undefined && r.raw('estimated_daily_transactions') === undefined) {
    r.problems.push({ line: row.line, field: 'activity_level', reason: 'give activity_level (0-4) or estimated_daily_transactions' });
  }
  if (r.problems.length || !source || !dealPointSource || !dealPointExternalId || !observedOn) return { record: null, problems: r.problems };
  return {
    record: { line: row.line, source, deal_point_source: dealPointSource, deal_point_external_id: dealPointExternalId, observed_on: observedOn, activity_level: level, estimated_daily_transactions: transactions },
    problems: [],
  };
}

function readOperation(row: RawRow): { record: OperationRecord | null; problems: FieldProblem[] } {
  const r = new RowReader(row);
  const source = r.oneOf('source', serviceCodes);
  const externalId = r.text('external_id', { required: true, max: 100 });
  const name = r.text('name', { required: true, max: 200 });
  const kind = r.oneOf('kind', operationKindCodes);
  const startedOn = r.date('started_on', true);
  const endedOn = r.date('ended_on', false);
  if (startedOn && endedOn && endedOn < startedOn) r.problems.push({ line: row.line, field: 'ended_on', reason: `${endedOn} is before started_on ${startedOn}` });
  const target = r.area(row.geometry);
  const dataset = r.oneOf('dataset', datasetCodes, 'real');
  const outcomes = {
    arrests: r.number('arrests', { integer: true, min: 0 }),
    officers_mobilised: r.number('officers_mobilised', { integer: true, min: 0 }),
    cannabis_seized_kg: r.number('cannabis_seized_kg', { min: 0 }),
    cocaine_seized_kg: r.number('cocaine_seized_kg', { min: 0 }),
    cash_seized_eur: r.number('cash_seized_eur', { min: 0 }),
    weapons_seized: r.number('weapons_seized', { integer: true, min: 0 }),
  };
  if (r.problems.length || !source || !externalId || !name || !kind || !startedOn || !target || !dataset) return { record: null, problems: r.problems };
  return {
    record: { line: row.line, source, external_id: externalId, name, kind, started_on: startedOn, ended_on: endedOn, target, dataset, ...outcomes },
    problems: [],
  };
}

const readers = { 'deal-points': readDealPoint, observations: readObservation, operations: readOperation } as const;

/** Key that must be unique within one file, so a file cannot contradict itself. */
function uniqueKey(kind: ImportKind, record: ImportRecord): string {
  if (kind === 'observations') {
    const o = record as ObservationRecord;
    return `${o.deal_point_source}/${o.deal_point_external_id}/${o.observed_on}/${o.source}`;
  }
  if (kind === 'deal-points' && (record as DealPointRecord).point_id !== null) return `#${(record as DealPointRecord).point_id}`;
  const r = record as DealPointRecord | OperationRecord;
  return `${r.source}/${r.external_id}`;
}

/**
 * Parses and validates a whole file. `kind` may be omitted and is then inferred from the columns.
 * @example parseImport('external_id;source;lat;lon;first_seen_on\nA1;gendarmerie;43,69;5,53;2024-01-05')
 */
export function parseImport(text: string, options: { kind?: ImportKind; format?: ImportFormat } = {}): ParsedImport<ImportRecord> {
  const format = options.format ?? detectFormat(text);
  const { rows, problems, columns } = format === 'csv' ? readCsv(text) : readGeoJson(text);
  const firstGeometryType = (rows[0]?.geometry as { type?: string } | undefined)?.type;
  const kind = options.kind ?? inferKind(columns, format, firstGeometryType);
  if (!kind) {
    // A file that could not be read says why; only a readable one is asked for its kind.
    const kindProblem = { line: 1, field: 'kind', reason: 'cannot tell what the file holds from its columns: say kind=deal-points, observations or operations' };
    return { kind: 'deal-points', format, rowCount: rows.length, records: [], problems: problems.length ? problems : [kindProblem] };
  }
  if (problems.length) return { kind, format, rowCount: rows.length, records: [], problems };
  if (rows.length === 0) return { kind, format, rowCount: 0, records: [], problems: [{ line: 1, field: 'file', reason: 'holds no rows' }] };
  const records: ImportRecord[] = [];
  const allProblems: FieldProblem[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const { record, problems: rowProblems } = readers[kind](row);
    allProblems.push(...rowProblems);
    if (!record) continue;
    const key = uniqueKey(kind, record);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      allProblems.push({ line: row.line, field: kind === 'observations' ? 'observed_on' : 'external_id', reason: `duplicates line ${earlier} of this file` });
      continue;
    }
    seen.set(key, row.line);
    records.push(record);
  }
  return { kind, format, rowCount: rows.length, records, problems: allProblems };
}

export interface ImportPreview {
  format: ImportFormat; kind: ImportKind | null; delimiter: ';' | ',' | null; decimal_comma: boolean;
  coordinates: 'lat/lon' | 'x/y (Lambert-93)' | 'geometry' | null; columns: string[]; row_count: number;
  rows: { line: number; values: Record<string, string> }[]; problems: FieldProblem[];
}

/**
 * What a file holds before importing it: format, separator, decimal comma, coordinate columns,
 * its first rows and every problem the rows show on their own (the database checks come at import).
 */
export function previewImport(text: string, options: { kind?: ImportKind; firstRows?: number } = {}): ImportPreview {
  const format = detectFormat(text);
  const { rows, problems, columns } = format === 'csv' ? readCsv(text) : readGeoJson(text);
  const headerLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const has = (name: string) => columns.includes(name);
  const firstGeometryType = (rows[0]?.geometry as { type?: string } | undefined)?.type;
  const coordinates = format === 'geojson' && rows.some((r) => r.geometry) ? 'geometry'
    : has('lat') || has('latitude') || has('lon') || has('longitude') ? 'lat/lon' : has('x') && has('y') ? 'x/y (Lambert-93)' : null;
  const numeric = ['lat', 'latitude', 'lon', 'lng', 'longitude', 'x', 'y'];
  const decimalComma = rows.slice(0, 50).some((r) => numeric.some((n) => /^-?\d+,\d+$/.test(r.values[n] ?? '')));
  const parsed = problems.length ? null : parseImport(text, { kind: options.kind, format });
  return {
    format, kind: options.kind ?? inferKind(columns, format, firstGeometryType) ?? null,
    delimiter: format === 'csv' ? (detectDelimiter(headerLine) as ';' | ',') : null, decimal_comma: decimalComma, coordinates, columns,
    row_count: rows.length, rows: rows.slice(0, options.firstRows ?? 10).map((r) => ({ line: r.line, values: r.values })),
    problems: parsed ? parsed.problems : problems,
  };
}
