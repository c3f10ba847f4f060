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
