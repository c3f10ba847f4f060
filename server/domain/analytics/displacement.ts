/**
 * What an operation did where it struck (pure). Target (A), buffer (B) and control (C) areas as
 * H3 cells; counts are the mean number of active points on monthly sample dates before and after.
 * Measures: the Weighted Displacement Quotient (Bowers & Johnson 2003), the Total Net Effect, and
 * the Weighted Displacement Difference test exactly as Wheeler & Ratcliffe (2018), with two
 * disjoint halves of the control (one for the target, one for the buffer) and area weights that
 * bring each control to its area's level before (Wheeler's area-weight extension).
 * Readings rest on tests that can reject: the direct effect ranked among the place's own months
 * without an operation; the buffer ranked among placebo districts of similar size at the same dates.
 */
import { gridDisk } from 'h3-js';
import { addMonths, isActiveOn, type PointHistory } from './history.js';
import { haversineKm, normalCdf, rankPValue, weightedDisplacementDifference, type WddResult } from './statistics.js';
import { placeboDistricts, samePlaceRank, type RankTest } from './placebo-districts.js';

export { diskRadius, placeboDistricts, samePlaceRank, type DistrictCounts, type RankTest } from './placebo-districts.js';

export interface EffectOptions {
  /** Width of the buffer in rings of resolution-8 cells (about 0.92 km each). */
  bufferRings: number;
  beforeMonths: number;
  afterMonths: number;
  /** Months left out just before the start: places are targeted after a rise (regression to the mean). */
  gapMonths: number;
  /** Level of the direct effect's placebo test (one-sided) and of the buffer's: a decrease (diffusion) one-sided at alpha, a rise at alpha / 4. */
  alpha: number;
  /** A direct effect must also remove at least this share of the target's points before (a material drop). */
  minimumDrop: number;
  /**
   * The buffer's test compares each change with the same months this many months earlier (0: off,
   * the default). Off because it costs a year of placebo dates: on data from 2019, operations of
   * 2023-2025 keep 28-36, too few for a rank test to reach 2.5 % on a side (1 / (n + 1)); it
   * removed every false reading on the null seeds of the truth benchmark but most diffusions too.
   */
  seasonalMonths: number;
  /**
   * What the buffer's change is ranked among: 'places' (the default: placebo districts of the
   * control at the same dates, their buffers of similar size and pre-trend, a comparative
   * interrupted time series), 'dates' (the same place on months without an operation) or 'both'
   * (an intersection-union test, a side rejects only when both reject). Measured on 400
   * pseudo-operations of 16 null seeds (truth benchmark, 2026-12-04), two-sided at 5 %: places
   * 6.0 % (the only one within 5 +/- 2 %), dates 9.0 % (a place's own drift: dates of 2019-2022
   * against 2023-2025), both 1.8 % (conservative: it found 31 of 48 planted diffusions, places 37).
   */
  bufferPlacebo: 'dates' | 'places' | 'both';
}
export const defaultEffectOptions: EffectOptions = { bufferRings: 3, beforeMonths: 6, afterMonths: 6, gapMonths: 3, alpha: 0.05, minimumDrop: 0.2, seasonalMonths: 0, bufferPlacebo: 'places' };

/** Mean number of active points in each area over the monthly samples of a window. */
export interface AreaCounts { a0: number; a1: number; b0: number; b1: number; c0: number; c1: number }

export interface Areas { target: Set<string>; buffer: Set<string> }

/** Buffer = the rings of cells around the target (not in it). */
export function operationAreas(targetCells: Iterable<string>, bufferRings: number): Areas {
  const target = new Set(targetCells);
  const buffer = new Set<string>();
  for (const cell of target) for (const near of gridDisk(cell, bufferRings)) if (!target.has(near)) buffer.add(near);
  return { target, buffer };
}

type Area = 'a' | 'b' | 'ct' | 'cd';
const areaNames: Area[] = ['a', 'b', 'ct', 'cd'];

