/**
 * The indicators Sillage computes per sector from its own deal-point data (pure; definitions in
 * criteria.ts): active points, share in persistent or intensifying hot spots, mean lifetime,
 * reopenings, share of the department, density, Gini across resolution-8 cells.
 */
import { addDays } from '../dates.js';
import { monthOfDate, type ActiveSpan } from '../months.js';
import { historyMonths } from './criteria.js';

export type PointStatus = 'active' | 'dismantled' | 'reopened';
export interface PointHistory {
  id: number; cell7: string; cell8: string;
  /** Codes of the sectors the point lies in. */
  sectors: readonly string[];
  /** Status changes in date order. */
  events: readonly { status: PointStatus; on: string }[];
}
export interface SectorShape { code: string; areaKm2: number; cells8: readonly string[] }

const daysPerMonth = 30.4375;

/** Whether the point is active (active or reopened) on `at` (YYYY-MM-DD). */
export function activeOn(events: PointHistory['events'], at: string): boolean {
  let status: PointStatus | null = null;
  for (const event of events) { if (event.on > at) break; status = event.status; }
  return status === 'active' || status === 'reopened';
}

/**
 * Gini index of counts: sum |xi - xj| / (2 n^2 mean), from the sorted values; 0 when all are zero.
 * @example gini([0, 0, 0, 4]) // 0.75
 */
export function gini(counts: readonly number[]): number {
  const n = counts.length;
  const total = counts.reduce((sum, c) => sum + c, 0);
  if (n === 0 || total === 0) return 0;
  const sorted = [...counts].sort((a, b) => a - b);
  let weighted = 0;
  sorted.forEach((c, i) => { weighted += (i + 1) * c; });
  return (2 * weighted) / (n * total) - (n + 1) / n;
}

/** The point's active periods as month spans up to `toMonth` (inclusive), keyed by `key`. */
export function pointSpans(point: PointHistory, key: string, toMonth: number): ActiveSpan[] {
  const spans: ActiveSpan[] = [];
  point.events.forEach((event, i) => {
    if (event.status === 'dismantled') return;
    const until = point.events[i + 1]?.on ?? null;
    const first = monthOfDate(event.on);
    const last = until === null ? toMonth : monthOfDate(addDays(until, -1));
    if (first <= Math.min(last, toMonth)) spans.push({ pointId: point.id, key, first, last: Math.min(last, toMonth) });
  });
  return spans;
}

function monthsBetween(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 / daysPerMonth;
}

/**
 * Values of the Sillage indicators of each sector on `at`. `hotCells`: resolution-7 cells whose
 * emerging hot spot pattern is persistent or intensifying hot.
 */
export function sectorIndicators(points: readonly PointHistory[], sectors: readonly SectorShape[], at: string, hotCells: ReadonlySet<string>): Map<string, Record<string, number>> {
  const since = addDays(at, -Math.round(historyMonths * daysPerMonth));
  const perSector = new Map(sectors.map((s) => [s.code, { active: 0, hot: 0, lifetime: 0, reopenings: 0, cells: new Map<string, number>() }]));
  let departmentActive = 0;
  for (const point of points) {
    const active = activeOn(point.events, at);
    if (active) departmentActive += 1;
    const reopenings = point.events.filter((e) => e.status === 'reopened' && e.on > since && e.on <= at).length;
    for (const code of point.sectors) {
      const entry = perSector.get(code);
      if (!entry) continue;
      entry.reopenings += reopenings;
      if (!active) continue;
      entry.active += 1;
      if (hotCells.has(point.cell7)) entry.hot += 1;
      entry.lifetime += monthsBetween(point.events[0].on, at);
      entry.cells.set(point.cell8, (entry.cells.get(point.cell8) ?? 0) + 1);
    }
  }
  const result = new Map<string, Record<string, number>>();
  for (const sector of sectors) {
    const entry = perSector.get(sector.code)!;
    const cells = new Set([...sector.cells8, ...entry.cells.keys()]);
    result.set(sector.code, {
      active_points: entry.active,
      hot_spot_share: entry.active ? entry.hot / entry.active : 0,
      mean_lifetime_months: entry.active ? entry.lifetime / entry.active : 0,
      reopenings: entry.reopenings,
      department_share: departmentActive ? entry.active / departmentActive : 0,
      density_per_km2: sector.areaKm2 > 0 ? entry.active / sector.areaKm2 : 0,
      cell_gini: gini([...cells].map((cell) => entry.cells.get(cell) ?? 0)),
    });
  }
  return result;
}
