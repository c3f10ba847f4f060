/**
 * Thin adapter between the database and the pure analyses: reads point histories and operations,
 * runs the analysis, shapes GeoJSON. Emerging hot spots run as in-memory jobs that report progress
 * and yield to the event loop between months, so the server keeps answering.
 */
import { coarsenOutside, type CellArea } from '../domain/disclosure.js';
import { shownEvent } from '../queries/aggregates.js';
import type pg from 'pg';
import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { cellToLatLng, gridDisk, latLngToCell, polygonToCells } from 'h3-js';
import { cellFeature } from './aggregates.js';
import type { PointHistory } from '../domain/analytics/history.js';
import { defaultControls, operationAreas, operationEffect, type EffectOptions } from '../domain/analytics/displacement.js';
import { operationWake, readOperation, type WakeOptions } from '../domain/analytics/wake.js';
import { emergingHotSpots, patternLabels, type CellResult } from '../domain/analytics/hot-spots.js';
import { resurgences, sizeClassShift, townWatchlist } from '../domain/analytics/watch.js';
import { monthIndex, monthLabel } from '../domain/months.js';
import { getOperation } from './operations.js';
import { cellMonthCube, monthlySeries } from './time-series.js';
import { NotFoundError } from '../errors.js';

interface HistoryRow { id: string; longitude: number; latitude: number; cell: string; commune: string; commune_name: string; size_class: string; department: string; history: { status: string; on: string; operation: number | null }[] }

/**
 * Every deal point with its active periods and the operations that dismantled it. `scope`: the
 * principal's departments (null: national); the status changes of operations under way outside
 * them are left out, as in every aggregated answer (queries/aggregates.ts).
 */
export async function loadHistories(db: pg.Pool, scope: string[] | null = null): Promise<PointHistory[]> {
  const { rows } = await db.query<HistoryRow>(`
    SELECT d.id, ST_X(d.geom) AS longitude, ST_Y(d.geom) AS latitude, d.h3_r8 AS cell, d.commune_insee AS commune, c.name AS commune_name,
           s.size_class, c.department_code AS department,
           (SELECT json_agg(json_build_object('status', e.status, 'on', e.effective_on, 'operation', e.operation_id) ORDER BY e.effective_on)
              FROM deal_point_status_events e WHERE e.deal_point_id = d.id AND ${shownEvent('$1')}) AS history
    FROM deal_points d JOIN communes c ON c.insee = d.commune_insee JOIN commune_size_classes s ON s.insee = c.insee`, [scope]);
  return rows.map((row) => {
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
  });
}

async function dataPeriod(db: pg.Pool): Promise<{ from: string; to: string }> {
  const { rows } = await db.query<{ first: string | null; last: string | null }>(`SELECT min(effective_on)::text AS first, greatest(max(effective_on), current_date)::text AS last FROM deal_point_status_events`);
  return { from: rows[0].first ?? '2019-01-01', to: rows[0].last ?? '2025-12-31' };
}

async function communeCentroids(db: pg.Pool): Promise<Map<string, [number, number]>> {
  const { rows } = await db.query<{ insee: string; x: number; y: number }>(`SELECT insee, ST_X(centroid) AS x, ST_Y(centroid) AS y FROM communes WHERE kind = 'COM'`);
  return new Map(rows.map((r) => [r.insee, [r.x, r.y]]));
}

/** The operation's target as resolution-8 cells (centres inside the area; at least the cell of its centre). */
export function targetCells(target: GeoJSON.MultiPolygon | GeoJSON.Polygon): string[] {
  const polygons = target.type === 'Polygon' ? [target.coordinates] : target.coordinates;
  const cells = new Set(polygons.flatMap((rings) => polygonToCells(rings, 8, true)));
  if (cells.size > 0) return [...cells];
  const ring = polygons[0][0];
  return [latLngToCell(ring.reduce((s, p) => s + p[1], 0) / ring.length, ring.reduce((s, p) => s + p[0], 0) / ring.length, 8)];
}

function cellsCollection(cells: Iterable<string>, role: string) {
  return [...cells].map((cell) => cellFeature(cell, { role }));
}

interface Operation { id: number; name: string; started_on: string; department_code: string; target: GeoJSON.MultiPolygon }

/** What every operation analysis reads, loaded once per request. */
async function operationInputs(db: pg.Pool, id: number, bufferRings: number, scope: string[] | null) {
  const feature = await getOperation(db, id);
  const operation = { id: Number(feature.id), ...(feature.properties as Omit<Operation, 'id' | 'target'>), target: feature.geometry as GeoJSON.MultiPolygon };
  const areas = operationAreas(targetCells(operation.target), bufferRings);
  const [lat, lon] = cellToLatLng([...areas.target][0]);
  // Other departments' points at the centre of their resolution-8 cell (see domain/disclosure).
  return { operation, areas, centre: [lon, lat] as [number, number], points: coarsenOutside(await loadHistories(db, scope), scope) };
}
type OperationInputs = Awaited<ReturnType<typeof operationInputs>>;