/** Which half of the control a point's cell belongs to (a fixed split, independent of the counts). */
export function controlHalf(cell: string): 'ct' | 'cd' {
  let hash = 2166136261;
  for (let i = 0; i < cell.length; i += 1) hash = Math.imul(hash ^ cell.charCodeAt(i), 16777619);
  return (hash >>> 0) % 2 === 0 ? 'ct' : 'cd';
}

/**
 * Active points of each area on the dates `startedOn` + n months, n in [first, last] (monthly
 * series around the start, which every window and placebo date is read from).
 */
export interface AreaSeries { first: number; last: number; counts: Record<Area, number[]> }

export function areaSeries(points: readonly PointHistory[], areas: Areas, startedOn: string, first: number, last: number, inControl: (p: PointHistory) => boolean): AreaSeries {
  const dates = Array.from({ length: last - first + 1 }, (_, i) => addMonths(startedOn, first + i));
  const counts = Object.fromEntries(areaNames.map((a) => [a, dates.map(() => 0)])) as Record<Area, number[]>;
  for (const point of points) {
    const area: Area | null = areas.target.has(point.cell) ? 'a' : areas.buffer.has(point.cell) ? 'b' : inControl(point) ? controlHalf(point.cell) : null;
    if (!area) continue;
    dates.forEach((date, i) => { if (isActiveOn(point, date)) counts[area][i] += 1; });
  }
  return { first, last, counts };
}

/** Means of each area over the before and after windows of a (real or placebo) start at offset `at`. */
function windowMeans(series: AreaSeries, at: number, options: EffectOptions): Record<Area, { before: number; after: number }> | null {
  const before: number[] = [];
  const after: number[] = [];
  for (let k = 1; k <= options.beforeMonths; k += 1) before.push(at - options.gapMonths - k);
  for (let k = 1; k <= options.afterMonths; k += 1) after.push(at + k);
  if (before.some((n) => n < series.first) || after.some((n) => n > series.last)) return null;
  const mean = (area: Area, offsets: number[]) => offsets.reduce((s, n) => s + series.counts[area][n - series.first], 0) / offsets.length;
  return Object.fromEntries(areaNames.map((a) => [a, { before: mean(a, before), after: mean(a, after) }])) as Record<Area, { before: number; after: number }>;
}

export interface Measure { value: number | null; undefined_reason: string | null }

/**
 * An area's change relative to the whole control, as a log ratio with half a point added to each
 * mean (defined when an area or the control is empty): the statistic the placebo dates rank.
 */
function relativeChange(area: { before: number; after: number }, m: Record<Area, { before: number; after: number }>): number {
  const c0 = m.ct.before + m.cd.before;
  const c1 = m.ct.after + m.cd.after;
  return Math.log((area.after + 0.5) / (area.before + 0.5)) - Math.log((c1 + 0.5) / (c0 + 0.5));
}

/** A quotient's denominator counts as zero below this (counts are means of a few samples). */
const tolerance = 1e-9;
const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

/** WDQ and TNE, each when defined. */
export function quotients(c: AreaCounts): { wdq: Measure; tne: Measure } {
  const reason = c.c0 <= tolerance ? 'indéfini : aucun point actif dans la zone de contrôle avant l’opération' : null;
  const tne: Measure = reason ? { value: null, undefined_reason: reason } : { value: round(c.a0 * (c.c1 / c.c0) - c.a1 + (c.b0 * (c.c1 / c.c0) - c.b1), 2), undefined_reason: null };
  if (reason) return { wdq: { value: null, undefined_reason: reason }, tne };
  if (c.c1 <= tolerance) return { wdq: { value: null, undefined_reason: 'indéfini : aucun point actif dans la zone de contrôle après l’opération' }, tne };
  const denominator = c.a1 / c.c1 - c.a0 / c.c0;
  if (Math.abs(denominator) <= tolerance * Math.max(1, c.a0 / c.c0, c.a1 / c.c1)) {
    return { wdq: { value: null, undefined_reason: 'indéfini : la zone ciblée a évolué exactement comme la zone de contrôle' }, tne };
  }
  return { wdq: { value: round((c.b1 / c.c1 - c.b0 / c.c0) / denominator), undefined_reason: null }, tne };
}

