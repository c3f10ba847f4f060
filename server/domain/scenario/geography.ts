/**
 * Communes as the scenario needs them: population, centre, outline, and a locator telling which
 * commune holds a point (so no synthetic point lands in the sea or abroad).
 */
import { booleanPointInPolygon } from '@turf/turf';

export interface ScenarioCommune {
  insee: string; name: string; department: string; population: number; longitude: number; latitude: number;
  outline: GeoJSON.Polygon | GeoJSON.MultiPolygon;
  /** [west, south, east, north] */
  bounds: [number, number, number, number];
}

export function boundsOf(outline: GeoJSON.Polygon | GeoJSON.MultiPolygon): [number, number, number, number] {
  let west = Infinity; let south = Infinity; let east = -Infinity; let north = -Infinity;
  const rings = outline.type === 'Polygon' ? outline.coordinates : outline.coordinates.flat();
  for (const ring of rings) for (const [x, y] of ring) {
    if (x < west) west = x; if (x > east) east = x; if (y < south) south = y; if (y > north) north = y;
  }
  return [west, south, east, north];
}

/** Finds the commune holding a point through a 0.1° grid of commune bounds. */
export class CommuneLocator {
  private readonly grid = new Map<string, ScenarioCommune[]>();
  constructor(readonly communes: readonly ScenarioCommune[]) {
    for (const commune of communes) {
      const [w, s, e, n] = commune.bounds;
      for (let x = Math.floor(w * 10); x <= Math.floor(e * 10); x++) {
        for (let y = Math.floor(s * 10); y <= Math.floor(n * 10); y++) {
          const key = `${x}:${y}`;
          if (!this.grid.has(key)) this.grid.set(key, []);
          this.grid.get(key)!.push(commune);
        }
      }
    }
  }

  communeAt(longitude: number, latitude: number): ScenarioCommune | null {
    const candidates = this.grid.get(`${Math.floor(longitude * 10)}:${Math.floor(latitude * 10)}`) ?? [];
    for (const commune of candidates) {
      const [w, s, e, n] = commune.bounds;
      if (longitude < w || longitude > e || latitude < s || latitude > n) continue;
      if (booleanPointInPolygon([longitude, latitude], commune.outline)) return commune;
    }
    return null;
  }

  contains(commune: ScenarioCommune, longitude: number, latitude: number): boolean {
    const [w, s, e, n] = commune.bounds;
    return longitude >= w && longitude <= e && latitude >= s && latitude <= n && booleanPointInPolygon([longitude, latitude], commune.outline);
  }
}

/** Great-circle distance in kilometres. */
export function distanceKm(a: [number, number], b: [number, number]): number {
  const rad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * rad;
  const dLon = (b[0] - a[0]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.sqrt(h));
}