function effectOf({ operation, areas, centre, points }: OperationInputs, options: EffectOptions) {
  const effect = operationEffect(points, areas, operation.started_on, options, defaultControls(operation.department_code, areas, centre));
  return {
    operation: { id: operation.id, name: operation.name, started_on: operation.started_on, department: operation.department_code },
    parameters: { buffer_rings: options.bufferRings, buffer_km: Math.round(options.bufferRings * 0.92 * 10) / 10, before_months: options.beforeMonths, after_months: options.afterMonths },
    control: effect.control, counts: effect.counts, ...effect.measures,
    areas: { type: 'FeatureCollection' as const, features: [...cellsCollection(areas.target, 'target'), ...cellsCollection(areas.buffer, 'buffer')] },
  };
}

async function wakeOf(db: pg.Pool, { operation, areas, points }: OperationInputs, options: WakeOptions) {
  const [period, centroids] = [await dataPeriod(db), await communeCentroids(db)];
  const wake = operationWake(points, operation.id, operation.started_on, period, options, centroids, new Set([...areas.target, ...areas.buffer]));
  return {
    operation: { id: operation.id, name: operation.name, started_on: operation.started_on },
    parameters: { distance_km: options.distanceKm, lag_months: options.lagMonths, permutations: options.permutations, fdr: options.fdr },
    ...wake,
    arcs: {
      type: 'FeatureCollection' as const,
      features: wake.origin ? wake.destinations.map((d) => ({
        type: 'Feature' as const, properties: { commune: d.commune, name: d.name, size_class: d.size_class, linked: d.linked, flagged: d.flagged },
        geometry: { type: 'LineString' as const, coordinates: [wake.origin!, [d.longitude, d.latitude]] },
      })) : [],
    },
  };
}

export async function operationEffectAnalysis(db: pg.Pool, id: number, options: EffectOptions, scope: string[] | null = null) {
  return effectOf(await operationInputs(db, id, options.bufferRings, scope), options);
}

export async function operationWakeAnalysis(db: pg.Pool, id: number, options: WakeOptions, bufferRings: number, scope: string[] | null = null) {
  return wakeOf(db, await operationInputs(db, id, bufferRings, scope), options);
}

/** Effect, wake and the reading together (the operation page), from one load of the data. */
export async function operationSummary(db: pg.Pool, id: number, effectOptions: EffectOptions, wakeOptions: WakeOptions, scope: string[] | null = null) {
  const inputs = await operationInputs(db, id, effectOptions.bufferRings, scope);
  const effect = effectOf(inputs, effectOptions);
  const wake = await wakeOf(db, inputs, wakeOptions);
  return { effect, wake, ...readOperation(effect, wake) };
}

