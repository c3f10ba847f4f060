/** The H3 x month cube as the map reads it (pure): one lookup per playback tick, no rebuild. */
import { cellToLatLng } from 'h3-js';
export interface CubeCell { h3: string; active: (number | null)[]; cumulative: (number | null)[] }
export interface Cube { resolution: number; from: string; to: string; months: string[]; cells: CubeCell[]; suppressed_below: number | null }

/** Counts of every cell for the month at `offset` in the cube (null: suppressed, fewer than 5). */
export function countsAt(cube: Cube, offset: number, cumulative: boolean): Map<string, number | null> {
  const counts = new Map<string, number | null>();
  for (const cell of cube.cells) {
    const value = (cumulative ? cell.cumulative : cell.active)[offset];
    counts.set(cell.h3, value === undefined ? 0 : value);
  }
  return counts;
}

/** Total shown for a month (suppressed cells count as unknown, reported apart). */
export function totalAt(cube: Cube, offset: number, cumulative: boolean): { total: number; suppressedCells: number } {
  let total = 0;
  let suppressedCells = 0;
  for (const cell of cube.cells) {
    const value = (cumulative ? cell.cumulative : cell.active)[offset];
    if (value === null) suppressedCells += 1;
    else total += value ?? 0;
  }
  return { total, suppressedCells };
}

/** Every count in the cube, for colour classes that stay fixed during playback. */
export function* cubeValues(cube: Cube, cumulative: boolean): Generator<number> {
  for (const cell of cube.cells) for (const value of cumulative ? cell.cumulative : cell.active) if (value !== null) yield value;
}

/**
 * The cells drawn in a view for the month at `offset` (centre inside the bounds, some points or
 * suppressed), most points first (suppressed last), at most `limit`: the keyboard's list of hexbins.
 */
export function visibleCells(cube: Cube, offset: number, cumulative: boolean, [west, south, east, north]: readonly [number, number, number, number], limit = 25):
  { cells: { h3: string; count: number | null; longitude: number; latitude: number }[]; total: number } {
  const found: { h3: string; count: number | null; longitude: number; latitude: number }[] = [];
  for (const cell of cube.cells) {
    const value = (cumulative ? cell.cumulative : cell.active)[offset];
    if (value === undefined || value === 0) continue;
    const [latitude, longitude] = cellToLatLng(cell.h3);
    if (longitude < west || longitude > east || latitude < south || latitude > north) continue;
    found.push({ h3: cell.h3, count: value, longitude, latitude });
  }
  found.sort((a, b) => (b.count ?? -1) - (a.count ?? -1) || a.h3.localeCompare(b.h3));
  return { cells: found.slice(0, limit), total: found.length };
}

/**
 * The hexbins as a spreadsheet, one row per cell and month of the cube (what the map plays):
 * `;`-separated, UTF-8 with BOM, suppressed counts written "< N" as on the map, never a number.
 */
export function cubeCsv(cube: Cube, cumulative: boolean): string {
  const hidden = cube.suppressed_below === null ? '' : `< ${cube.suppressed_below}`;
  const header = ['cellule_h3', 'resolution', 'mois', cumulative ? 'points_actifs_cumules' : 'points_actifs'].join(';');
  const lines = [header];
  for (const cell of cube.cells) {
    const values = cumulative ? cell.cumulative : cell.active;
    cube.months.forEach((month, i) => {
      const value = values[i];
      if (value === 0 || value === undefined) return;
      lines.push([cell.h3, cube.resolution, month, value === null ? hidden : value].join(';'));
    });
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** The hexbins of the month at `offset` as RFC 7946 GeoJSON (suppressed cells with a null count and `masque: true`). */
export function cubeMonthGeoJson(cube: Cube, offset: number, cumulative: boolean, polygon: (h3: string) => GeoJSON.Polygon): GeoJSON.FeatureCollection {
  const features: GeoJSON.Feature[] = [];
  for (const cell of cube.cells) {
    const value = (cumulative ? cell.cumulative : cell.active)[offset];
    if (value === 0 || value === undefined) continue;
    features.push({ type: 'Feature', id: cell.h3, geometry: polygon(cell.h3), properties: { cellule_h3: cell.h3, resolution: cube.resolution, mois: cube.months[offset], points_actifs: value, masque: value === null } });
  }
  return { type: 'FeatureCollection', features };
}
