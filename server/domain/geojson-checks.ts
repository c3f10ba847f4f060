/**
 * Structural checks of RFC 7946 geometries before they reach PostGIS, with the failing path named.
 * Validity (self-intersection) is left to PostGIS's ST_IsValidReason, the reference.
 */
import { coordinateProblem } from './france-extent.js';
import type { FieldProblem } from './problems.js';

function positionProblem(position: unknown, field: string): FieldProblem | null {
  if (!Array.isArray(position) || position.length < 2 || position.length > 3) {
    return { field, reason: 'a position must be [longitude, latitude]' };
  }
  const reason = coordinateProblem(position[0], position[1]);
  return reason ? { field, reason } : null;
}

export function pointProblems(geometry: unknown, field: string): FieldProblem[] {
  const g = geometry as { type?: unknown; coordinates?: unknown } | null;
  if (!g || typeof g !== 'object') return [{ field, reason: 'must be a GeoJSON Point' }];
  if (g.type !== 'Point') return [{ field: `${field}.type`, reason: `must be "Point", not ${JSON.stringify(g.type)}` }];
  const problem = positionProblem(g.coordinates, `${field}.coordinates`);
  return problem ? [problem] : [];
}

function ringProblems(ring: unknown, field: string): FieldProblem[] {
  if (!Array.isArray(ring) || ring.length < 4) return [{ field, reason: 'a linear ring needs at least 4 positions' }];
  for (let i = 0; i < ring.length; i++) {
    const problem = positionProblem(ring[i], `${field}.${i}`);
    if (problem) return [problem];
  }
  const first = ring[0] as number[];
  const last = ring[ring.length - 1] as number[];
  if (first[0] !== last[0] || first[1] !== last[1]) return [{ field, reason: 'a linear ring must end where it starts' }];
  return [];
}

function polygonProblems(rings: unknown, field: string): FieldProblem[] {
  if (!Array.isArray(rings) || rings.length === 0) return [{ field, reason: 'a polygon needs at least one ring' }];
  return rings.flatMap((ring, i) => ringProblems(ring, `${field}.${i}`));
}

export function areaProblems(geometry: unknown, field: string): FieldProblem[] {
  const g = geometry as { type?: unknown; coordinates?: unknown } | null;
  if (!g || typeof g !== 'object') return [{ field, reason: 'must be a GeoJSON Polygon or MultiPolygon' }];
  const crs = crsOf((g as { crs?: unknown }).crs);
  if (crs) return [{ field: `${field}.crs`, reason: crs }];
  if (g.type === 'Polygon') return polygonProblems(g.coordinates, `${field}.coordinates`);
  if (g.type === 'MultiPolygon') {
    if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) return [{ field: `${field}.coordinates`, reason: 'a MultiPolygon needs at least one polygon' }];
    return g.coordinates.flatMap((polygon, i) => polygonProblems(polygon, `${field}.coordinates.${i}`));
  }
  return [{ field: `${field}.type`, reason: `must be "Polygon" or "MultiPolygon", not ${JSON.stringify(g.type)}` }];
}

const wgs84Names = new Set(['urn:ogc:def:crs:OGC:1.3:CRS84', 'urn:ogc:def:crs:OGC::CRS84', 'EPSG:4326', 'urn:ogc:def:crs:EPSG::4326', 'http://www.opengis.net/def/crs/OGC/1.3/CRS84']);

/** RFC 7946 GeoJSON is WGS 84 (CRS84); an old-style `crs` member naming anything else is refused. */
export function crsOf(crs: unknown): string | null {
  if (crs === undefined || crs === null) return null;
  const name = (crs as { properties?: { name?: unknown } })?.properties?.name;
  if (typeof name === 'string' && wgs84Names.has(name)) return null;
  const shown = typeof name === 'string' ? name : JSON.stringify(crs).slice(0, 80);
  return `coordinates in ${shown} are not supported: GeoJSON must be in WGS 84 longitude/latitude (RFC 7946). Reproject the file (ogr2ogr -t_srs EPSG:4326), or import Lambert-93 as CSV with x and y columns`;
}

