/**
 * Disclosure control of aggregated answers (pure). Two rules, after the practice of national
 * statistics offices:
 *
 * 1. Whole units only. For a principal who may not see every point a query can count, an area
 *    (bbox, operation target) is snapped outward to whole H3 cells of the unit resolution (7 for
 *    deputies, 8 for analysts and prefects outside their departments) or to whole communes, so that
 *    no answer depends on where a point lies inside a cell.
 * 2. Cell-key perturbation with primary suppression (deputies). Counts 1-4 are published as
 *    "< 5"; a count of 5 or more is published as count + d, where d in -2..+2 is read from a fixed
 *    table at the cell key: the sum of the permanent random record keys of the points counted,
 *    modulo 2^31 (the ABS TableBuilder method). The same set of points always gets the same
 *    published value, whatever the query that reaches it, so repeating or overlapping queries
 *    add nothing; a difference of two published values (region minus departments, box minus box,
 *    month minus month) carries the noise of both, so it never gives a suppressed count exactly.
 * 3. Additive totals of chosen areas. A total over an area the reader chooses (a bbox, a drawn
 *    polygon, a list of communes) is the sum of the published values of its units (whole cells or
 *    communes), "< 5" units counted as 0 and their number given. Were such a total perturbed on
 *    its own key, every distinct area would add an equation with fresh noise, and least squares
 *    over a few hundred overlapping boxes recovers every suppressed cell exactly (the attack
 *    review did it: 20 of 20 "< 5" cells from 336 boxes); a sum of published values adds none.
 */
import { cellToBoundary, cellToLatLng, cellToParent, getHexagonEdgeLengthAvg, polygonToCellsExperimental, POLYGON_TO_CELLS_FLAGS, UNITS } from 'h3-js';
import type { Principal } from './access.js';

export const suppressionThreshold = 5;
export const keyModulus = 2 ** 31;

/** Perturbations and their probabilities (zero mean, variance 1.2). */
export const perturbationTable: readonly { d: number; p: number }[] = Object.freeze([
  { d: -2, p: 0.1 }, { d: -1, p: 0.2 }, { d: 0, p: 0.4 }, { d: 1, p: 0.2 }, { d: 2, p: 0.1 },
]);

/** Adds record keys modulo 2^31 (exact in doubles). */
export function addKey(sum: number, key: number): number {
  return (sum + key) % keyModulus;
}

/** The perturbation for a cell key (a key sum modulo 2^31). */
export function perturbation(keySum: number): number {
  const u = (((keySum % keyModulus) + keyModulus) % keyModulus) / keyModulus;
  let cumulative = 0;
  for (const { d, p } of perturbationTable) {
    cumulative += p;
    if (u < cumulative) return d;
  }
  return perturbationTable[perturbationTable.length - 1].d;
}

/**
 * A count as a deputy receives it: 0 stays 0, 1-4 become null ("< 5"), 5 and more are perturbed
 * by the cell key and never published below 5.
 * @example publishedCount(3, 123) === null; publishedCount(0, 9) === 0
 */
export function publishedCount(count: number, keySum: number): number | null {
  if (count <= 0) return 0;
  if (count < suppressionThreshold) return null;
  return Math.max(suppressionThreshold, count + perturbation(keySum));
}

export interface Disclosure {
  /** Unit resolution areas are snapped to (null: the principal may see every point counted). */
  unitResolution: number | null;
  /** Cell-key perturbation and suppression below 5. */
  perturb: boolean;
}

export const preciseDisclosure: Disclosure = Object.freeze({ unitResolution: null, perturb: false });

/**
 * How a principal's aggregated answer is protected, given the departments the query is restricted
 * to (null: all of France).
 */
export function disclosureFor(principal: Principal | null, departments: readonly string[] | null): Disclosure {
  if (principal?.role === 'national_analyst') return preciseDisclosure;
  if (principal?.role !== 'departmental_analyst' && principal?.role !== 'prefect') return { unitResolution: 7, perturb: true };
  const inScope = departments !== null && departments.length > 0 && departments.every((d) => principal.departments.includes(d));
  return inScope ? preciseDisclosure : { unitResolution: 8, perturb: false };
}

/**
 * Departments whose operations under way may show in an aggregated answer (null: all). Outside
 * them, a status change linked to an operation still under way is left out of the counts until the
 * operation ends, so that no count tells where or when it struck.
 */
export function underWayVisibleIn(principal: Principal | null, disclosure: Disclosure): string[] | null {
  if (disclosure.unitResolution === null) return null;
  return principal && (principal.role === 'departmental_analyst' || principal.role === 'prefect') ? principal.departments : [];
}

export type Bbox = [number, number, number, number];

/**
 * An envelope sure to contain every cell of `resolution` that overlaps the bbox (the bbox widened
 * by three average edge lengths), to fetch candidates before the exact cell test.
 */
export function widenedEnvelope(bbox: Bbox, resolution: number): Bbox {
  const km = 3 * getHexagonEdgeLengthAvg(resolution, UNITS.km);
  const dLat = km / 110.574;
  const maxLat = Math.min(89, Math.max(Math.abs(bbox[1]), Math.abs(bbox[3])) + dLat);
  const dLon = km / (111.32 * Math.cos((maxLat * Math.PI) / 180));
  return [Math.max(-180, bbox[0] - dLon), Math.max(-90, bbox[1] - dLat), Math.min(180, bbox[2] + dLon), Math.min(90, bbox[3] + dLat)];
}

