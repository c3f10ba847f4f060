/**
 * What an operation did where it struck (pure): target / buffer / control areas as H3 cells,
 * before and after windows, the Weighted Displacement Quotient (Bowers & Johnson 2003), the Total
 * Net Effect and the Weighted Displacement Difference with its standard error (Wheeler &
 * Ratcliffe 2018), and a reading in plain French. Zero counts give an explained "indéfini".
 */
import { gridDisk } from 'h3-js';
import { addMonths, isActiveOn, type PointHistory } from './history.js';
import { haversineKm, twoSidedP } from './statistics.js';

export interface EffectOptions {
  /** Width of the buffer in rings of resolution-8 cells (about 0.92 km each). */
  bufferRings: number;
  beforeMonths: number;
  afterMonths: number;
}
export const defaultEffectOptions: EffectOptions = { bufferRings: 3, beforeMonths: 6, afterMonths: 6 };

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

/** Sample dates: `months` monthly dates before the start (excluded), or after it. */
export function windowDates(startedOn: string, months: number, side: 'before' | 'after'): string[] {
  return Array.from({ length: months }, (_, i) => addMonths(startedOn, side === 'before' ? -(i + 1) : i + 1));
}

/**
 * Counts in target (A), buffer (B) and control (C: the points of `controlDepartments` outside A
 * and B, unless `inControl` says otherwise), as means of the active points on the sample dates.
 */
export function areaCounts(points: readonly PointHistory[], areas: Areas, startedOn: string, options: EffectOptions, inControl: (p: PointHistory) => boolean): AreaCounts {
  const before = windowDates(startedOn, options.beforeMonths, 'before');
  const after = windowDates(startedOn, options.afterMonths, 'after');
  const sums = { a0: 0, a1: 0, b0: 0, b1: 0, c0: 0, c1: 0 };
  for (const point of points) {
    const area = areas.target.has(point.cell) ? 'a' : areas.buffer.has(point.cell) ? 'b' : inControl(point) ? 'c' : null;
    if (!area) continue;
    for (const date of before) if (isActiveOn(point, date)) sums[`${area}0`] += 1;
    for (const date of after) if (isActiveOn(point, date)) sums[`${area}1`] += 1;
  }
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    a0: round(sums.a0 / before.length), b0: round(sums.b0 / before.length), c0: round(sums.c0 / before.length),
    a1: round(sums.a1 / after.length), b1: round(sums.b1 / after.length), c1: round(sums.c1 / after.length),
  };
}

export interface Measure { value: number | null; undefined_reason: string | null }
export interface EffectMeasures {
  wdq: Measure;
  tne: Measure;
  /** WDD = (A1 - A0 C1/C0) + (B1 - B0 C1/C0): the net change in target and buffer beyond the control's trend. */
  wdd: Measure & { standard_error: number | null; z: number | null; p_value: number | null };
  /** Net change in the target alone, with its z-score (the direct effect). */
  direct: { net_change: number | null; z: number | null; significant: boolean };
  /** Net change in the buffer alone (positive: displacement into it; negative: diffusion of benefits). */
  buffer: { net_change: number | null; z: number | null; significant: boolean };
  reading: string;
  verdict: 'indefini' | 'pas_d_effet_direct' | 'diffusion_superieure' | 'diffusion_partielle' | 'ni_deplacement_ni_diffusion' | 'deplacement_partiel' | 'deplacement_superieur';
}

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Why a ratio cannot be computed from these counts, or null when it can. */
function undefinedReason(c: AreaCounts): string | null {
  if (c.c0 === 0) return 'indéfini : aucun point actif dans la zone de contrôle avant l’opération';
  if (c.c1 === 0) return 'indéfini : aucun point actif dans la zone de contrôle après l’opération';
  if (c.a0 === 0) return 'indéfini : aucun point actif dans la zone ciblée avant l’opération';
  return null;
}

/** Poisson variance of each mean count (a count of active points per sample date). */
function netChange(x0: number, x1: number, c0: number, c1: number): { value: number; variance: number } {
  const ratio = c1 / c0;
  return { value: x1 - x0 * ratio, variance: x1 + ratio ** 2 * x0 + (x0 / c0) ** 2 * c1 + ((x0 * c1) / c0 ** 2) ** 2 * c0 };
}

