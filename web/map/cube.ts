/** The H3 x month cube as the map reads it (pure): one lookup per playback tick, no rebuild. */
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
