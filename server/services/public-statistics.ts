/**
 * Public figures for /statistiques: active deal points per department in December of each
 * complete year, published as for deputies (whole departments, "< 5", cell-key perturbation, no
 * operation under way). Never a location.
 */
import type pg from 'pg';
import { publishedCount } from '../domain/disclosure.js';
import { monthIndex } from '../domain/months.js';
import { keptVersion, monthlySeries } from './time-series.js';
import * as sql from '../queries/snapshots.js';
import { keptWhileUnchanged } from './kept-answers.js';

export interface ActivePointsByYear {
  years: number[];
  france: (number | null)[];
  departments: { code: string; name: string; counts: (number | null)[] }[];
}

/** The figures' filter but its window: all of France, no operation under way showing. */
const everywhere = { bbox: null, departments: null, dataset: null, region: null, commune: null, underWayVisibleIn: [] };

/**
 * Active points in December of each year from the first year with data to `lastYear`, computed
 * again only when the data version or the operations under way have changed: the route is public
 * and the figures come from every point's periods (7.8 s at 100x the demo).
 */
export async function activePointsByDepartment(db: pg.Pool, lastYear: number): Promise<ActivePointsByYear> {
  const version = await keptVersion(db, { ...everywhere, from: 0, to: 0 });
  return keptWhileUnchanged(db, 'public active points', `${version}|${lastYear}`, () => computeActivePoints(db, lastYear));
}

async function computeActivePoints(db: pg.Pool, lastYear: number): Promise<ActivePointsByYear> {
  const { rows: [{ first_year }] } = await db.query<{ first_year: number | null }>(sql.firstDataYear);
  const first = Math.max(2000, Math.min(first_year ?? lastYear, lastYear));
  const years = Array.from({ length: lastYear - first + 1 }, (_, i) => first + i);
  const base = { ...everywhere, from: monthIndex(`${first}-01`), to: monthIndex(`${lastYear}-12`) };
  const decembers = years.map((year) => monthIndex(`${year}-12`) - base.from);
  const [byDepartment, total] = await Promise.all([monthlySeries(db, 'department', base), monthlySeries(db, 'total', base)]);
  const { rows: names } = await db.query<{ code: string; name: string }>(sql.allDepartmentNames);
  const publish = (counts: { active: number[]; activeKeys: number[] } | undefined) => decembers.map((i) => (counts ? publishedCount(counts.active[i], counts.activeKeys[i]) : 0));
  return {
    years,
    france: publish(total.series.get('total')),
    departments: names.map(({ code, name }) => ({ code, name, counts: publish(byDepartment.series.get(code)) })),
  };
}
