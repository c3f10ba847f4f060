import { InvalidInputError } from '../errors.js';

/** Parses `minLon,minLat,maxLon,maxLat`, checking ranges and order. */
export function parseBbox(text: string, field: string): [number, number, number, number] {
  const values = text.split(',').map(Number);
  const [west, south, east, north] = values;
  const problems: string[] = [];
  if (values.length !== 4 || values.some((v) => !Number.isFinite(v))) problems.push('must be four numbers minLon,minLat,maxLon,maxLat');
  else {
    if (west < -180 || east > 180) problems.push('longitudes must be within -180..180');
    if (south < -90 || north > 90) problems.push('latitudes must be within -90..90');
    if (west >= east) problems.push('minLon must be less than maxLon');
    if (south >= north) problems.push('minLat must be less than maxLat');
  }
  if (problems.length) throw new InvalidInputError(problems.map((reason) => ({ field: `querystring.${field}`, reason })));
  return [west, south, east, north];
}
