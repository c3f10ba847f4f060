/** Web Mercator tile maths (XYZ scheme, 4096-unit tile extent as in the MVT spec). */
export const tileExtent = 4096;

export interface TileAddress { z: number; x: number; y: number }

/** Deepest zoom a tile address may name (what tile clients may ask for); tilesets serve a narrower range. */
export const deepestTileZoom = 30;

/** Zooms each tileset has content at; outside them a tile is empty (not an error: clients ask for every zoom). */
export const tileZoomRanges = {
  // National tiles would carry every point (and an audit of every point): from department scale.
  dealPoints: { minzoom: 6, maxzoom: 22 },
  communes: { minzoom: 5, maxzoom: 22 },
} as const;

export function inZoomRange(z: number, range: { minzoom: number; maxzoom: number }): boolean {
  return z >= range.minzoom && z <= range.maxzoom;
}

export function isValidTile({ z, x, y }: TileAddress): boolean {
  const size = 2 ** z;
  return Number.isInteger(z) && z >= 0 && z <= deepestTileZoom && Number.isInteger(x) && Number.isInteger(y) && x >= 0 && y >= 0 && x < size && y < size;
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
