/**
 * A snapshot as RFC 7946 GeoJSON (pure): WGS 84 longitude/latitude with 6 decimals (about 0.1 m),
 * exterior rings counter-clockwise and holes clockwise, rings closed with no repeated vertex.
 */
import { cellPolygon } from '../h3-cells.js';
import type { SnapshotDocument } from './document.js';

type Ring = number[][];

const round6 = (value: number) => Math.round(value * 1e6) / 1e6 + 0;

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

/** Any (Multi)Polygon made RFC 7946-clean; other geometries pass through rounded. */
export function rfc7946Geometry(geometry: GeoJSON.Geometry): GeoJSON.Geometry | null {
  if (geometry.type === 'Polygon') {
    const polygon = cleanPolygon(geometry.coordinates);
    return polygon ? { type: 'Polygon', coordinates: polygon } : null;
  }
  if (geometry.type === 'MultiPolygon') {
    const polygons = geometry.coordinates.map(cleanPolygon).filter((p): p is Ring[] => p !== null);
    return polygons.length ? { type: 'MultiPolygon', coordinates: polygons } : null;
  }
  return geometry;
}

/** The snapshot's map as a FeatureCollection: whole H3 cells with their published counts, and the area's outline. */
export function snapshotGeoJson(document: SnapshotDocument): GeoJSON.FeatureCollection & { sillage: Record<string, unknown> } {
  const { data } = document;
  const cells: GeoJSON.Feature[] = data.map.cells.map((cell) => ({
    type: 'Feature', id: cell.h3,
    geometry: rfc7946Geometry(cellPolygon(cell.h3))!,
    properties: { h3: cell.h3, resolution: data.map.resolution, mois: data.map.month, points_actifs: cell.count, libelle: cell.count === null ? '< 5' : String(cell.count) },
  }));
  const outline = data.area.outline ? rfc7946Geometry(data.area.outline) : null;
  const features = outline ? [{ type: 'Feature' as const, id: 'zone', geometry: outline, properties: { zone: data.area.label, type: data.area.kind } }, ...cells] : cells;
  return {
    type: 'FeatureCollection',
    // Foreign members (RFC 7946 § 6.1): the stamp of the snapshot.
    sillage: {
      instantane: document.id, sha256: document.sha256, cree_le: document.created_at, methode: document.method_version,
      periode: `${document.parameters.from}/${document.parameters.to}`, lien: `/instantanes/${document.id}`, protection: data.disclosure,
    },
    features,
  };
}
