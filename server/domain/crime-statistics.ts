/**
 * Reads SSMSI recorded-crime files, departmental or communal, in the official format
 * (`;`-separated, decimal commas, `NA` for missing values) or the comma/point variant.
 * Pure: returns rows or problems naming line, field and reason.
 */
import { parse } from 'csv-parse/sync';
import type { FieldProblem } from './problems.js';
import { normalizeSearchText } from './text-search.js';
import { parseDecimal } from './coordinates.js';

export type StatisticsLevel = 'departments' | 'communes';

const units: Record<string, string> = {
  'mis en cause': 'persons_implicated',
  infraction: 'offences',
  victime: 'victims',
  'victime entendue': 'victims_heard',
  vehicule: 'vehicles',
};

/** @example indicatorCode('Trafic de stupéfiants') === 'trafic_de_stupefiants' */
export function indicatorCode(label: string): string {
  return normalizeSearchText(label).replace(/ /g, '_');
}

export function unitCode(label: string): string | null {
  return units[normalizeSearchText(label)] ?? null;
}

export interface StatisticsRow {
  line: number; area: string; year: number; indicatorLabel: string; indicatorCode: string; unitLabel: string; unit: string;
  isPublished: boolean; count: number | null; ratePer1000: number | null; population: number | null;
}

const columnAliases: Record<string, string[]> = {
  area_departments: ['code_departement', 'dep', 'code_dep', 'departement'],
  area_communes: ['codgeo_2025', 'codgeo', 'code_commune', 'insee'],
  year: ['annee', 'year'],
  indicator: ['indicateur', 'classe'],
  unit: ['unite_de_compte', 'unite'],
  count: ['nombre', 'faits', 'count'],
  rate: ['taux_pour_mille', 'tauxpourmille', 'rate_per_1000'],
  published: ['est_diffuse'],
  population: ['insee_pop', 'pop'],
};

function isMissing(value: string | undefined): boolean {
  return value === undefined || value === '' || /^(na|nan|null)$/i.test(value.trim());
}

export function parseCrimeStatistics(text: string, level: StatisticsLevel): { rows: StatisticsRow[]; problems: FieldProblem[] } {
  const body = text.replace(/^\uFEFF/, '');
  const header = body.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (header.match(/;/g) ?? []).length > (header.match(/,/g) ?? []).length ? ';' : ',';
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(body, { delimiter, columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), skip_empty_lines: true, trim: true, info: true, bom: true });
  } catch (error) {
    return { rows: [], problems: [{ line: 1, field: 'file', reason: `not readable as CSV: ${(error as Error).message}` }] };
  }
  const columns = header.split(delimiter).map((c) => c.replace(/"/g, '').trim().toLowerCase());
  const pick = (key: string) => columnAliases[key].find((alias) => columns.includes(alias));
  const areaColumn = pick(level === 'departments' ? 'area_departments' : 'area_communes');
  const needed = { area: areaColumn, year: pick('year'), indicator: pick('indicator'), unit: pick('unit'), count: pick('count') };
  const missing = Object.entries(needed).filter(([, column]) => !column).map(([name]) => name);
  if (level === 'communes' && !pick('published')) missing.push('est_diffuse');
  if (missing.length) {
    return { rows: [], problems: missing.map((name) => ({ line: 1, field: name, reason: `no column for ${name} (expected one of: ${(columnAliases[name === 'area' ? (level === 'departments' ? 'area_departments' : 'area_communes') : name === 'est_diffuse' ? 'published' : name] ?? []).join(', ')})` })) };
  }
  const rateColumn = pick('rate');
  const populationColumn = pick('population');
  const publishedColumn = pick('published');
  const rows: StatisticsRow[] = [];
  const problems: FieldProblem[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of records) {
    const line = info.lines;
    const problem = (field: string, reason: string) => problems.push({ line, field, reason });
    const before = problems.length;
    let area = record[needed.area!];
    if (level === 'departments' && /^\d$/.test(area)) area = `0${area}`;
    const areaPattern = level === 'departments' ? /^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6])$/ : /^[0-9][0-9AB][0-9]{3}$/;
    if (!areaPattern.test(area ?? '')) problem(needed.area!, `"${area}" is not a ${level === 'departments' ? 'department' : 'commune INSEE'} code`);
    const year = Number(record[needed.year!]);
    if (!Number.isInteger(year) || year < 1990 || year > 2100) problem(needed.year!, `"${record[needed.year!]}" is not a year`);
    const indicatorLabel = record[needed.indicator!];
    if (!indicatorLabel) problem(needed.indicator!, 'is required');
    const unitLabel = record[needed.unit!];
    const unit = unitLabel ? unitCode(unitLabel) : null;
    if (!unit) problem(needed.unit!, `"${unitLabel}" is not a known unit (Mis en cause, Infraction, Victime, Victime entendue, Véhicule)`);
    const published = publishedColumn ? record[publishedColumn] : 'diff';
    if (!['diff', 'ndiff'].includes(published)) problem(publishedColumn!, `"${published}" must be diff or ndiff`);
    const isPublished = published === 'diff';
    const number = (column: string | undefined, integer: boolean): number | null => {
      if (!column || isMissing(record[column]) || !isPublished) return null;
      const value = parseDecimal(record[column]);
      if (value === null || value < 0 || (integer && !Number.isInteger(value))) { problem(column, `"${record[column]}" is not a ${integer ? 'whole ' : ''}number ≥ 0`); return null; }
      return value;
    };
    const count = number(needed.count, true);
    const ratePer1000 = number(rateColumn, false);
    const population = populationColumn && !isMissing(record[populationColumn]) ? parseDecimal(record[populationColumn]) : null;
    if (problems.length > before) continue;
    const key = `${area}/${year}/${indicatorLabel}`;
    if (seen.has(key)) { problem(needed.indicator!, `duplicates line ${seen.get(key)} (same area, year and indicator)`); continue; }
    seen.set(key, line);
    rows.push({ line, area, year, indicatorLabel, indicatorCode: indicatorCode(indicatorLabel), unitLabel, unit: unit!, isPublished, count, ratePer1000, population: population === null ? null : Math.round(population) });
  }
  if (records.length === 0) problems.push({ line: 1, field: 'file', reason: 'holds no rows' });
  return { rows, problems };
}
