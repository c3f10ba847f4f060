/**
 * Deal-point vector tiles. Both queries take $1 z, $2 x, $3 y, $4 the date statuses are evaluated
 * on, $5 statuses to keep (NULL: all), $6 dataset (NULL: all), $7 departments (NULL: all). The tile envelope is widened by 64
 * of 4096 units so symbols on tile edges are not cut.
 */
const pointsInTile = `
  FROM deal_points d
  CROSS JOIN LATERAL (
    SELECT e.status FROM deal_point_status_events e
    WHERE e.deal_point_id = d.id AND e.effective_on <= $4::date
    ORDER BY e.effective_on DESC LIMIT 1
  ) s
  WHERE d.geom && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096), 4326)
    AND ($5::text[] IS NULL OR s.status = ANY($5::text[]))
    AND ($6::text IS NULL OR d.dataset = $6)
    AND ($7::text[] IS NULL OR EXISTS (SELECT 1 FROM communes c WHERE c.insee = d.commune_insee AND c.department_code = ANY($7::text[])))`;

/** PostGIS encodes the tile (real PostgreSQL with protobuf support). */
export const dealPointTileMvt = `
SELECT ST_AsMVT(t, 'deal_points', 4096, 'geom', 'id') AS tile, count(*)::int AS count
FROM (
  SELECT d.id, s.status, d.source_code AS source, d.dataset,
         ST_AsMVTGeom(ST_Transform(d.geom, 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
  ${pointsInTile}
) t`;

/** Rows for encoding the tile in JS (embedded PostGIS is built without protobuf). */
export const dealPointTileRows = `
SELECT d.id, s.status, d.source_code AS source, d.dataset, ST_X(d.geom) AS longitude, ST_Y(d.geom) AS latitude
${pointsInTile}
ORDER BY d.id`;
