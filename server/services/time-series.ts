/** Monthly counts of active deal points per H3 cell, size class, department or region: never coordinates. */
import type pg from 'pg';
import { cellToParent } from 'h3-js';
import { activeMonthChanges, activeSpans, storedMonthChanges } from '../queries/time-series.js';
import { withoutJit } from './without-jit.js';
import { dataVersion, operationsUnderWay } from './tiles.js';
import { countsFromChanges, monthlyCounts, monthRange, monthStart, type ActiveSpan, type MonthChange, type MonthlyCounts } from '../domain/months.js';
import { additiveTotal, cellAt, type AdditiveTotal, type Bbox, type CellArea } from '../domain/disclosure.js';

export interface SeriesFilter {
  from: number; to: number;
  bbox: Bbox | null; departments: string[] | null; dataset: string | null;
  region: string | null; commune: string | null; operation?: number | null;
  /** A list of communes (whole communes: a deputy's constituency, say). */
  communes?: string[] | null;
  /** Whole cells the answer is restricted to (disclosure control); every area must accept a point's cell. */
  areas?: CellArea[];
  /** Departments whose operations under way may show in the counts (null: all). */
  underWayVisibleIn?: string[] | null;
  /** Only points confirmed by at least this many independent sources (precise roles only; null: all). */
  minimumSources?: number | null;
}

export type SeriesKey = 'total' | 'size_class' | 'department' | 'region' | 'commune' | 'h3_7' | 'h3_8' | 'h3_9';

const keyExpressions: Record<SeriesKey, string> = {
  total: `'total'`, size_class: 's.size_class', department: 'c.department_code', region: 'c.region_code', commune: 'c.insee',
  h3_7: 'd.h3_r7', h3_8: 'd.h3_r8', h3_9: 'd.h3_r9',
};

function intersect(boxes: Bbox[]): Bbox | null {
  if (boxes.length === 0) return null;
  const [w, s, e, n] = [Math.max(...boxes.map((b) => b[0])), Math.max(...boxes.map((b) => b[1])), Math.min(...boxes.map((b) => b[2])), Math.min(...boxes.map((b) => b[3]))];
  // An empty intersection still has to select nothing.
  return w <= e && s <= n ? [w, s, e, n] : [0, 0, 0, 0];
}

/**
 * The spans query for `key`: periods stored per point when every status change shows (no
 * operation under way hidden), size classes joined only when they are the key, the point's cells
 * only when areas of whole cells filter the spans.
 */
export function spansQuery(key: SeriesKey, filter: Pick<SeriesFilter, 'underWayVisibleIn' | 'areas' | 'minimumSources'>): string {
  // The cells are read only to keep the spans of whole-cell areas (disclosure control).
  return activeSpans(keyExpressions[key], { stored: (filter.underWayVisibleIn ?? null) === null, sizeClasses: key === 'size_class', cells: (filter.areas ?? []).length > 0, minSources: Boolean(filter.minimumSources) });
}

export async function fetchSpans(db: pg.Pool, key: SeriesKey, filter: SeriesFilter): Promise<ActiveSpan[]> {
  const areas = filter.areas ?? [];
  const envelope = areas.length ? intersect([...areas.map((a) => a.envelope), ...(filter.bbox ? [filter.bbox] : [])]) : filter.bbox;
  const { rows } = await withoutJit(db, (client) => client.query<{ point_id: string; key: string; first: number; last: number; record_key: number; cell7: string; cell8: string }>(spansQuery(key, filter), parameters(filter, envelope)));
  const kept = areas.length
    ? rows.filter((row) => areas.every((area) => area.accepts(area.resolution >= 8 ? row.cell8 : cellAt(row.cell7, area.resolution, 7))))
    : rows;
  return kept.map((row) => ({ pointId: Number(row.point_id), key: row.key, first: row.first, last: row.last, recordKey: Number(row.record_key) }));
}

/**
 * Whether the counts can be added up in SQL from the stored months (migration 0019): for readers
 * who see every status change, without areas of whole cells (those filter each point's cells).
 */
export function countedInDatabase(filter: SeriesFilter): boolean {
  return (filter.underWayVisibleIn ?? null) === null && (filter.areas ?? []).length === 0;
}

/**
 * What an answer for `filter` may be kept under until the data change: the data version and, for
 * readers the status changes of operations under way are hidden from, those operations (the version
 * does not follow an operation's end). Null when it may not be kept: areas of whole cells (a box for
 * a perturbed reader), an operation's target (editable, outside the version). Read before the data,
 * from the same database: a kept answer can be newer than its key, never older.
 */
export async function keptVersion(db: pg.Pool, filter: SeriesFilter): Promise<string | null> {
  if ((filter.areas ?? []).length > 0 || (filter.operation ?? null) !== null) return null;
  const [version, underWay] = await Promise.all([dataVersion(db), countedInDatabase(filter) ? '' : operationsUnderWay(db)]);
  return `${version}|${underWay}`;
}

