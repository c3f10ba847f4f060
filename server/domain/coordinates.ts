import proj4 from 'proj4';

// RGF93 / Lambert-93 (EPSG:2154), the French official projection.
proj4.defs('EPSG:2154',
  '+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs +type=crs');
const lambert93 = proj4('EPSG:2154', 'EPSG:4326');

/**
 * Lambert-93 metres to WGS84 degrees, rounded to 1e-7° (~1 cm).
 * @example lambert93ToLongitudeLatitude(700000, 6600000) -> [3, 46.5]
 */
export function lambert93ToLongitudeLatitude(x: number, y: number): [number, number] {
  const [longitude, latitude] = lambert93.forward([x, y]);
  return [Math.round(longitude * 1e7) / 1e7, Math.round(latitude * 1e7) / 1e7];
}

/**
 * Parses a decimal written with a point or a French decimal comma; null when it is not a number.
 * @example parseDecimal('43,6931') === 43.6931; parseDecimal('abc') === null
 */
export function parseDecimal(text: string): number | null {
  const trimmed = text.trim().replace(/\s/g, '');
  if (!/^[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?$/.test(trimmed)) return null;
  const value = Number(trimmed.replace(',', '.'));
  return Number.isFinite(value) ? value : null;
}
