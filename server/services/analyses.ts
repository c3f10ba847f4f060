/**
 * Thin adapter between the database and the pure analyses: reads point histories and operations,
 * runs the analysis, shapes GeoJSON. Emerging hot spots, which run as jobs, are in hot-spot-jobs.ts.
 */
import { coarsenOutside, } from '../domain/disclosure.js';
import type pg from 'pg';
import { cellToLatLng, latLngToCell, polygonToCells } from 'h3-js';
import { cellFeature } from './aggregates.js';
import type { PointHistory } from '../domain/analytics/history.js';
import type { EffectOptions } from '../domain/analytics/displacement.js';
import { defaultWakeOptions, type Commune, type WakeOptions } from '../domain/analytics/wake.js';
import { analyseOperation } from '../domain/analytics/operation-analysis.js';
import * as sql from '../queries/analyses.js';
import { copyRows } from '../database/copy-rows.js';
import { withoutJit } from './without-jit.js';

import { operationOrigins, resurgences, sizeClassShift, townWatchlist } from '../domain/analytics/watch.js';
import { monthIndex, monthOfDate, monthLabel } from '../domain/months.js';
import { getOperation } from './operations.js';
import { monthlySeries } from './time-series.js';
import { NotFoundError } from '../errors.js';
import { today } from '../domain/dates.js';
import { operationNameableIn } from '../domain/access.js';

interface HistoryRow { id: string; longitude: number; latitude: number; cell: string; commune: string; commune_name: string; size_class: string; department: string; history: { status: string; on: string; operation: number | null }[] }

/**
 * Every deal point with its active periods and the operations that dismantled it. `scope`: the
 * principal's departments (null: national); the status changes of operations under way outside
 * them are left out, as in every aggregated answer (queries/aggregates.ts).
 */
export async function loadHistories(db: pg.Pool, scope: string[] | null = null): Promise<PointHistory[]> {
  return scope === null ? loadStoredHistories(db) : loadHistoriesFromEvents(db, scope);
}

/**
 * loadHistories for a national reader, from the stored periods and the communes read once (a
 * quarter of the time of every event aggregated per point at 100x the demo). The points are
 * streamed through COPY and converted as they arrive (copy-rows.ts).
 */
export async function loadStoredHistories(db: pg.Pool): Promise<PointHistory[]> {
  const [{ rows: strikes }, { rows: communes }] = await Promise.all([
    db.query<{ id: string; operation: string; struck_on: string }>(sql.operationStrikes),
    db.query<{ insee: string; commune: string; commune_name: string; size_class: string; department: string }>(sql.communeAttributes),
  ]);
  const communeOf = new Map(communes.map((c) => [c.insee, c]));
  const struck = new Map<number, PointHistory['dismantledBy']>();
  for (const strike of strikes) {
    const id = Number(strike.id);
    let list = struck.get(id);
    if (!list) struck.set(id, (list = []));
    list.push({ operationId: Number(strike.operation), on: strike.struck_on });
  }
  // Dates and cells repeat (a few thousand days, tens of thousands of cells for 700,000 points at
  // 100x the demo): one string each instead of one per point, a third less memory to hold and collect.
  const shared = new Map<string, string>();
  // Kept as a copy: a piece of a streamed line would otherwise pin the whole 64 KiB chunk it was cut from.
  const once = (text: string) => { let kept = shared.get(text); if (kept === undefined) shared.set(text, (kept = Buffer.from(text, 'latin1').toString('latin1'))); return kept; };
  const histories: PointHistory[] = [];
  const notStruck: PointHistory['dismantledBy'] = Object.freeze([]) as never;
  // JIT off: on a national history the planner's cost passes its thresholds (about 0.4 s compiling at 100x the demo).
  await withoutJit(db, (client) => copyRows(client, sql.storedPointHistories, (fields) => {
    // Fields by index (id, longitude, latitude, cell, commune, period starts, period ends): no
    // destructuring, a path of its own for the common single period (1.2 s instead of 1.9 for
    // 712,600 points).
    // A point whose commune has no attributes (no size class) is left out, as pointHistories' joins leave it out.
    const commune = communeOf.get(fields[4]!);
    if (!commune) return;
    const starts = fields[5];
    const ends = fields[6];
    let periods: PointHistory['periods'];
    if (!starts) periods = [];
    else if (starts.length === 10) periods = [{ from: once(starts), until: ends ? once(ends) : null }];
    else {
      const from = starts.split(',');
      const until = ends === null ? [] : ends.split(',');
      // Sized once: an array grown by push keeps room for more, 700,000 times.
      periods = new Array(from.length);
      for (let i = 0; i < from.length; i += 1) periods[i] = { from: once(from[i]), until: until[i] ? once(until[i]) : null };
    }
    const id = Number(fields[0]);
    histories.push({
      id, longitude: Number(fields[1]), latitude: Number(fields[2]), cell: once(fields[3]!), commune: commune.commune, communeName: commune.commune_name,
      sizeClass: commune.size_class, department: commune.department, periods, dismantledBy: struck.get(id) ?? notStruck,
    });
  }));
  return histories;
}

