/**
 * Resurgence watch (measure 22) and the shift between commune size classes (pure).
 */
import { gridDisk } from 'h3-js';
import { addMonths, appearances, isActiveOn, type Appearance, type PointHistory } from './history.js';
import { haversineKm, meanPosition, poissonUpperTail } from './statistics.js';

export interface Resurgence {
  point: number; commune: string; commune_name: string; dismantled_on: string;
  activity: { point: number; on: string; distance_m: number; reopening: boolean }[];
}

/**
 * Dismantled points with new activity within `radiusM` metres within `months` months after (the
 * point itself reopening, or another point appearing), dismantled between `from` and `to`.
 */
export function resurgences(points: readonly PointHistory[], options: { radiusM: number; months: number; from: string; to: string }): Resurgence[] {
  const byCell = new Map<string, Appearance[]>();
  for (const a of appearances(points)) byCell.set(a.cell, [...(byCell.get(a.cell) ?? []), a]);
  // Resolution-8 cells are about 0.9 km across: rings enough to cover the radius.
  const rings = Math.max(1, Math.ceil(options.radiusM / 460));
  const result: Resurgence[] = [];
  for (const point of points) {
    for (const period of point.periods) {
      const end = period.until;
      if (end === null || end < options.from || end > options.to) continue;
      const limit = addMonths(end, options.months);
      const activity = gridDisk(point.cell, rings).flatMap((cell) => byCell.get(cell) ?? [])
        .filter((a) => a.on > end && a.on <= limit)
        .map((a) => ({ point: a.pointId, on: a.on, distance_m: Math.round(haversineKm(point.longitude, point.latitude, a.longitude, a.latitude) * 1000), reopening: a.pointId === point.id }))
        .filter((a) => a.distance_m <= options.radiusM)
        .sort((a, b) => a.on.localeCompare(b.on) || a.point - b.point);
      if (activity.length) result.push({ point: point.id, commune: point.commune, commune_name: point.communeName, dismantled_on: end, activity });
    }
  }
  return result.sort((a, b) => b.dismantled_on.localeCompare(a.dismantled_on) || a.point - b.point);
}

export interface WatchedTown {
  commune: string; name: string; department: string; size_class: string;
  operation: number; operation_name: string; distance_km: number;
  /**
   * How the operation was chosen: 'wake' when the town's appearances in the `lagMonths` after the
   * operation's start are counted in that operation's wake (the operation page's "apparitions
   * liées"), the operation with the most of them; 'nearest' when no recent operation's wake
   * reaches it, the nearest recent operation.
   */
  attribution: 'wake' | 'nearest'; linked_appearances: number;
  active_before: number; active_now: number; change: number; p_value: number;
}

/** Where each operation's wake is measured from, as the wake does: the centre of the points it dismantled. */
export function operationOrigins(points: readonly PointHistory[]): Map<number, [number, number]> {
  const positions = new Map<number, [number, number][]>();
  for (const p of points) for (const d of p.dismantledBy) positions.set(d.operationId, [...(positions.get(d.operationId) ?? []), [p.longitude, p.latitude]]);
  return new Map([...positions].map(([id, list]) => [id, meanPosition(list)]));
}

/**
 * Mid-sized towns within `reachKm` of an operation started in the `recentMonths` before `asOf`,
 * whose active points rose over the last `months` months (at least 2 more, Poisson p < 0.05).
 * Each is attributed to an operation by the wake's own rule (appearances in the town in the
 * `lagMonths` after the operation's start, the town within `wakeKm` of the points it dismantled),
 * so the watch and the operation page name the same operation.
 */
