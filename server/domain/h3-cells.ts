import { cellToBoundary, latLngToCell } from 'h3-js';
import { cleanRing } from './rfc7946.js';

/** H3 resolutions stored on each deal point at write time: res 7 ~ 5 km², 8 ~ 0.74 km², 9 ~ 0.1 km². */
export const storedH3Resolutions = [7, 8, 9] as const;

export interface H3Cells { h3_r7: string; h3_r8: string; h3_r9: string }

/** @example h3CellsAt(5.5345, 43.6931).h3_r8 === '88396...' */
export function h3CellsAt(longitude: number, latitude: number): H3Cells {
  return {
    h3_r7: latLngToCell(latitude, longitude, 7),
    h3_r8: latLngToCell(latitude, longitude, 8),
    h3_r9: latLngToCell(latitude, longitude, 9),
  };
}

/**
 * A cell's outline as an RFC 7946 polygon: [lng, lat], 6 decimals, counter-clockwise (h3-js gives
 * the boundary clockwise in GeoJSON order), closed once with no repeated vertex.
 */
export function cellPolygon(cell: string): GeoJSON.Polygon {
  return { type: 'Polygon', coordinates: [cleanRing(cellToBoundary(cell, true), true)!] };
}