/** The WDD with the halves of the control, area weights bringing each control to its area's level before. */
function wddOf(m: Record<Area, { before: number; after: number }>): WddResult {
  const weight = (control: number, area: number) => (control > 0 && area > 0 ? control / area : 1);
  return weightedDisplacementDifference(m.ct, m.a, m.cd, m.b, { areaWeights: [weight(m.ct.before, m.a.before), 1, weight(m.cd.before, m.b.before), 1] });
}

export interface ControlArea { label: string; contains: (point: PointHistory) => boolean }

/**
 * The default controls, in order: the rest of the operation's department, then (when that holds
 * too few points) the points within `nearbyKm` of the target's `centre`; both outside target,
 * buffer, the `excluded` communes (the candidate destination towns of the wake) and the cells of
 * other operations' targets and buffers (`otherDistricts`).
 */
export function defaultControls(department: string, areas: Areas, centre: [number, number], excluded: ReadonlySet<string> = new Set(), otherDistricts: ReadonlySet<string> = new Set(), nearbyKm = 60): ControlArea[] {
  const outside = (p: PointHistory) => !areas.target.has(p.cell) && !areas.buffer.has(p.cell) && !excluded.has(p.commune) && !otherDistricts.has(p.cell);
  const without = [
    excluded.size ? `hors ${excluded.size} commune(s) candidate(s) à l’accueil de points déplacés` : null,
    otherDistricts.size ? 'hors zones ciblées et tampons des autres opérations' : null,
  ].filter(Boolean).map((s) => `, ${s}`).join('');
  return [
    { label: `reste du département ${department}${without}`, contains: (p) => p.department === department && outside(p) },
    { label: `points à moins de ${nearbyKm} km${without} (le département compte trop peu de points hors zones)`, contains: (p) => outside(p) && haversineKm(centre[0], centre[1], p.longitude, p.latitude) <= nearbyKm },
  ];
}


export interface PlaceboTest extends RankTest {
  /**
   * Which reference the buffer was ranked in (`bufferPlacebo`, or what was available): with
   * 'both', `p_lower` and `p_upper` are the larger of the two tests' (intersection-union) and
   * `placebos` the number of placebo dates.
   */
  method: 'dates' | 'places' | 'both';
  /** 'baisse' when p_lower <= alpha, 'hausse' when p_upper <= alpha / 4 (see operationEffect). */
  significant: 'baisse' | 'hausse' | null;
  /** The buffer's net change (WDD displacement part, against its own control half) ranked among the same place's months without an operation. */
  dates: RankTest | null;
  /** The buffer's log change (half a point added) ranked among placebo districts' buffers of similar size at the same dates. */
  places: RankTest | null;
}

export interface Effect {
  control: string; control_warning: string | null; counts: AreaCounts;
  wdq: Measure; tne: Measure;
  /** Wheeler & Ratcliffe (2018): local (target), displacement (buffer) and total, with the paper's variance. */
  wdd: { local: number; local_se: number; displacement: number; displacement_se: number; value: number; standard_error: number; z: number; p_value: number; low: number; high: number } | null;
  /**
   * The direct effect: the local WDD ranked among the placebo dates' (one-sided, a decrease;
   * p <= alpha); `placebos`: how many (0: too few, the WDD's z-test is used).
   */
  direct: { net_change: number | null; z: number | null; p_value: number | null; significant: boolean; material: boolean; placebos: number };
  /** The buffer against its own placebo dates. */
  buffer: PlaceboTest | null;
  undefined_reason: string | null;
}

/**
 * The effect with the first control area holding at least `minimumControl` active points before.
 * `otherStarts`: start dates of other operations whose months must not fall in a placebo window.
 */
