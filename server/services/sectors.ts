/**
 * Sectors of a department and their indicators: the adapter between the database and the pure
 * ranking domain. Reads the department's deal points once, places them in sectors, computes the
 * Sillage indicators, and adds the SSMSI (when loaded) or prefecture values.
 */
import type pg from 'pg';
import { cellArea } from 'h3-js';
import * as sql from '../queries/sectors.js';
import { cellPolygon } from '../domain/h3-cells.js';
import { computedIndicators, criteria, prefectureIndicator, ssmsiIndicator, ssmsiPublicOrderIndicators, type Criterion, type IndicatorDefinition } from '../domain/ranking/criteria.js';
import { hotCellsOf, sectorsOfPoints, coveringCells, type SectorKind } from '../domain/ranking/sector-geometry.js';
import { sectorIndicators, type PointHistory, type PointStatus } from '../domain/ranking/indicators.js';
import type { SectorRow } from '../domain/ranking/rank.js';

export interface Sector { code: string; name: string; population: number | null; area_km2: number; geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon | null }
export interface PrefectureValue { id: number; indicator_code: string; criterion: number; sector_code: string; value: number; source: string; observed_on: string; justification: string | null; version: number }
export interface SectorTable {
  department: string; kind: SectorKind; at: string;
  sectors: Sector[]; indicators: IndicatorDefinition[]; rows: SectorRow[];
  points: PointHistory[];
  /** Values supplied by the prefecture, in force, by sector code then indicator (source and justification shown). */
  supplied: Record<string, Record<string, { value: number; source: string; observed_on: string; justification: string | null; version: number }>>;
  criteriaWithData: Set<Criterion>;
  vintage: DataVintage;
}
/** What a ranking read (stored with it). */
export interface DataVintage {
  at: string; department: string; kind: SectorKind; ssmsi_years?: Record<string, string>; criterion_3_source: 'ssmsi' | 'prefecture';
  prefecture_value_ids: number[]; deal_points: number; last_status_recorded_at: string | null;
}

async function loadSectors(db: pg.Pool, department: string, kind: SectorKind, points: { cell7: string }[]): Promise<Sector[]> {
  if (kind === 'h3') {
    return [...new Set(points.map((p) => p.cell7))].sort().map((cell) => ({ code: cell, name: `Cellule ${cell}`, population: null, area_km2: cellArea(cell, 'km2'), geometry: cellPolygon(cell) }));
  }
  const text = kind === 'commune' ? sql.communeSectors : kind === 'arrondissement' ? sql.arrondissementSectors : sql.areaSectors;
  const { rows } = await db.query<Sector>(text, [department]);
  return rows;
}

/** The department's sectors of one kind and its deal points as known on `at`, each placed in its sectors. */
export async function sectorPoints(db: pg.Pool, department: string, kind: SectorKind, at: string, underWayVisibleIn: string[] | null): Promise<{ sectors: Sector[]; points: PointHistory[] }> {
  const { rows: raw } = await db.query<{ id: number; cell7: string; cell8: string; commune_insee: string; longitude: number; latitude: number; statuses: PointStatus[]; dates: string[] }>(
    sql.departmentPoints, [department, null, underWayVisibleIn]);
  // Events after the date are not known yet on that date.
  const located = raw.map((r) => ({ ...r, events: r.statuses.map((status, i) => ({ status, on: r.dates[i] })).filter((e) => e.on <= at) })).filter((r) => r.events.length > 0);
  const sectors = await loadSectors(db, department, kind, located);
  const membership = sectorsOfPoints(located.map((p) => ({ commune: p.commune_insee, cell7: p.cell7, longitude: p.longitude, latitude: p.latitude })), sectors, kind);
  return { sectors, points: located.map((p, i) => ({ id: p.id, cell7: p.cell7, cell8: p.cell8, sectors: membership[i], events: p.events })) };
}

