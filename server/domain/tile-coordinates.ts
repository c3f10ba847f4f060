/** Web Mercator tile maths (XYZ scheme, 4096-unit tile extent as in the MVT spec). */
export const tileExtent = 4096;

export interface TileAddress { z: number; x: number; y: number }

export function isValidTile({ z, x, y }: TileAddress): boolean {
  const size = 2 ** z;
  return Number.isInteger(z) && z >= 0 && z <= 22 && Number.isInteger(x) && Number.isInteger(y) && x >= 0 && y >= 0 && x < size && y < size;
}

/** Bounds of a tile in degrees [west, south, east, north], widened by `bufferUnits` of the 4096 extent. */
export function tileBounds({ z, x, y }: TileAddress, bufferUnits = 0): [number, number, number, number] {
  const size = 2 ** z;
  const pad = bufferUnits / tileExtent;
  const longitude = (tx: number) => (tx / size) * 360 - 180;
  const latitude = (ty: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * ty) / size))) * 180) / Math.PI;
  return [longitude(x - pad), latitude(y + 1 + pad), longitude(x + 1 + pad), latitude(y - pad)];
}

/**
 * Position of a longitude/latitude inside a tile, in tile units (0..4096, may fall in the buffer).
 * Rounded like PostGIS's ST_AsMVTGeom.
 */
export function tilePosition(longitude: number, latitude: number, { z, x, y }: TileAddress): [number, number] {
  const size = 2 ** z;
  const sin = Math.sin((latitude * Math.PI) / 180);
  const worldX = ((longitude + 180) / 360) * size;
  const worldY = (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * size;
  return [Math.round((worldX - x) * tileExtent), Math.round((worldY - y) * tileExtent)];
}