export function operationEffect(points: readonly PointHistory[], areas: Areas, startedOn: string, options: EffectOptions, controls: readonly ControlArea[],
  period: { from: string; to: string }, otherStarts: readonly string[] = [], minimumControl = 10, otherDistricts: ReadonlySet<string> = new Set(), excludedCommunes: ReadonlySet<string> = new Set()): Effect {
  const monthsFrom = (date: string) => (Number(date.slice(0, 4)) - Number(startedOn.slice(0, 4))) * 12 + Number(date.slice(5, 7)) - Number(startedOn.slice(5, 7));
  // Sample dates inside the data: the first on or after its first day, the last on or before its vintage.
  let first = monthsFrom(period.from);
  while (addMonths(startedOn, first) < period.from) first += 1;
  let last = Math.max(first, monthsFrom(period.to) + 1);
  while (last > first && addMonths(startedOn, last) > period.to) last -= 1;
  let chosen = controls[0];
  let series = areaSeries(points, areas, startedOn, first, last, chosen.contains);
  for (const control of controls.slice(1)) {
    const at0 = windowMeans(series, 0, options);
    if (at0 && at0.ct.before + at0.cd.before >= minimumControl) break;
    chosen = control;
    series = areaSeries(points, areas, startedOn, first, last, control.contains);
  }
  const m = windowMeans(series, 0, options);
  const empty = { control: chosen.label, control_warning: null, counts: { a0: 0, a1: 0, b0: 0, b1: 0, c0: 0, c1: 0 }, wdq: { value: null, undefined_reason: null }, tne: { value: null, undefined_reason: null }, wdd: null, direct: { net_change: null, z: null, p_value: null, significant: false, material: false, placebos: 0 }, buffer: null };
  if (!m) return { ...empty, undefined_reason: 'indéfini : les fenêtres avant et après sortent de la période couverte par les données' };
  const r2 = (v: number) => round(v, 2);
  const counts: AreaCounts = { a0: r2(m.a.before), a1: r2(m.a.after), b0: r2(m.b.before), b1: r2(m.b.after), c0: r2(m.ct.before + m.cd.before), c1: r2(m.ct.after + m.cd.after) };
  const { wdq, tne } = quotients({ a0: m.a.before, a1: m.a.after, b0: m.b.before, b1: m.b.after, c0: m.ct.before + m.cd.before, c1: m.ct.after + m.cd.after });
  const control_warning = counts.c0 < 20 ? `Zone de contrôle réduite (${counts.c0} points actifs en moyenne avant) : les comparaisons sont fragiles.` : null;
  if (m.a.before <= tolerance) return { ...empty, control: chosen.label, control_warning, counts, wdq, tne, undefined_reason: 'indéfini : aucun point actif dans la zone ciblée avant l’opération' };
  const w = wddOf(m);
  const localZ = w.local_se > 0 ? w.local / w.local_se : 0;
  // Placebo dates: every month whose windows end before the operation and hold no other operation.
  const span = options.beforeMonths + options.gapMonths;
  const others = otherStarts.map(monthsFrom);
  const placebos: number[] = [];
  const localPlacebos: number[] = [];
  // The buffer's statistic, year on year when `seasonalMonths` > 0: its net change minus the same
  // measure `seasonalMonths` earlier (same calendar months), so that a seasonal swing between the
  // buffer and the control is not read as displacement or diffusion.
  const lag = options.seasonalMonths;
  const clear = (at: number) => !others.some((o) => o >= at - span && o <= at + options.afterMonths + 1);
  const bufferAt = (at: number): number | null => {
    const now = windowMeans(series, at, options);
    if (!now) return null;
    if (lag <= 0) return wddOf(now).displacement;
    const earlier = at - lag >= first + span && clear(at - lag) ? windowMeans(series, at - lag, options) : null;
    return earlier ? wddOf(now).displacement - wddOf(earlier).displacement : null;
  };
  for (let at = first + span; at + options.afterMonths < 0; at += 1) {
    if (!clear(at)) continue;
    const pm = windowMeans(series, at, options);
    if (!pm) continue;
    localPlacebos.push(relativeChange(pm.a, pm));
    const b = bufferAt(at);
    if (b !== null) placebos.push(b);
  }
  // The direct effect: the target's change relative to the whole control (log ratio), ranked among
  // the same place's placebo dates (one-sided, a decrease), and at least `minimumDrop` of its
  // points before. The WDD's own z (Poisson variance) is reported, not relied on: active points are
  // a stock, not Poisson counts, and a small control half makes it powerless. Too few placebo
  // dates: the z-test.
  const localObserved = relativeChange(m.a, m);
  const directP = localPlacebos.length >= 19 ? rankPValue(localObserved, localPlacebos, 'less') : normalCdf(localZ);
  const material = m.a.after <= (1 - options.minimumDrop) * m.a.before;
  const direct = { net_change: r2(w.local), z: r2(localZ), p_value: round(directP, 4), significant: directP <= options.alpha && material, material, placebos: localPlacebos.length >= 19 ? localPlacebos.length : 0 };
  // The buffer: ranked among its own placebo dates and/or among placebo districts at the same dates.
  const bufferObserved = lag > 0 ? bufferAt(0) : w.displacement;
  const dates: RankTest | null = placebos.length >= 19 && bufferObserved !== null
    ? { placebos: placebos.length, observed: r2(bufferObserved), p_lower: round(rankPValue(bufferObserved, placebos, 'less'), 4), p_upper: round(rankPValue(bufferObserved, placebos, 'greater'), 4) } : null;
  const excludedCells = new Set([...areas.target, ...areas.buffer, ...otherDistricts]);
  const earlierOffsets = Array.from({ length: options.beforeMonths }, (_, k) => -options.gapMonths - options.beforeMonths - k - 1);
  const earlierMean = (areas: Area[]) => (earlierOffsets.every((n) => n >= series.first)
    ? earlierOffsets.reduce((sum, n) => sum + areas.reduce((s2, a) => s2 + series.counts[a][n - series.first], 0), 0) / earlierOffsets.length : undefined);
  const districts = placeboDistricts(points, areas.target.size, startedOn, options, (p) => !excludedCommunes.has(p.commune), excludedCells);
  const places = samePlaceRank({ a0: m.a.before, b0: m.b.before, b1: m.b.after, d0: m.ct.before + m.cd.before, d1: m.ct.after + m.cd.after, e0: earlierMean(['b']), de0: earlierMean(['ct', 'cd']), n0: districts[0]?.n0, n1: districts[0]?.n1 },
    districts);
  // Both are reported; the reading rests on the chosen one (or on what is available). A decrease
  // reads diffusion, a directional hypothesis tested one-sided at alpha (400 null pseudo-operations:
  // 4.8 % read as diffusion; at alpha / 2, 2.3 %, but 37 of 48 planted diffusions read instead of 44);
  // a rise at alpha / 4, since it is one of the two routes to a displacement reading (the
  // destination towns, at FDR alpha / 2, are the other): Bonferroni keeps that reading's false rate
  // under alpha (3.8 % of the pseudo-operations).
  const used = (options.bufferPlacebo === 'both' ? [dates, places] : options.bufferPlacebo === 'places' ? [places ?? dates] : [dates ?? places])
    .filter((t): t is RankTest => t !== null);
  let buffer: PlaceboTest | null = null;
  if (used.length) {
    const p_lower = Math.max(...used.map((t) => t.p_lower));
    const p_upper = Math.max(...used.map((t) => t.p_upper));
    buffer = {
      method: used.length === 2 ? 'both' : used[0] === places ? 'places' : 'dates', placebos: used[0].placebos, observed: used[0].observed, p_lower, p_upper,
      significant: p_lower <= options.alpha ? 'baisse' : p_upper <= options.alpha / 4 ? 'hausse' : null, dates, places,
    };
  }
  return {
    control: chosen.label, control_warning, counts, wdq, tne, undefined_reason: null, direct, buffer,
    wdd: { local: r2(w.local), local_se: r2(w.local_se), displacement: r2(w.displacement), displacement_se: r2(w.displacement_se), value: r2(w.total), standard_error: r2(w.total_se), z: r2(w.z), p_value: round(w.p_value, 4), low: r2(w.low), high: r2(w.high) },
  };
}