/** loadHistories from every status event (the reader's scope hides operations under way elsewhere), by cursor batches: all at once as parsed JSON took 1.9 GB at 100x. */
export async function loadHistoriesFromEvents(db: pg.Pool, scope: string[] | null): Promise<PointHistory[]> {
  const histories: PointHistory[] = [];
  await withoutJit(db, async (client) => {
    await client.query(sql.wholeCursor);
    await client.query(sql.declarePointHistories, [scope]);
    for (;;) {
      const { rows } = await client.query<HistoryRow>(sql.fetchPointHistories);
      for (const row of rows) histories.push(historyOfEvents(row));
      if (rows.length === 0) break;
    }
  });
  return histories;
}

function historyOfEvents(row: HistoryRow): PointHistory {
  const history = row.history ?? [];
  const periods: PointHistory['periods'] = [];
  history.forEach((event, i) => {
    if (event.status === 'active' || event.status === 'reopened') periods.push({ from: event.on.slice(0, 10), until: history[i + 1]?.on.slice(0, 10) ?? null });
  });
  return {
    id: Number(row.id), longitude: row.longitude, latitude: row.latitude, cell: row.cell, commune: row.commune, communeName: row.commune_name,
    sizeClass: row.size_class, department: row.department, periods,
    dismantledBy: history.filter((e) => e.status === 'dismantled' && e.operation !== null).map((e) => ({ operationId: Number(e.operation), on: e.on.slice(0, 10) })),
  };
}

/** The data vintage (first day, last event) or the explicit as-of date: analyses never read today's date. */
async function dataPeriod(db: pg.Pool, asOf: string | null, scope: string[] | null): Promise<{ from: string; to: string }> {
  const { rows } = await db.query<{ first: string; last: string }>(sql.dataPeriod, [asOf, scope]);
  return { from: rows[0].first, to: rows[0].last };
}

async function candidateTowns(db: pg.Pool): Promise<Commune[]> {
  const { rows } = await db.query<{ insee: string; name: string; size_class: string; population: number; longitude: number; latitude: number }>(sql.candidateTowns);
  return rows.map((r) => ({ insee: r.insee, name: r.name, sizeClass: r.size_class, population: r.population, longitude: r.longitude, latitude: r.latitude }));
}

/** The operation's target as resolution-8 cells (centres inside the area; at least the cell of its centre). */
export function targetCells(target: GeoJSON.MultiPolygon | GeoJSON.Polygon): string[] {
  const polygons = target.type === 'Polygon' ? [target.coordinates] : target.coordinates;
  const cells = new Set(polygons.flatMap((rings) => polygonToCells(rings, 8, true)));
  if (cells.size > 0) return [...cells];
  const ring = polygons[0][0];
  return [latLngToCell(ring.reduce((s, p) => s + p[1], 0) / ring.length, ring.reduce((s, p) => s + p[0], 0) / ring.length, 8)];
}

function cellsCollection(cells: Iterable<string>, role: 'target' | 'buffer') {
  return [...cells].map((cell) => cellFeature(cell, { role }));
}

export interface AnalysisOptions { effect: EffectOptions; wake: WakeOptions; asOf: string | null }

/**
 * Effect, wake and the reading of one operation, as of the data vintage (or `asOf`). Other
 * departments' points sit at the centre of their resolution-8 cell (see domain/disclosure).
 */
