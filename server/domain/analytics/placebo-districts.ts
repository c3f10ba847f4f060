/**
 * Placebo districts for the buffer's test at the operation's own dates (pure; see
 * displacement.ts, where the buffer is ranked among them and among its own earlier months).
 */
import { gridDisk } from 'h3-js';
import { addMonths, isActiveOn, type PointHistory } from './history.js';
import { rankPValue } from './statistics.js';

/** An observed statistic ranked among its placebos (p-values of the ranks, each side). */
export interface RankTest { placebos: number; observed: number; p_lower: number; p_upper: number }

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The windows a district is measured on (EffectOptions' fields). */
export interface DistrictWindows { beforeMonths: number; afterMonths: number; gapMonths: number; bufferRings: number }

/** A fixed pseudo-random order of cells (FNV-1a of the index), independent of the counts. */
function cellHash(cell: string): number {
  let hash = 2166136261;
  for (let i = 0; i < cell.length; i += 1) hash = Math.imul(hash ^ cell.charCodeAt(i), 16777619);
  return hash >>> 0;
}

/** Smallest disk radius (in rings) holding `cells` cells. */
export function diskRadius(cells: number): number {
  let r = 0;
  while (3 * r * (r + 1) + 1 < cells) r += 1;
  return r;
}

/**
 * A district's mean counts: target before (`a0`), buffer before and after (`b0`, `b1`), its
 * department or control before and after (`d0`, `d1`), and, for the pre-trend, the buffer and the
 * department on the window before the before window (`e0`, `de0`).
 */
export interface DistrictCounts { a0: number; b0: number; b1: number; d0: number; d1: number; e0?: number; de0?: number; n0?: number; n1?: number }

/**
 * Placebo districts at the operation's own dates (pure), drawn over all the points given (the
 * country, so that enough districts of the buffer's size exist): disks of the target's radius
 * centred on the cells of points in towns (not rural communes) active before, taken in a fixed
 * pseudo-random order of cells and thinned so that no centre lies in another's disk; a district
 * (disk and buffer rings) must keep clear of the `excluded` cells (the operation's target and
 * buffer, other operations' districts). Each: the mean number of `counted` points active in its
 * buffer rings on the sample dates before (`b0`) and after (`b1`) the operation's start, and the
 * same for its centre's department (`d0`, `d1`: its trend and season) and for all the points
 * counted (`n0`, `n1`: the country's, the same for every district at these dates).
 */
export function placeboDistricts(points: readonly PointHistory[], targetSize: number, startedOn: string, options: DistrictWindows,
  counted: (p: PointHistory) => boolean, excluded: ReadonlySet<string>): ({ centre: string; department: string } & DistrictCounts)[] {
  const before = Array.from({ length: options.beforeMonths }, (_, k) => addMonths(startedOn, -options.gapMonths - k - 1));
  const earlier = Array.from({ length: options.beforeMonths }, (_, k) => addMonths(startedOn, -options.gapMonths - options.beforeMonths - k - 1));
  const after = Array.from({ length: options.afterMonths }, (_, k) => addMonths(startedOn, k + 1));
  const means = new Map<string, [number, number, number]>();
  const departments = new Map<string, [number, number, number]>();
  const centres = new Map<string, string>();
  let n0 = 0; let n1 = 0;
  // The first and last dates any window reads: a point active at none of them is skipped at once
  // (most of a national history, out of 18 date checks each).
  const dates = [...before, ...earlier, ...after].sort();
  const [first, last] = [dates[0], dates[dates.length - 1]];
  const share = (point: PointHistory, days: string[]) => { let n = 0; for (const d of days) if (isActiveOn(point, d)) n += 1; return n / days.length; };
  for (const point of points) {
    if (!point.periods.some((p) => p.from <= last && (p.until === null || p.until > first))) continue;
    if (excluded.has(point.cell) || !counted(point)) continue;
    const b = share(point, before);
    const a = share(point, after);
    const e = share(point, earlier);
    if (b === 0 && a === 0 && e === 0) continue;
    n0 += b; n1 += a;
    for (const [map, key] of [[means, point.cell], [departments, point.department]] as const) {
      const m = map.get(key) ?? [0, 0, 0];
      m[0] += b; m[1] += a; m[2] += e;
      map.set(key, m);
    }
    if (b > 0 && point.sizeClass !== 'rural' && !centres.has(point.cell)) centres.set(point.cell, point.department);
  }
  const r = diskRadius(targetSize);
  const disks = new Map<string, string[]>();
  const diskOf = (cell: string, k: number) => { const key = `${cell}:${k}`; let d = disks.get(key); if (!d) { d = gridDisk(cell, k); disks.set(key, d); } return d; };
  const blocked = new Set<string>();
  const districts: ({ centre: string; department: string } & DistrictCounts)[] = [];
  for (const centre of [...centres.keys()].sort((x, y) => cellHash(x) - cellHash(y) || x.localeCompare(y))) {
    if (blocked.has(centre)) continue;
    const disk = diskOf(centre, r + options.bufferRings);
    if (disk.some((c) => excluded.has(c))) continue;
    const inner = new Set(diskOf(centre, r));
    for (const c of inner) blocked.add(c);
    let a0 = 0; let b0 = 0; let b1 = 0; let e0 = 0;
    for (const c of disk) { const m = means.get(c); if (!m) continue; if (inner.has(c)) a0 += m[0]; else { b0 += m[0]; b1 += m[1]; e0 += m[2]; } }
    const department = centres.get(centre)!;
    const [d0, d1, de0] = departments.get(department)!;
    districts.push({ centre, department, a0, b0, b1, d0, d1, e0, de0, n0, n1 });
  }
  return districts;
}

/**
 * Points of control before at which a department's own trend gets half the weight, the rest going
 * to the country's (see samePlaceRank): the control warning's threshold.
 */
export const SHRINK = 20;

/**
 * The buffer's log change relative to its control (half a point added to each mean) ranked among
 * the placebo districts' (each relative to its own department): the `most` whose buffer held the
 * number of points closest to the observed one before (ratio of the means, half a point added;
 * when the observed buffer is larger than most, they are smaller and vary more, which makes the
 * test conservative); null when fewer than `fewest` (a side's rank test needs 1 / (n + 1) <= alpha / 2).
 */
export function samePlaceRank(observed: DistrictCounts, districts: readonly DistrictCounts[], most = 99, fewest = 39, shrink = SHRINK): RankTest | null {
  const logRatio = (after: number, before: number) => Math.log((after + 0.5) / (before + 0.5));
  // The department's trend, shrunk towards the country's by d0 / (d0 + shrink): a department with
  // few points outside the districts has a noisy trend, which would drown the buffer's change.
  const trend = (d: DistrictCounts) => {
    const own = logRatio(d.d1, d.d0);
    if (shrink <= 0 || d.n0 === undefined || d.n1 === undefined) return own;
    const country = logRatio(d.n1, d.n0);
    return country + (d.d0 / (d.d0 + shrink)) * (own - country);
  };
  const change = (d: DistrictCounts) => logRatio(d.b1, d.b0) - trend(d);
  // The pre-trend: the buffer's change from the window before to the before window, against its department.
  const pre = (d: DistrictCounts) => (d.e0 === undefined || d.de0 === undefined ? null : Math.log((d.b0 + 0.5) / (d.e0 + 0.5)) - Math.log((d.d0 + 0.5) / (d.de0 + 0.5)));
  const observedPre = pre(observed);
  const gap = (d: DistrictCounts) => Math.abs(Math.log((d.a0 + 0.5) / (observed.a0 + 0.5))) + Math.abs(Math.log((d.b0 + 0.5) / (observed.b0 + 0.5)))
    + (observedPre === null ? 0 : Math.abs((pre(d) ?? observedPre) - observedPre));
  const similar = [...districts].sort((x, y) => gap(x) - gap(y)).slice(0, most);
  if (similar.length < fewest) return null;
  const value = change(observed);
  const placebos = similar.map(change);
  return { placebos: placebos.length, observed: round(value, 3), p_lower: round(rankPValue(value, placebos, 'less'), 4), p_upper: round(rankPValue(value, placebos, 'greater'), 4) };
}
