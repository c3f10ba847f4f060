/**
 * Where deal points fall among sectors, the resolution-8 cells covering a sector, and the hot
 * cells of a department (pure). A commune sector takes the commune stored on the point; an H3
 * sector its stored resolution-7 cell; arrondissements and drawn areas are tested by polygon.
 */
import { booleanPointInPolygon, bbox as turfBbox } from '@turf/turf';
import { cellToChildren, gridDisk, polygonToCells } from 'h3-js';
import { emergingHotSpots, runToEnd } from '../analytics/hot-spots.js';
import { monthOfDate, monthlyCounts, type ActiveSpan } from '../months.js';
import { historyMonths } from './criteria.js';
import { pointSpans, type PointHistory } from './indicators.js';

export const sectorKinds = ['commune', 'arrondissement', 'h3', 'area'] as const;
export type SectorKind = (typeof sectorKinds)[number];

export interface SectorOutline { code: string; geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon | null }
export interface LocatedPoint { commune: string; cell7: string; longitude: number; latitude: number }

/** Codes of the sectors each point lies in (a point may lie in several drawn areas). */
export function sectorsOfPoints(points: readonly LocatedPoint[], outlines: readonly SectorOutline[], kind: SectorKind): string[][] {
  if (kind === 'commune') return points.map((p) => [p.commune]);
  if (kind === 'h3') return points.map((p) => [p.cell7]);
  const boxes = outlines.map((o) => (o.geometry ? turfBbox(o.geometry) : null));
  return points.map((p) => outlines.flatMap((outline, i) => {
    const box = boxes[i];
    if (!box || !outline.geometry || p.longitude < box[0] || p.longitude > box[2] || p.latitude < box[1] || p.latitude > box[3]) return [];
    return booleanPointInPolygon([p.longitude, p.latitude], outline.geometry) ? [outline.code] : [];
  }));
}

/** Resolution-8 cells whose centre lies in the outline (an H3 sector: its seven children). */
export function coveringCells(kind: SectorKind, code: string, geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon | null): string[] {
  if (kind === 'h3') return cellToChildren(code, 8);
  if (!geometry) return [];
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return [...new Set(polygons.flatMap((rings) => polygonToCells(rings, 8, true)))];
}

/**
 * Resolution-7 cells that are persistent or intensifying hot spots over the `historyMonths`
 * months ending with the month of `at` (the cube of the department's points, ring-1 neighbours
 * as zeros, 99 conditional permutations, fixed seed).
 */
export function hotCellsOf(points: readonly PointHistory[], at: string, seed = 20190101): Set<string> {
  const to = monthOfDate(at);
  const from = to - historyMonths + 1;
  const spans: ActiveSpan[] = points.flatMap((p) => pointSpans(p, p.cell7, to));
  const cube = monthlyCounts(spans, from, to);
  const all = new Set(cube.keys());
  for (const cell of cube.keys()) for (const near of gridDisk(cell, 1)) all.add(near);
  const cells = [...all].sort();
  if (cells.length < 3) return new Set();
  const steps = to - from + 1;
  const values = new Float64Array(cells.length * steps);
  cells.forEach((cell, i) => { const counts = cube.get(cell); if (counts) for (let t = 0; t < steps; t += 1) values[i * steps + t] = counts.active[t]; });
  const results = runToEnd(emergingHotSpots({ cells, steps, values }, { permutations: 99, seed, fdr: 0.05 }));
  return new Set(results.filter((r) => r.pattern === 'persistent_hot' || r.pattern === 'intensifying_hot').map((r) => r.cell));
}

/** Monthly active points of one sector (from..to month indices). */
export function sectorTrend(points: readonly PointHistory[], code: string, from: number, to: number): number[] {
  const spans = points.filter((p) => p.sectors.includes(code)).flatMap((p) => pointSpans(p, code, to));
  return monthlyCounts(spans, from, to).get(code)?.active ?? new Array(to - from + 1).fill(0);
}
