/** Monthly counts of active deal points per H3 cell, size class, department or region: never coordinates. */
import type pg from 'pg';
import { cellToParent } from 'h3-js';
import { activeSpans } from '../queries/time-series.js';
import { monthlyCounts, monthRange, monthStart, type ActiveSpan, type MonthlyCounts } from '../domain/months.js';

export interface SeriesFilter {
  from: number; to: number;
  bbox: [number, number, number, number] | null; departments: string[] | null; dataset: string | null;
  region: string | null; commune: string | null; operation?: number | null;
}

export type SeriesKey = 'total' | 'size_class' | 'department' | 'region' | 'h3_7' | 'h3_8' | 'h3_9';

const keyExpressions: Record<SeriesKey, string> = {
  total: `'total'`, size_class: 's.size_class', department: 'c.department_code', region: 'c.region_code',
  h3_7: 'd.h3_r7', h3_8: 'd.h3_r8', h3_9: 'd.h3_r9',
};

export async function fetchSpans(db: pg.Pool, key: SeriesKey, filter: SeriesFilter): Promise<ActiveSpan[]> {
  const { rows } = await db.query<{ point_id: string; key: string; first: number; last: number }>(activeSpans(keyExpressions[key]), [
    monthStart(filter.from), monthStart(filter.to),
    filter.bbox?.[0] ?? null, filter.bbox?.[1] ?? null, filter.bbox?.[2] ?? null, filter.bbox?.[3] ?? null,
    filter.departments, filter.dataset, filter.region, filter.commune, filter.operation ?? null,
  ]);
  return rows.map((row) => ({ pointId: Number(row.point_id), key: row.key, first: row.first, last: row.last }));
}

/** The H3 cell x month cube at `resolution` (5-9); coarser than 7 is derived from the stored r7 cells. */
export async function cellMonthCube(db: pg.Pool, resolution: number, filter: SeriesFilter): Promise<{ months: string[]; cells: Map<string, MonthlyCounts> }> {
  const column: SeriesKey = resolution >= 9 ? 'h3_9' : resolution === 8 ? 'h3_8' : 'h3_7';
  const spans = await fetchSpans(db, column, filter);
  if (resolution < 7) for (const span of spans) span.key = cellToParent(span.key, resolution);
  return { months: monthRange(filter.from, filter.to), cells: monthlyCounts(spans, filter.from, filter.to) };
}

export async function monthlySeries(db: pg.Pool, key: SeriesKey, filter: SeriesFilter): Promise<{ months: string[]; series: Map<string, MonthlyCounts> }> {
  const spans = await fetchSpans(db, key, filter);
  return { months: monthRange(filter.from, filter.to), series: monthlyCounts(spans, filter.from, filter.to) };
}