function segmentsCross(a: number[], b: number[], c: number[], d: number[]): boolean {
  const orient = (p: number[], q: number[], r: number[]) => Math.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]));
  return orient(a, b, c) !== orient(a, b, d) && orient(c, d, a) !== orient(c, d, b);
}

function insideRing(point: number[], ring: number[][]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if ((yi > point[1]) !== (yj > point[1]) && point[0] < ((xj - xi) * (point[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * True when the cell's outline (planar in longitude/latitude) overlaps the bbox: the cells a bbox
 * is snapped outward to. Depends only on the cell and the bbox, never on the points.
 */
export function cellOverlapsBbox(cell: string, bbox: Bbox): boolean {
  const ring = cellToBoundary(cell, true);
  const [w, s, e, n] = bbox;
  if (ring.some(([x, y]) => x >= w && x <= e && y >= s && y <= n)) return true;
  const corners = [[w, s], [e, s], [e, n], [w, n]];
  if (corners.some((corner) => insideRing(corner, ring))) return true;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i];
    const b = ring[(i + 1) % ring.length];
    for (let k = 0; k < 4; k++) if (segmentsCross(a, b, corners[k], corners[(k + 1) % 4])) return true;
  }
  return false;
}

/** A set of whole cells an aggregated answer is restricted to. */
export interface CellArea {
  resolution: number;
  /** Envelope to fetch candidate points in (contains every accepted cell). */
  envelope: Bbox;
  accepts(cell: string): boolean;
}

/** Parent (or itself) of a stored cell at a coarser or equal resolution. */
export function cellAt(cell: string, resolution: number, storedResolution: number): string {
  return resolution < storedResolution ? cellToParent(cell, resolution) : cell;
}

/** The whole cells of `resolution` overlapping a bbox (memoised per cell). */
export function bboxCellArea(bbox: Bbox, resolution: number): CellArea {
  const seen = new Map<string, boolean>();
  return {
    resolution,
    envelope: widenedEnvelope(bbox, resolution),
    accepts(cell) {
      let ok = seen.get(cell);
      if (ok === undefined) seen.set(cell, (ok = cellOverlapsBbox(cell, bbox)));
      return ok;
    },
  };
}

/**
 * The whole-cell areas a bbox becomes under `disclosure` (none when the principal sees every point):
 * cells of the coarser of `resolution` (the answer's own, if it is made of cells) and the unit.
 */
export function bboxAreas(bbox: Bbox | null, disclosure: Disclosure, resolution: number | null = null): CellArea[] {
  if (!bbox || disclosure.unitResolution === null) return [];
  return [bboxCellArea(bbox, Math.min(resolution ?? disclosure.unitResolution, disclosure.unitResolution))];
}

/** A given set of cells (an operation's target snapped to whole cells). */
export function cellSetArea(cells: Iterable<string>, resolution: number): CellArea {
  const set = new Set(cells);
  let [w, s, e, n] = [180, 90, -180, -90];
  for (const cell of set) {
    for (const [x, y] of cellToBoundary(cell, true)) { w = Math.min(w, x); s = Math.min(s, y); e = Math.max(e, x); n = Math.max(n, y); }
  }
  if (set.size === 0) [w, s, e, n] = [0, 0, 0, 0];
  return { resolution, envelope: [w, s, e, n], accepts: (cell) => set.has(cell) };
}

/** The whole cells of `resolution` a (Multi)Polygon touches. */
export function polygonCells(geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon, resolution: number): string[] {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const cells = new Set<string>();
  for (const polygon of polygons) {
    for (const cell of polygonToCellsExperimental(polygon, resolution, POLYGON_TO_CELLS_FLAGS.containmentOverlapping, true)) cells.add(cell);
  }
  return [...cells];
}

/**
 * Points outside a principal's departments as an analysis may use them: at the centre of their
 * resolution-8 cell, so that no distance, count within a radius or average an analysis returns
 * locates them more finely than the cell the principal may see anyway. Null: all departments.
 */
export function coarsenOutside<T extends { department: string; cell: string; longitude: number; latitude: number }>(points: readonly T[], departments: readonly string[] | null): readonly T[] {
  if (departments === null) return points;
  return points.map((point) => {
    if (departments.includes(point.department)) return point;
    const [latitude, longitude] = cellToLatLng(point.cell);
    return { ...point, longitude, latitude };
  });
}

/** A total over chosen units, month by month: sums of published unit values and how many units were "< 5". */
export interface AdditiveTotal { active: number[]; cumulative: number[]; suppressedActive: number[]; suppressedCumulative: number[] }

/**
 * The additive total of units (rule 3): each unit's monthly counts published with its own key,
 * "< 5" counted as 0 and counted apart.
 * @example additiveTotal([{ active: [3, 7], activeKeys: [1, 2], ... }], 2).suppressedActive[0] === 1
 */
export function additiveTotal(units: Iterable<{ active: readonly number[]; cumulative: readonly number[]; activeKeys: readonly number[]; cumulativeKeys: readonly number[] }>, length: number): AdditiveTotal {
  const total: AdditiveTotal = { active: Array(length).fill(0), cumulative: Array(length).fill(0), suppressedActive: Array(length).fill(0), suppressedCumulative: Array(length).fill(0) };
  for (const unit of units) {
    for (let i = 0; i < length; i++) {
      const active = publishedCount(unit.active[i], unit.activeKeys[i]);
      const cumulative = publishedCount(unit.cumulative[i], unit.cumulativeKeys[i]);
      if (active === null) total.suppressedActive[i] += 1; else total.active[i] += active;
      if (cumulative === null) total.suppressedCumulative[i] += 1; else total.cumulative[i] += cumulative;
    }
  }
  return total;
}