export async function operationSummary(db: pg.Pool, id: number, options: AnalysisOptions, scope: string[] | null = null) {
  const feature = await getOperation(db, id);
  const properties = feature.properties as { name: string; started_on: string; ended_on: string | null; department_code: string };
  // Read at once, each on its own connection (the histories take most of the time; the rest is read meanwhile).
  const [period, communes, points, { rows: operations }] = await Promise.all([dataPeriod(db, options.asOf, scope), candidateTowns(db), loadHistories(db, scope).then((histories) => coarsenOutside(histories, scope)),
    db.query<{ id: string; name: string; started_on: string; ended_on: string | null; department_code: string; target: GeoJSON.MultiPolygon }>(sql.operationsForAnalysis)]);
  const on = today();
  const others = operations.filter((o) => Number(o.id) !== id).map((o) => {
    const cells = targetCells(o.target);
    const [lat, lon] = cellToLatLng(cells[0]);
    // Named as the operations list names it.
    const label = operationNameableIn(scope ?? 'all', o, on) ? `l’opération « ${o.name} »` : undefined;
    return { startedOn: o.started_on, department: o.department_code, centre: [lon, lat] as [number, number], targetCells: cells, label };
  });
  const result = analyseOperation(points, { id, startedOn: properties.started_on, department: properties.department_code, targetCells: targetCells(feature.geometry as GeoJSON.MultiPolygon) },
    others, communes, period, options.effect, options.wake);
  const operation = { id, name: properties.name, started_on: properties.started_on, ended_on: properties.ended_on ?? null, department: properties.department_code };
  const { effect: e, wake: w } = result;
  return {
    as_of: period.to, data_from: period.from, method_version: methodVersion,
    effect: {
      operation,
      parameters: { buffer_rings: options.effect.bufferRings, buffer_km: Math.round(options.effect.bufferRings * 0.92 * 10) / 10, before_months: options.effect.beforeMonths, after_months: options.effect.afterMonths, gap_months: options.effect.gapMonths, alpha: options.effect.alpha, minimum_drop: options.effect.minimumDrop },
      ...e,
      areas: { type: 'FeatureCollection' as const, features: [...cellsCollection(result.areas.target, 'target'), ...cellsCollection(result.areas.buffer, 'buffer')] },
    },
    wake: {
      operation,
      parameters: { distance_km: options.wake.distanceKm, lag_months: options.wake.lagMonths, history_months: options.wake.historyMonths, prior_months: options.wake.priorMonths, fdr: options.wake.fdr, min_linked: options.wake.minLinked, min_population: options.wake.minPopulation },
      ...w,
      arcs: {
        type: 'FeatureCollection' as const,
        features: w.origin ? w.destinations.filter((d) => d.flagged).map((d) => ({
          type: 'Feature' as const, properties: { commune: d.commune, name: d.name, size_class: d.size_class, linked: d.linked, flagged: d.flagged },
          geometry: { type: 'LineString' as const, coordinates: [w.origin!.map((v) => Math.round(v * 1e6) / 1e6), [Math.round(d.longitude * 1e6) / 1e6, Math.round(d.latitude * 1e6) / 1e6]] },
        })) : [],
      },
    },
    reading: result.reading, text: result.text,
  };
}

/** Bumped when a method changes, so that stored readings say which version made them. */
export const methodVersion = '2026-12-07.5';

export async function operationEffectAnalysis(db: pg.Pool, id: number, options: AnalysisOptions, scope: string[] | null = null) {
  const summary = await operationSummary(db, id, options, scope);
  return { as_of: summary.as_of, method_version: summary.method_version, ...summary.effect };
}

export async function operationWakeAnalysis(db: pg.Pool, id: number, options: AnalysisOptions, scope: string[] | null = null) {
  const summary = await operationSummary(db, id, options, scope);
  return { as_of: summary.as_of, method_version: summary.method_version, ...summary.wake };
}

/**
 * Ended operations of other departments whose wake may reach the given departments (towns of at
 * least the wake's minimum population within its distance of the target's centre).
 */
export async function wakesReaching(db: pg.Pool, departments: string[], options: { distanceKm: number; minPopulation: number; today: string }) {
  const { rows } = await db.query<{ id: string; name: string; started_on: string; ended_on: string; department_code: string; towns_in_reach: number; nearest_km: number; departments_reached: string[] }>(
    sql.wakesReaching, [departments, options.distanceKm, options.minPopulation, options.today]);
  return rows.map((r) => ({ id: Number(r.id), name: r.name, started_on: r.started_on, ended_on: r.ended_on, department: r.department_code, towns_in_reach: r.towns_in_reach, nearest_km: r.nearest_km, departments_reached: r.departments_reached }));
}

/**
 * An operation's wake as it concerns some departments: their towns in full, the towns elsewhere
 * only as totals. Read with the departments' scope (other departments' points at cell centres).
 */
export async function departmentalWake(db: pg.Pool, id: number, options: AnalysisOptions, departments: string[]) {
  const summary = await operationSummary(db, id, options, departments);
  const w = summary.wake;
  const { rows } = await db.query<{ insee: string; department_code: string }>(sql.communeDepartments, [w.destinations.map((d) => d.commune)]);
  const departmentOf = new Map(rows.map((r) => [r.insee, r.department_code]));
  const here = w.destinations.filter((d) => departments.includes(departmentOf.get(d.commune) ?? ''));
  const elsewhere = w.destinations.filter((d) => !departments.includes(departmentOf.get(d.commune) ?? ''));
  const round1 = (v: number) => Math.round(v * 10) / 10;
  return {
    as_of: summary.as_of, method_version: summary.method_version, departments,
    operation: { ...w.operation }, parameters: w.parameters,
    dismantled: w.dismantled, candidates: w.candidates, partial_window: w.partial_window, placebo: w.placebo,
    destinations: here.map((d) => ({ ...d, department: departmentOf.get(d.commune)! })),
    elsewhere: {
      towns_with_appearances: elsewhere.length, flagged: elsewhere.filter((d) => d.flagged).length,
      linked: elsewhere.reduce((s, d) => s + d.linked, 0), expected: round1(elsewhere.reduce((s, d) => s + d.expected, 0)),
    },
  };
}