function parameters(filter: SeriesFilter, envelope: Bbox | null): unknown[] {
  return [
    monthStart(filter.from), monthStart(filter.to),
    envelope?.[0] ?? null, envelope?.[1] ?? null, envelope?.[2] ?? null, envelope?.[3] ?? null,
    filter.departments, filter.dataset, filter.region, filter.commune, filter.operation ?? null, filter.underWayVisibleIn ?? null, filter.communes ?? null,
    ...(filter.minimumSources ? [filter.minimumSources] : []),
  ];
}

/** Keys of the pre-aggregated changes (migration 0024): over m (history_month_changes), c (communes), s (size classes). */
const storedKeyExpressions: Partial<Record<SeriesKey, string>> = {
  total: `'total'`, size_class: 's.size_class', department: 'm.department_code', region: 'c.region_code', commune: 'm.commune_insee',
  h3_7: 'm.h3_r7', h3_8: 'm.h3_r8',
};

/**
 * Whether the counts can be read from the pre-aggregated changes (migration 0024): counted in the
 * database, with no filter those changes do not keep (a box, an operation, a number of sources),
 * for a key they keep.
 */
export function readFromStoredChanges(key: SeriesKey, filter: SeriesFilter): boolean {
  return countedInDatabase(filter) && filter.bbox === null && (filter.operation ?? null) === null && !filter.minimumSources && key in storedKeyExpressions;
}

type ChangeRow = { key: string; offset_: number; active: number; active_keys: string; arrivals: number; arrival_keys: string };

function changeRows(db: pg.Pool, key: SeriesKey, filter: SeriesFilter): Promise<ChangeRow[]> {
  if (readFromStoredChanges(key, filter)) {
    const sql = storedMonthChanges(storedKeyExpressions[key]!, { sizeClasses: key === 'size_class', communes: key === 'region' || filter.region !== null });
    // JIT off here too: the size classes' view makes the planner overestimate by 100x and compile (340 of 460 ms on the demo).
    return withoutJit(db, (client) => client.query<ChangeRow>(sql, [monthStart(filter.from), monthStart(filter.to), filter.departments, filter.dataset, filter.region, filter.commune, filter.communes ?? null])).then((r) => r.rows);
  }
  return withoutJit(db, (client) => client.query<ChangeRow>(
    activeMonthChanges(keyExpressions[key], { sizeClasses: key === 'size_class', minSources: Boolean(filter.minimumSources) }), parameters(filter, filter.bbox))).then((r) => r.rows);
}

/** Monthly counts per key: added up in SQL when it can (countedInDatabase), else from every span. */
async function countsByKey(db: pg.Pool, key: SeriesKey, filter: SeriesFilter, keyOf?: (key: string) => string): Promise<Map<string, MonthlyCounts>> {
  if (countedInDatabase(filter)) {
    const rows = await changeRows(db, key, filter);
    const changes: MonthChange[] = rows.map((r) => ({ key: r.key, offset: r.offset_, active: r.active, activeKeys: Number(r.active_keys), arrivals: r.arrivals, arrivalKeys: Number(r.arrival_keys) }));
    return countsFromChanges(changes, filter.from, filter.to, keyOf);
  }
  const spans = await fetchSpans(db, key, filter);
  if (keyOf) for (const span of spans) span.key = keyOf(span.key);
  return monthlyCounts(spans, filter.from, filter.to);
}

/** The H3 cell x month cube at `resolution` (4-9); coarser than 7 is derived from the stored r7 cells. */
export async function cellMonthCube(db: pg.Pool, resolution: number, filter: SeriesFilter): Promise<{ months: string[]; cells: Map<string, MonthlyCounts> }> {
  const column: SeriesKey = resolution >= 9 ? 'h3_9' : resolution === 8 ? 'h3_8' : 'h3_7';
  const cells = await countsByKey(db, column, filter, resolution < 7 ? (cell) => cellToParent(cell, resolution) : undefined);
  return { months: monthRange(filter.from, filter.to), cells };
}

export async function monthlySeries(db: pg.Pool, key: SeriesKey, filter: SeriesFilter): Promise<{ months: string[]; series: Map<string, MonthlyCounts> }> {
  return { months: monthRange(filter.from, filter.to), series: await countsByKey(db, key, filter) };
}

/**
 * The total of a chosen area for a perturbed reader (disclosure rule 3): the sum of the published
 * values of its whole units, cells of `resolution` or communes.
 */
export async function additiveSeries(db: pg.Pool, unit: 'cells' | 'communes', resolution: number, filter: SeriesFilter): Promise<{ months: string[]; total: AdditiveTotal }> {
  const { months, units } = unit === 'cells'
    ? await cellMonthCube(db, resolution, filter).then((r) => ({ months: r.months, units: r.cells }))
    : await monthlySeries(db, 'commune', filter).then((r) => ({ months: r.months, units: r.series }));
  return { months, total: additiveTotal(units.values(), months.length) };
}
