/**
 * Active deal points counted per H3 cell, commune or department on a date: never coordinates.
 * Areas are snapped to whole units for principals who may not see every point counted
 * (domain/disclosure.ts); the routes publish the counts.
 */
import type pg from 'pg';
import { bboxCellArea, cellAt, addKey, type Bbox, type Disclosure } from '../domain/disclosure.js';
import { cellPolygon } from '../domain/h3-cells.js';
import * as sql from '../queries/aggregates.js';

export interface AggregateFilter {
  at: string; bbox: Bbox | null; departments: string[] | null; dataset: string | null;
  /** Departments whose operations under way may show in the counts (null: all). */
  underWayVisibleIn?: string[] | null;
  /** Only points confirmed by at least this many independent sources (precise roles only; null: all). */
  minimumSources?: number | null;
}
export interface KeyedCount { count: number; keySum: number }

function params(filter: AggregateFilter, envelope: Bbox | null, wholeCommunes: boolean): unknown[] {
  return [filter.at, envelope?.[0] ?? null, envelope?.[1] ?? null, envelope?.[2] ?? null, envelope?.[3] ?? null, filter.departments, filter.dataset, wholeCommunes, filter.underWayVisibleIn ?? null, ...(filter.minimumSources ? [filter.minimumSources] : [])];
}

function storedColumn(resolution: number): { column: 'h3_r7' | 'h3_r8' | 'h3_r9'; stored: number } {
  if (resolution >= 9) return { column: 'h3_r9', stored: 9 };
  if (resolution === 8) return { column: 'h3_r8', stored: 8 };
  return { column: 'h3_r7', stored: 7 };
}

/**
 * Counts per H3 cell at `resolution` (4-9); coarser than 7 from the stored r7 cells. Snapped: a
 * bbox keeps whole cells of min(resolution, unit) that overlap it.
 */
export async function countByCell(db: pg.Pool, resolution: number, filter: AggregateFilter, disclosure: Disclosure): Promise<Map<string, KeyedCount>> {
  const { column, stored } = storedColumn(resolution);
  const area = filter.bbox && disclosure.unitResolution !== null ? bboxCellArea(filter.bbox, Math.min(resolution, disclosure.unitResolution)) : null;
  const { rows } = await db.query<{ cell: string; count: number; key_sum: number }>(sql.countByStoredCell(column, Boolean(filter.minimumSources)), params(filter, area?.envelope ?? filter.bbox, false));
  const counts = new Map<string, KeyedCount>();
  for (const row of rows) {
    if (area && !area.accepts(cellAt(row.cell, area.resolution, stored))) continue;
    const cell = cellAt(row.cell, resolution, stored);
    const entry = counts.get(cell) ?? { count: 0, keySum: 0 };
    entry.count += row.count;
    entry.keySum = addKey(entry.keySum, Number(row.key_sum));
    counts.set(cell, entry);
  }
  return counts;
}

export function cellFeature<P extends object>(cell: string, properties: P) {
  return { type: 'Feature' as const, id: cell, geometry: cellPolygon(cell) as GeoJSON.Polygon & { type: 'Polygon' }, properties: { h3: cell, ...properties } };
}

/** Snapped: a bbox keeps the whole communes it touches. */
export async function countByCommune(db: pg.Pool, filter: AggregateFilter, disclosure: Disclosure) {
  const { rows } = await db.query<{ insee: string; name: string; department_code: string; size_class: string; count: number; key_sum: number }>(
    sql.countByCommuneQuery(Boolean(filter.minimumSources)), params(filter, filter.bbox, disclosure.unitResolution !== null));
  return rows.map(({ key_sum, ...row }) => ({ ...row, keySum: Number(key_sum) }));
}

export async function countByDepartment(db: pg.Pool, filter: AggregateFilter, disclosure: Disclosure) {
  const { rows } = await db.query<{ code: string; name: string; count: number; key_sum: number }>(
    sql.countByDepartmentQuery(Boolean(filter.minimumSources)), params(filter, filter.bbox, disclosure.unitResolution !== null));
  return rows.map(({ key_sum, ...row }) => ({ ...row, keySum: Number(key_sum) }));
}

/** An operation's target, department and end, to count within it (null when there is none). */
export async function operationTarget(db: pg.Pool, id: number): Promise<{ target: GeoJSON.MultiPolygon; department_code: string; ended_on: string | null } | null> {
  const { rows } = await db.query<{ target: GeoJSON.MultiPolygon; department_code: string; ended_on: string | null }>(sql.operationTarget, [id]);
  return rows[0] ?? null;
}

/** The labels of a series' keys (size classes, departments, regions; "Total"). */
export async function seriesLabels(db: pg.Pool, by: 'total' | 'size_class' | 'department' | 'region'): Promise<Map<string, string>> {
  const text = by === 'size_class' ? sql.sizeClassLabels : by === 'department' ? sql.departmentLabels : by === 'region' ? sql.regionLabels : null;
  if (!text) return new Map([['total', 'Total']]);
  const { rows } = await db.query<{ key: string; label: string }>(text);
  return new Map(rows.map((row) => [row.key, row.label]));
}