export async function sizeClassShiftAnalysis(db: pg.Pool, options: { operation: number | null; region: string | null; month: string | null; windowMonths: number; scope?: string[] | null }) {
  let region = options.region;
  let month = options.month;
  let operationName: string | null = null;
  if (options.operation !== null) {
    const feature = await getOperation(db, options.operation);
    const properties = feature.properties as { started_on: string; department_code: string; name: string };
    const { rows } = await db.query<{ region_code: string }>('SELECT region_code FROM departments WHERE code = $1', [properties.department_code]);
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
  const { rows: classes } = await db.query<{ code: string; label: string }>('SELECT code, label FROM size_classes ORDER BY rank');
  const zero = regional.months.map(() => 0);
  const series = (m: Map<string, { active: number[] }>) => new Map(classes.map((c) => [c.code, m.get(c.code)?.active ?? zero]));
  const regionalSeries = series(regional.series);
  const nationalSeries = series(national.series);
  const { rows: regionRows } = await db.query<{ name: string }>('SELECT name FROM regions WHERE code = $1', [region]);
  return {
    region, region_name: regionRows[0]?.name ?? region, month, operation: operationName, window_months: options.windowMonths, months: regional.months,
    classes: sizeClassShift(regionalSeries, nationalSeries, pivot - from, options.windowMonths).map((c) => ({ ...c, label: classes.find((k) => k.code === c.size_class)?.label })),
    series: classes.map((c) => ({ key: c.code, label: c.label, region: regionalSeries.get(c.code), national: nationalSeries.get(c.code) })),
  };
}

/**
 * The watch, for a principal's departments: resurgences and towns there; an operation is named
 * only when the principal may know of it (its departments', or ended).
 */
export async function watchlist(db: pg.Pool, options: {
  asOf: string; radiusM: number; months: number; reachKm: number; departments: string[] | null;
  operationNameable?: (operation: { department_code: string; ended_on: string | null }) => boolean;
  /** Departments whose operations under way may show in the histories (default: `departments`; '[]': none, the deputies' rule). */
  historyScope?: string[] | null;
}) {
  const points = await loadHistories(db, options.historyScope === undefined ? options.departments : options.historyScope);
  const { rows } = await db.query<{ id: string; name: string; started_on: string; ended_on: string | null; department_code: string; x: number; y: number }>(
    `SELECT id, name, started_on::text, ended_on::text, department_code, ST_X(ST_Centroid(target)) AS x, ST_Y(ST_Centroid(target)) AS y FROM operations`);
  const nameable = options.operationNameable ?? (() => true);
  const operations = rows.filter((r) => nameable(r)).map((r) => ({ id: Number(r.id), name: r.name, startedOn: r.started_on, longitude: r.x, latitude: r.y }));
  const from = monthLabel(monthIndex(options.asOf.slice(0, 7)) - 12) + '-01';
  const inScope = (p: PointHistory) => options.departments === null || options.departments.includes(p.department);
  return {
    as_of: options.asOf, parameters: { radius_m: options.radiusM, months: options.months, reach_km: options.reachKm },
    resurgences: resurgences(points.filter(inScope), { radiusM: options.radiusM, months: options.months, from, to: options.asOf }).slice(0, 500),
    towns: townWatchlist(points.filter(inScope), operations, { asOf: options.asOf, recentMonths: 12, reachKm: options.reachKm, months: options.months, sizeClasses: ['ville_moyenne', 'petite_ville'] }),
  };
}

// ---- Emerging hot spots, as jobs ----

export interface HotSpotJob {
  id: string; owner: number; status: 'running' | 'done' | 'failed'; done: number; total: number; started: number;
  parameters: Record<string, unknown>; result: unknown; error: string | null;
}
const jobs = new Map<string, HotSpotJob>();
const jobLifetimeMs = 3_600_000;

export function getJob(id: string): HotSpotJob | undefined {
  const now = Date.now();
  for (const [key, job] of jobs) if (now - job.started > jobLifetimeMs) jobs.delete(key);
  return jobs.get(id);
}

export function startHotSpotJob(db: pg.Pool, owner: number, parameters: { resolution: number; from: number; to: number; departments: string[] | null; bbox: [number, number, number, number] | null; permutations: number; seed: number },
  areas: CellArea[] = [], underWayVisibleIn: string[] | null = null): HotSpotJob {
  const job: HotSpotJob = { id: randomUUID(), owner, status: 'running', done: 0, total: parameters.to - parameters.from + 1, started: Date.now(), parameters: { ...parameters, from: monthLabel(parameters.from), to: monthLabel(parameters.to) }, result: null, error: null };
  jobs.set(job.id, job);
  void (async () => {
    try {
      const { months, cells } = await cellMonthCube(db, parameters.resolution, { from: parameters.from, to: parameters.to, bbox: areas.length ? null : parameters.bbox, departments: parameters.departments, dataset: null, region: null, commune: null, areas, underWayVisibleIn });
      // The cube's cells and their ring-1 neighbours (zeros), so that Gi* sees the empty places too.
      const all = new Set(cells.keys());
      for (const cell of cells.keys()) for (const near of gridDisk(cell, 1)) all.add(near);
      const list = [...all].sort();
      const T = months.length;
      const values = new Float64Array(list.length * T);
      list.forEach((cell, i) => { const counts = cells.get(cell); if (counts) for (let t = 0; t < T; t += 1) values[i * T + t] = counts.active[t]; });
      const steps = emergingHotSpots({ cells: list, steps: T, values }, { permutations: parameters.permutations, seed: parameters.seed, fdr: 0.05 });
      let step = steps.next();
      while (!step.done) {
        job.done = step.value;
        await nextTurn();
        step = steps.next();
      }
      const results: CellResult[] = step.value;
      const counts: Record<string, number> = {};
      for (const r of results) counts[r.pattern] = (counts[r.pattern] ?? 0) + 1;
      job.result = {
        type: 'FeatureCollection', months: [months[0], months[T - 1]], cells: list.length, patterns: counts,
        features: results.filter((r) => r.pattern !== 'no_pattern').map((r) => cellFeature(r.cell, { ...r, label: patternLabels[r.pattern] })),
      };
      job.status = 'done';
    } catch (error) {
      job.status = 'failed';
      job.error = (error as Error).message;
    }
  })();
  return job;
}