export function townWatchlist(points: readonly PointHistory[], operations: readonly { id: number; name: string; startedOn: string; longitude: number; latitude: number; origin?: [number, number] | null }[],
  options: { asOf: string; recentMonths: number; reachKm: number; months: number; sizeClasses: readonly string[]; lagMonths?: number; wakeKm?: number }): WatchedTown[] {
  const since = addMonths(options.asOf, -options.months);
  const lag = options.lagMonths ?? 6;
  const wakeKm = options.wakeKm ?? 100;
  const recent = operations.filter((o) => o.startedOn <= options.asOf && o.startedOn >= addMonths(options.asOf, -options.recentMonths));
  const towns = new Map<string, { name: string; department: string; size_class: string; before: number; now: number; longitude: number; latitude: number; n: number; starts: string[] }>();
  for (const point of points) {
    if (!options.sizeClasses.includes(point.sizeClass)) continue;
    const town = towns.get(point.commune) ?? { name: point.communeName, department: point.department, size_class: point.sizeClass, before: 0, now: 0, longitude: 0, latitude: 0, n: 0, starts: [] };
    town.before += isActiveOn(point, since) ? 1 : 0;
    town.now += isActiveOn(point, options.asOf) ? 1 : 0;
    town.longitude += point.longitude;
    town.latitude += point.latitude;
    town.n += 1;
    for (const period of point.periods) if (period.from <= options.asOf) town.starts.push(period.from);
    towns.set(point.commune, town);
  }
  const result: WatchedTown[] = [];
  for (const [commune, town] of towns) {
    const change = town.now - town.before;
    if (change < 2) continue;
    const p = poissonUpperTail(town.now, Math.max(town.before, 0.5));
    if (p >= 0.05) continue;
    const [lon, lat] = [town.longitude / town.n, town.latitude / town.n];
    const near = recent.map((o) => ({ o, km: haversineKm(o.longitude, o.latitude, lon, lat) }));
    const linked = near
      .filter(({ o }) => { const from = o.origin ?? [o.longitude, o.latitude]; return haversineKm(from[0], from[1], lon, lat) <= wakeKm; })
      .map((x) => { const until = addMonths(x.o.startedOn, lag); return { ...x, links: town.starts.filter((d) => d > x.o.startedOn && d <= until).length }; })
      .filter((x) => x.links > 0)
      .sort((a, b) => b.links - a.links || a.km - b.km)[0];
    const nearest = near.filter((x) => x.km <= options.reachKm).sort((a, b) => a.km - b.km)[0];
    const chosen = linked ?? (nearest && { ...nearest, links: 0 });
    if (!chosen) continue;
    result.push({
      commune, name: town.name, department: town.department, size_class: town.size_class, operation: chosen.o.id, operation_name: chosen.o.name,
      distance_km: Math.round(chosen.km * 10) / 10, attribution: linked ? 'wake' : 'nearest', linked_appearances: chosen.links,
      active_before: town.before, active_now: town.now, change, p_value: Math.round(p * 10000) / 10000,
    });
  }
  return result.sort((a, b) => b.change - a.change || a.p_value - b.p_value || a.commune.localeCompare(b.commune));
}

export interface ClassShift { size_class: string; before: number; after: number; change_pct: number | null; national_change_pct: number | null; excess_points: number | null }

/**
 * Active points by size class in an area before and after a month (means over `window` months
 * each side), against the national change of the same class: the excess is the area's change
 * minus what the national trend would have given, in points.
 */
export function sizeClassShift(area: ReadonlyMap<string, readonly (number | null)[]>, national: ReadonlyMap<string, readonly (number | null)[]>, pivot: number, window: number): ClassShift[] {
  const mean = (values: readonly (number | null)[], from: number, to: number) => {
    const slice = values.slice(Math.max(0, from), Math.max(0, to)).filter((v): v is number => v !== null);
    return slice.length ? slice.reduce((s, v) => s + v, 0) / slice.length : 0;
  };
  const round = (v: number) => Math.round(v * 10) / 10;
  return [...area.entries()].map(([sizeClass, values]) => {
    const before = mean(values, pivot - window, pivot);
    const after = mean(values, pivot + 1, pivot + 1 + window);
    const nationalValues = national.get(sizeClass) ?? [];
    const nBefore = mean(nationalValues, pivot - window, pivot);
    const nAfter = mean(nationalValues, pivot + 1, pivot + 1 + window);
    const nationalRatio = nBefore > 0 ? nAfter / nBefore : null;
    return {
      size_class: sizeClass, before: round(before), after: round(after),
      change_pct: before > 0 ? round(((after - before) / before) * 100) : null,
      national_change_pct: nationalRatio === null ? null : round((nationalRatio - 1) * 100),
      excess_points: nationalRatio === null ? null : round(after - before * nationalRatio),
    };
  });
}
