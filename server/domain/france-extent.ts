/**
 * France's extents as longitude/latitude boxes: metropolitan France with Corsica and the overseas
 * departments 971-976. Mirrors the SQL function in_france_extent (db/migrations), which is the
 * last word; this copy gives early, readable errors.
 */
export interface Box { name: string; west: number; south: number; east: number; north: number }

export const franceExtents: readonly Box[] = Object.freeze([
  { name: 'France métropolitaine', west: -5.8, south: 41.2, east: 10, north: 51.3 },
  { name: 'Guadeloupe', west: -61.9, south: 15.8, east: -60.9, north: 16.6 },
  { name: 'Martinique', west: -61.3, south: 14.35, east: -60.75, north: 14.9 },
  { name: 'Guyane', west: -54.7, south: 2, east: -51.5, north: 5.9 },
  { name: 'La Réunion', west: 55.1, south: -21.5, east: 55.9, north: -20.8 },
  { name: 'Mayotte', west: 44.9, south: -13.1, east: 45.4, north: -12.55 },
]);

/** @example isInFranceExtent(5.53, 43.69) === true (Pertuis); isInFranceExtent(0, 0) === false */
export function isInFranceExtent(longitude: number, latitude: number): boolean {
  return franceExtents.some((b) => longitude >= b.west && longitude <= b.east && latitude >= b.south && latitude <= b.north);
}

/** Reason a coordinate pair is unusable, or null when it lies within France's extents. */
export function coordinateProblem(longitude: unknown, latitude: unknown): string | null {
  if (typeof longitude !== 'number' || !Number.isFinite(longitude)) return 'longitude must be a finite number';
  if (typeof latitude !== 'number' || !Number.isFinite(latitude)) return 'latitude must be a finite number';
  if (longitude < -180 || longitude > 180) return `longitude ${longitude} is outside -180..180`;
  if (latitude < -90 || latitude > 90) return `latitude ${latitude} is outside -90..90`;
  if (!isInFranceExtent(longitude, latitude)) {
    return `(${longitude}, ${latitude}) is outside France's extents (metropolitan France, Corsica, 971-976); check the order longitude, latitude`;
  }
  return null;
}