export function effectMeasures(c: AreaCounts): EffectMeasures {
  const reason = undefinedReason(c);
  if (reason) {
    const none = { value: null, undefined_reason: reason };
    return {
      wdq: none, tne: none, wdd: { ...none, standard_error: null, z: null, p_value: null },
      direct: { net_change: null, z: null, significant: false }, buffer: { net_change: null, z: null, significant: false },
      reading: `${reason} ; le quotient de déplacement ne peut pas être calculé.`, verdict: 'indefini',
    };
  }
  const numerator = c.b1 / c.c1 - c.b0 / c.c0;
  const denominator = c.a1 / c.c1 - c.a0 / c.c0;
  const tne = c.a0 * (c.c1 / c.c0) - c.a1 + (c.b0 * (c.c1 / c.c0) - c.b1);
  const a = netChange(c.a0, c.a1, c.c0, c.c1);
  const b = netChange(c.b0, c.b1, c.c0, c.c1);
  // A and B share the control: the variance of their sum counts the control terms once, together.
  const ratio = c.c1 / c.c0;
  const ab0 = c.a0 + c.b0;
  const wddVariance = c.a1 + c.b1 + ratio ** 2 * ab0 + (ab0 / c.c0) ** 2 * c.c1 + ((ab0 * c.c1) / c.c0 ** 2) ** 2 * c.c0;
  const wdd = a.value + b.value;
  const se = Math.sqrt(wddVariance);
  const z = se > 0 ? wdd / se : 0;
  const zA = a.variance > 0 ? a.value / Math.sqrt(a.variance) : 0;
  const zB = b.variance > 0 ? b.value / Math.sqrt(b.variance) : 0;
  const base = {
    tne: { value: round(tne, 2), undefined_reason: null },
    wdd: { value: round(wdd, 2), undefined_reason: null, standard_error: round(se, 2), z: round(z, 2), p_value: round(twoSidedP(z), 4) },
    direct: { net_change: round(a.value, 2), z: round(zA, 2), significant: zA < -1.96 },
    buffer: { net_change: round(b.value, 2), z: round(zB, 2), significant: Math.abs(zB) > 1.96 },
  };
  if (denominator === 0) {
    return { ...base, wdq: { value: null, undefined_reason: 'indéfini : la zone ciblée a évolué exactement comme la zone de contrôle' }, reading: 'Indéfini : la zone ciblée a évolué exactement comme la zone de contrôle, il n’y a pas d’effet direct à comparer.', verdict: 'indefini' };
  }
  const wdq = numerator / denominator;
  const wdqMeasure = { value: round(wdq), undefined_reason: null };
  const net = `Effet net total : ${tne >= 0 ? `${round(tne, 1)} point(s) actif(s) de moins` : `${round(-tne, 1)} point(s) actif(s) de plus`} que la tendance de la zone de contrôle.`;
  if (denominator > 0) {
    return { ...base, wdq: wdqMeasure, verdict: 'pas_d_effet_direct', reading: `Pas d’effet direct : la zone ciblée a progressé par rapport à la zone de contrôle, le quotient (${round(wdq, 2)}) ne s’interprète pas. ${net}` };
  }
  const [verdict, text]: [EffectMeasures['verdict'], string] = wdq > 1 ? ['diffusion_superieure', 'diffusion des bénéfices supérieure à l’effet direct']
    : wdq > 0 ? ['diffusion_partielle', 'diffusion partielle des bénéfices vers la zone tampon']
      : wdq === 0 ? ['ni_deplacement_ni_diffusion', 'ni déplacement ni diffusion vers la zone tampon']
        : wdq >= -1 ? ['deplacement_partiel', 'déplacement partiel, bénéfice net conservé']
          : ['deplacement_superieur', 'déplacement supérieur au bénéfice obtenu'];
  return { ...base, wdq: wdqMeasure, verdict, reading: `WDQ = ${round(wdq, 2)} : ${text}. ${net}` };
}

export interface ControlArea { label: string; contains: (point: PointHistory) => boolean }

/**
 * The default controls, in order: the rest of the operation's department, then (when that holds
 * too few points) the points within `nearbyKm` of the target's `centre`, outside target and buffer.
 */
export function defaultControls(department: string, areas: Areas, centre: [number, number], nearbyKm = 60): ControlArea[] {
  const outside = (p: PointHistory) => !areas.target.has(p.cell) && !areas.buffer.has(p.cell);
  return [
    { label: `reste du département ${department}`, contains: (p) => p.department === department && outside(p) },
    { label: `points à moins de ${nearbyKm} km (le département compte trop peu de points hors zones)`, contains: (p) => outside(p) && haversineKm(centre[0], centre[1], p.longitude, p.latitude) <= nearbyKm },
  ];
}

/**
 * The effect with the first control area holding at least `minimumControl` active points before
 * (a department can be almost all target and buffer): counts, measures and the control used.
 */
export function operationEffect(points: readonly PointHistory[], areas: Areas, startedOn: string, options: EffectOptions, controls: readonly ControlArea[], minimumControl = 10) {
  let chosen = controls[0];
  let counts = areaCounts(points, areas, startedOn, options, chosen.contains);
  for (const control of controls.slice(1)) {
    if (counts.c0 >= minimumControl) break;
    chosen = control;
    counts = areaCounts(points, areas, startedOn, options, control.contains);
  }
  return { control: chosen.label, counts, measures: effectMeasures(counts) };
}
