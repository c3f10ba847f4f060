/**
 * Reads an import file (CSV or GeoJSON) into raw rows, then into validated records of one kind,
 * either whole (parseImport, previewImport) or streamed in batches (readImport) so that memory stays
 * flat in the file's size. Pure: the streamed reader consumes the chunks it is given; no I/O.
 *
 * CSV: comma or semicolon separated, UTF-8 (BOM tolerated), decimal comma accepted, coordinates as
 * lat/lon (WGS84) or x/y (Lambert-93, EPSG:2154). GeoJSON: a FeatureCollection whose properties
 * carry the same columns and whose geometries carry the location or target.
 */
import { parse } from 'csv-parse/sync';
import type { FieldProblem } from './problems.js';
import { crsOf } from './geojson-checks.js';
import { RowValidator, statusHistoryText, type ImportFormat, type ImportKind, type ImportRecord, type ParsedImport, type RawRow } from './import-rows.js';

/** The problem of a readable file whose kind its columns do not tell. */
export const kindProblem: FieldProblem = { line: 1, field: 'kind', reason: 'cannot tell what the file holds from its columns: say kind=deal-points, observations or operations' };
/** The problem of a file with a header and no row. */
export const noRowsProblem: FieldProblem = { line: 1, field: 'file', reason: 'holds no rows' };

/**
 * Problems of a file read whole, before its rows: a file that could not be read says why (only a
 * readable one is asked for its kind), then a file without rows.
 */
export function wholeFileProblems(kind: ImportKind | null, readingProblems: FieldProblem[], rowCount: number): FieldProblem[] {
  if (readingProblems.length) return readingProblems;
  if (!kind) return [kindProblem];
  return rowCount === 0 ? [noRowsProblem] : [];
}

/** The lower-case column names of a CSV header line. */
export function headerColumns(headerLine: string, delimiter: string): string[] {
  return headerLine.split(delimiter).map((h) => h.replace(/"/g, '').trim().toLowerCase());
}

export function detectFormat(text: string): ImportFormat {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  return start.startsWith('{') || start.startsWith('[') ? 'geojson' : 'csv';
}

/** How CSV files are read, whole or streamed: lower-case trimmed column names, each record with its line. */
export const csvOptions = {
  columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
  skip_empty_lines: true, trim: true, info: true, relax_column_count: false, bom: true,
} as const;

export function detectDelimiter(headerLine: string): string {
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
    const records = parse(body, { ...csvOptions, delimiter }) as { record: Record<string, string>; info: { lines: number } }[];
    const columns = headerColumns(headerLine, delimiter);
    return { rows: records.map(({ record, info }) => ({ line: info.lines, values: record, fieldPrefix: '' })), problems: [], columns };
  } catch (error) {
    const e = error as { message: string; lines?: number };
    return { rows: [], problems: [{ line: e.lines ?? 1, field: 'file', reason: `not readable as CSV: ${e.message}` }], columns: [] };
  }
}

/** Properties that may be given as a list of strings in GeoJSON. */
const listProperties = new Set(['products']);

export function readGeoJson(text: string): { rows: RawRow[]; problems: FieldProblem[]; columns: string[] } {
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
 * Parses and validates a whole file. `kind` may be omitted and is then inferred from the columns.
 * @example parseImport('external_id;source;lat;lon;first_seen_on\nA1;gendarmerie;43,69;5,53;2024-01-05')
 */
export function parseImport(text: string, options: { kind?: ImportKind; format?: ImportFormat } = {}): ParsedImport<ImportRecord> {
  const format = options.format ?? detectFormat(text);
  const { rows, problems, columns } = format === 'csv' ? readCsv(text) : readGeoJson(text);
  const firstGeometryType = (rows[0]?.geometry as { type?: string } | undefined)?.type;
  const kind = options.kind ?? inferKind(columns, format, firstGeometryType);
  const fileProblems = wholeFileProblems(kind, problems, rows.length);
  if (fileProblems.length || !kind) return { kind: kind ?? 'deal-points', format, rowCount: rows.length, records: [], problems: fileProblems };
  const records: ImportRecord[] = [];
  const allProblems: FieldProblem[] = [];
  const validator = new RowValidator(kind);
  for (const row of rows) {
    const { record, problems: rowProblems } = validator.check(row);
    allProblems.push(...rowProblems);
    if (record) records.push(record);
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
