/**
 * GeoJSON geometry as RFC 7946 wants it (pure): longitude/latitude rounded to 6 decimals (about
 * 0.1 m), exterior rings counter-clockwise and holes clockwise, each ring closed once with no
 * repeated vertex.
 */
type Ring = number[][];

export const round6 = (value: number) => Math.round(value * 1e6) / 1e6 + 0;

/** Twice the signed area (shoelace): positive for a counter-clockwise ring. */
export function signedArea(ring: Ring): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  return sum;
}

/**
 * A ring rounded to 6 decimals, without consecutive duplicates, closed once, oriented
 * counter-clockwise (`exterior`) or clockwise; null when fewer than 3 distinct vertices remain.
 * @example cleanRing([[0,0],[0,1],[1,1],[1,1],[0,0]], true) -> [[0,0],[1,1],[0,1],[0,0]]
 */
export function cleanRing(ring: Ring, exterior: boolean): Ring | null {
  const points: Ring = [];
  for (const [x, y] of ring) {
    const p = [round6(x), round6(y)];
    const last = points[points.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) points.push(p);
  }
  while (points.length > 1 && points[0][0] === points[points.length - 1][0] && points[0][1] === points[points.length - 1][1]) points.pop();
  if (points.length < 3) return null;
  const counterClockwise = signedArea([...points, points[0]]) > 0;
  if (counterClockwise !== exterior) points.reverse();
  return [...points, points[0]];
}

function cleanPolygon(rings: Ring[]): Ring[] | null {
  const exterior = cleanRing(rings[0], true);
  if (!exterior) return null;
  return [exterior, ...rings.slice(1).map((ring) => cleanRing(ring, false)).filter((r): r is Ring => r !== null)];
}

/** Any geometry made RFC 7946-clean: (Multi)Polygons oriented and cleaned, every position rounded to 6 decimals. */
export function rfc7946Geometry<G extends GeoJSON.Geometry>(geometry: G): G | null;
export function rfc7946Geometry(geometry: GeoJSON.Geometry): GeoJSON.Geometry | null {
  switch (geometry.type) {
    case 'Polygon': {
      const polygon = cleanPolygon(geometry.coordinates);
      return polygon ? { type: 'Polygon', coordinates: polygon } : null;
    }
    case 'MultiPolygon': {
      const polygons = geometry.coordinates.map(cleanPolygon).filter((p): p is Ring[] => p !== null);
      return polygons.length ? { type: 'MultiPolygon', coordinates: polygons } : null;
    }
    case 'Point': return { type: 'Point', coordinates: geometry.coordinates.slice(0, 2).map(round6) };
    case 'MultiPoint': return { type: 'MultiPoint', coordinates: geometry.coordinates.map((p) => p.slice(0, 2).map(round6)) };
    case 'LineString': return { type: 'LineString', coordinates: geometry.coordinates.map((p) => p.slice(0, 2).map(round6)) };
    case 'MultiLineString': return { type: 'MultiLineString', coordinates: geometry.coordinates.map((l) => l.map((p) => p.slice(0, 2).map(round6))) };
    default: return geometry;
  }
}
