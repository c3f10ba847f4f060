import { cellToBoundary, latLngToCell } from 'h3-js';

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

/** A cell's outline as a GeoJSON polygon ([lng, lat] order, ring closed as GeoJSON requires). */
export function cellPolygon(cell: string): GeoJSON.Polygon {
  // h3-js already closes the ring in GeoJSON order.
  const ring = cellToBoundary(cell, true);
  const closed = ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1];
  return { type: 'Polygon', coordinates: [closed ? ring : [...ring, ring[0]]] };
}
