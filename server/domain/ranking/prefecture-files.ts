/**
 * Files a prefecture imports (pure): indicator values per sector (code, value, source, date and,
 * for criterion 4, a justification) and schools (UAI code, name, location). `;` or `,` separated,
 * decimal commas accepted. Returns rows or problems naming line, field and reason.
 */
import { parse } from 'csv-parse/sync';
import type { FieldProblem } from '../problems.js';
import { parseDecimal } from '../coordinates.js';
import { eventDateProblem } from '../dates.js';

export const sectorCodePattern = /^[A-Za-z0-9_-]{1,40}$/;
export const uaiPattern = /^[0-9]{7}[A-Z]$/;

export interface IndicatorValueRow { line: number; code: string; value: number; source: string; observedOn: string; justification: string | null }
export interface SchoolRow { line: number; uai: string; name: string; longitude: number; latitude: number }

function readCsv(text: string, aliases: Record<string, string[]>, required: string[]): { rows: { line: number; get: (name: string) => string | undefined }[]; problems: FieldProblem[] } {
  const body = text.replace(/^\uFEFF/, '');
  const header = body.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (header.match(/;/g) ?? []).length >= (header.match(/,/g) ?? []).length ? ';' : ',';
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(body, { delimiter, columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), skip_empty_lines: true, trim: true, info: true, bom: true, relax_column_count: false });
  } catch (error) {
    return { rows: [], problems: [{ line: 1, field: 'file', reason: `not readable as CSV: ${(error as Error).message}` }] };
  }
  const columns = header.split(delimiter).map((c) => c.trim().toLowerCase().replace(/^"|"$/g, ''));
  const find = (name: string) => aliases[name].find((a) => columns.includes(a));
  const missing = required.filter((name) => !find(name));
  if (missing.length) return { rows: [], problems: missing.map((name) => ({ line: 1, field: name, reason: `missing column (one of: ${aliases[name].join(', ')})` })) };
  if (records.length === 0) return { rows: [], problems: [{ line: 1, field: 'file', reason: 'no data row' }] };
  return { rows: records.map(({ record, info }) => ({ line: info.lines, get: (name: string) => { const column = find(name); return column ? record[column] : undefined; } })), problems: [] };
}

const indicatorAliases = { code: ['code', 'code_insee', 'insee', 'secteur', 'code_secteur'], value: ['valeur', 'value'], source: ['source'], date: ['date', 'date_valeur'], justification: ['justification'] };

/** Indicator values per sector; a justification is required when `justificationRequired` (criterion 4). */
export function parseIndicatorValues(text: string, justificationRequired: boolean): { rows: IndicatorValueRow[]; problems: FieldProblem[] } {
  const { rows, problems } = readCsv(text, indicatorAliases, justificationRequired ? ['code', 'value', 'source', 'date', 'justification'] : ['code', 'value', 'source', 'date']);
  if (problems.length) return { rows: [], problems };
  const out: IndicatorValueRow[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const problem = (field: string, reason: string) => problems.push({ line: row.line, field, reason });
    const code = row.get('code') ?? '';
    const value = parseDecimal(row.get('value') ?? '');
    const source = row.get('source') ?? '';
    const date = row.get('date') ?? '';
    const justification = row.get('justification')?.trim() || null;
    if (!sectorCodePattern.test(code)) problem('code', `"${code}" is not a sector code (INSEE code, H3 cell or area code)`);
    else if (seen.has(code)) problem('code', `sector ${code} already given on line ${seen.get(code)}`);
    else seen.set(code, row.line);
    if (value === null || !Number.isFinite(value) || value < 0) problem('valeur', `"${row.get('value') ?? ''}" is not a number >= 0`);
    if (source.length < 1 || source.length > 300) problem('source', 'required, at most 300 characters');
    const dateProblem = eventDateProblem(date);
    if (dateProblem) problem('date', dateProblem);
    if (justificationRequired && !justification) problem('justification', 'required for criterion 4 (why this value, from which documented observation)');
    if (justification && justification.length > 2000) problem('justification', 'at most 2000 characters');
    out.push({ line: row.line, code, value: value ?? 0, source, observedOn: date, justification });
  }
  return { rows: problems.length ? [] : out, problems };
}

const schoolAliases = { uai: ['uai', 'code_uai', 'numero_uai', 'identifiant_de_l_etablissement'], name: ['nom', 'name', 'nom_etablissement', 'appellation_officielle'], longitude: ['longitude', 'lon', 'lng', 'x'], latitude: ['latitude', 'lat', 'y'] };

export function parseSchools(text: string): { rows: SchoolRow[]; problems: FieldProblem[] } {
  const { rows, problems } = readCsv(text, schoolAliases, ['uai', 'name', 'longitude', 'latitude']);
  if (problems.length) return { rows: [], problems };
  const out: SchoolRow[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const problem = (field: string, reason: string) => problems.push({ line: row.line, field, reason });
    const uai = (row.get('uai') ?? '').toUpperCase();
    const name = row.get('name') ?? '';
    const longitude = parseDecimal(row.get('longitude') ?? '');
    const latitude = parseDecimal(row.get('latitude') ?? '');
    if (!uaiPattern.test(uai)) problem('uai', `"${uai}" is not a UAI code (7 digits and a letter)`);
    else if (seen.has(uai)) problem('uai', `${uai} given twice`);
    seen.add(uai);
    if (name.length < 1 || name.length > 200) problem('nom', 'required, at most 200 characters');
    if (longitude === null || longitude < -180 || longitude > 180) problem('longitude', 'not a longitude in degrees (WGS 84)');
    if (latitude === null || latitude < -90 || latitude > 90) problem('latitude', 'not a latitude in degrees (WGS 84)');
    out.push({ line: row.line, uai, name, longitude: longitude ?? 0, latitude: latitude ?? 0 });
  }
  return { rows: problems.length ? [] : out, problems };
}