/** Everything a ranking of one department's sectors of one kind needs, on the date `at`. */
export async function sectorTable(db: pg.Pool, department: string, kind: SectorKind, at: string, underWayVisibleIn: string[] | null): Promise<SectorTable> {
  const { sectors, points } = await sectorPoints(db, department, kind, at, underWayVisibleIn);
  const computed = sectorIndicators(points, sectors.map((s) => ({ code: s.code, areaKm2: s.area_km2, cells8: coveringCells(kind, s.code, s.geometry) })), at, hotCellsOf(points, at));

  const indicators: IndicatorDefinition[] = [...computedIndicators];
  const values = new Map(sectors.map((s) => [s.code, { ...computed.get(s.code)! } as Record<string, number | null>]));
  let ssmsiYears: Record<string, string> | undefined;

  // Criterion 3: the SSMSI communal base when loaded for these communes, else the prefecture's indicators.
  let ssmsiLoaded = false;
  if (kind === 'commune') {
    const { rows: rates } = await db.query<{ insee: string; indicator_code: string; label: string; year: number; is_published: boolean; rate: number | null }>(
      sql.ssmsiRates, [department, [...ssmsiPublicOrderIndicators], Number(at.slice(0, 4))]);
    if (rates.length) {
      ssmsiLoaded = true;
      const labels = new Map(rates.map((r) => [r.indicator_code, r.label]));
      for (const [code, label] of labels) indicators.push(ssmsiIndicator(code, label));
      for (const row of values.values()) for (const code of labels.keys()) row[`ssmsi_${code}`] = null;
      for (const rate of rates) { const row = values.get(rate.insee); if (row && rate.is_published && rate.rate !== null) row[`ssmsi_${rate.indicator_code}`] = rate.rate; }
      ssmsiYears = Object.fromEntries([...new Set(rates.map((r) => `${r.indicator_code}:${r.year}`))].map((k) => k.split(':')));
    }
  }
  const { rows: supplied } = await db.query<PrefectureValue>(sql.prefectureValuesInForce, [department, kind]);
  const suppliedBySector: SectorTable['supplied'] = {};
  const prefectureCodes = new Map<string, 3 | 4>();
  for (const value of supplied) {
    if (value.criterion === 3 && ssmsiLoaded) continue;
    prefectureCodes.set(value.indicator_code, value.criterion as 3 | 4);
  }
  for (const [code, criterion] of prefectureCodes) {
    indicators.push(prefectureIndicator(code, criterion));
    for (const row of values.values()) row[code] = null;
  }
  for (const value of supplied) {
    if (!prefectureCodes.has(value.indicator_code)) continue;
    const row = values.get(value.sector_code);
    if (!row) continue;
    row[value.indicator_code] = value.value;
    (suppliedBySector[value.sector_code] ??= {})[value.indicator_code] = { value: value.value, source: value.source, observed_on: value.observed_on, justification: value.justification, version: value.version };
  }
  const { rows: [points_vintage] } = await db.query<{ deal_points: number; last_recorded_at: Date | null }>(sql.dealPointVintage, [department]);
  const vintage: DataVintage = {
    at, department, kind, ...(ssmsiYears ? { ssmsi_years: ssmsiYears } : {}), criterion_3_source: ssmsiLoaded ? 'ssmsi' : 'prefecture',
    prefecture_value_ids: supplied.filter((v) => prefectureCodes.has(v.indicator_code)).map((v) => v.id).sort((a, b) => a - b),
    deal_points: points_vintage.deal_points, last_status_recorded_at: points_vintage.last_recorded_at?.toISOString() ?? null,
  };

  const criteriaWithData = new Set<Criterion>(criteria.filter((c) => indicators.some((i) => i.criterion === c && sectors.some((s) => values.get(s.code)![i.code] !== null))));
  return {
    department, kind, at, sectors, indicators, points, supplied: suppliedBySector, criteriaWithData, vintage,
    rows: sectors.map((s) => ({ code: s.code, name: s.name, values: values.get(s.code)! })),
  };
}
