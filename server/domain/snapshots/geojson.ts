/**
 * A snapshot as RFC 7946 GeoJSON (pure): WGS 84 longitude/latitude with 6 decimals (about 0.1 m),
 * exterior rings counter-clockwise and holes clockwise, rings closed with no repeated vertex.
 */
import { cellPolygon } from '../h3-cells.js';
import type { SnapshotDocument } from './document.js';

import { rfc7946Geometry } from '../rfc7946.js';

// Kept here for existing importers: the cleaning lives in domain/rfc7946.ts.
export { cleanRing, rfc7946Geometry, signedArea } from '../rfc7946.js';

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
