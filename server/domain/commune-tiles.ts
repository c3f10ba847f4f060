/** Which communes a tile shows at each zoom, so national tiles stay small (pure). */
import { tileZoomRanges } from './tile-coordinates.js';

export const communeTileMinZoom = tileZoomRanges.communes.minzoom;

/** Least population of the communes outlined at zoom z. */
export function outlineMinPopulation(z: number): number {
  if (z <= 5) return 20000;
  if (z === 6) return 10000;
  if (z === 7) return 3000;
  return 0;
}

/** Least population of the communes named at zoom z. */
export function labelMinPopulation(z: number): number {
  const thresholds = [150000, 50000, 20000, 8000, 2000, 500];
  return z < 5 ? Infinity : z - 5 < thresholds.length ? thresholds[z - 5] : 0;
}