export async function sizeClassShiftAnalysis(db: pg.Pool, options: { operation: number | null; region: string | null; month: string | null; windowMonths: number; scope?: string[] | null }) {
  let region = options.region;
  let month = options.month;
  let operationName: string | null = null;
  if (options.operation !== null) {
    const feature = await getOperation(db, options.operation);
    const properties = feature.properties as { started_on: string; department_code: string; name: string };
    const { rows } = await db.query<{ region_code: string }>(sql.regionOfDepartment, [properties.department_code]);
    region = rows[0]?.region_code ?? null;
    month = properties.started_on.slice(0, 7);
    operationName = properties.name;
  }
  if (!region || !month) throw new NotFoundError('region or month', String(region ?? month));
  const pivot = monthIndex(month);
  const from = pivot - options.windowMonths - 6;
  const to = pivot + options.windowMonths + 6;
  const base = { from, to, bbox: null, departments: null, dataset: null, commune: null, underWayVisibleIn: options.scope ?? null };
  const [regional, national] = await Promise.all([
    monthlySeries(db, 'size_class', { ...base, region }),
    monthlySeries(db, 'size_class', { ...base, region: null }),
  ]);
  const { rows: classes } = await db.query<{ code: string; label: string }>(sql.sizeClassLabels);
  const zero = regional.months.map(() => 0);
  const series = (m: Map<string, { active: number[] }>) => new Map(classes.map((c) => [c.code, m.get(c.code)?.active ?? zero]));
  const regionalSeries = series(regional.series);
  const nationalSeries = series(national.series);
  const { rows: regionRows } = await db.query<{ name: string }>(sql.regionName, [region]);
  return {
    region, region_name: regionRows[0]?.name ?? region, month, operation: operationName, window_months: options.windowMonths, months: regional.months,
    classes: sizeClassShift(regionalSeries, nationalSeries, pivot - from, options.windowMonths).map((c) => ({ ...c, label: classes.find((k) => k.code === c.size_class)?.label })),
    series: classes.map((c) => ({ key: c.code, label: c.label, region: regionalSeries.get(c.code)!, national: nationalSeries.get(c.code)! })),
  };
}

/**
 * The watch, for a principal's departments: resurgences and towns there; an operation is named
 * only when the principal may know of it (its departments', or ended).
 */
export async function watchlist(db: pg.Pool, options: {
  /** The day read, capped at the last day with data (null: that day; never today's date). */
  asOf: string | null; radiusM: number; months: number; reachKm: number; departments: string[] | null;
  operationNameable?: (operation: { department_code: string; ended_on: string | null }) => boolean;
  /** Departments whose operations under way may show in the histories (default: `departments`; '[]': none, the deputies' rule). */
  historyScope?: string[] | null;
}) {
  const points = await loadHistories(db, options.historyScope === undefined ? options.departments : options.historyScope);
  const { rows } = await db.query<{ id: string; name: string; started_on: string; ended_on: string | null; department_code: string; x: number; y: number }>(sql.operationCentres);
  const nameable = options.operationNameable ?? (() => true);
  const origins = operationOrigins(points);
  const operations = rows.filter((r) => nameable(r)).map((r) => ({ id: Number(r.id), name: r.name, startedOn: r.started_on, longitude: r.x, latitude: r.y, origin: origins.get(Number(r.id)) ?? null }));
  const dataUntil = (await dataPeriod(db, null, options.departments)).to.slice(0, 10);
  const asOf = options.asOf !== null && options.asOf < dataUntil ? options.asOf : dataUntil;
  const from = monthLabel(monthOfDate(asOf) - 12) + '-01';
  const inScope = (p: PointHistory) => options.departments === null || options.departments.includes(p.department);
  return {
    as_of: asOf, data_until: dataUntil, parameters: { radius_m: options.radiusM, months: options.months, reach_km: options.reachKm, wake_km: defaultWakeOptions.distanceKm, lag_months: defaultWakeOptions.lagMonths },
    resurgences: resurgences(points.filter(inScope), { radiusM: options.radiusM, months: options.months, from, to: asOf }).slice(0, 500),
    towns: townWatchlist(points.filter(inScope), operations, { asOf, recentMonths: 12, reachKm: options.reachKm, months: options.months, sizeClasses: ['ville_moyenne', 'petite_ville'], lagMonths: defaultWakeOptions.lagMonths, wakeKm: defaultWakeOptions.distanceKm }),
  };
}
