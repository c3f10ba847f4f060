/**
 * Deal-point vector tiles. Both queries take $1 z, $2 x, $3 y, $4 the date statuses are evaluated
 * on, $5 statuses to keep (NULL: all), $6 dataset (NULL: all), $7 departments (NULL: all), $8-$9
 * a window of months (first days of its first and last months; NULL: no window) outside which
 * points that were never active are left out, $10 the least number of independent sources a point
 * is confirmed by (NULL: any). The tile envelope is widened by 64 of 4096 units so
 * symbols on tile edges are not cut.
 *
 * Each point carries its active periods as month indices (month_index), so the map can show the
 * points of any month by filtering, without fetching tiles again: f0..l0 the first period, f1..l1
 * the later ones merged (99999: none or still open).
 */
const pointsInTile = `
  FROM deal_points d
  CROSS JOIN LATERAL (
    SELECT e.status FROM deal_point_status_events e
    WHERE e.deal_point_id = d.id AND e.effective_on <= $4::date
    ORDER BY e.effective_on DESC LIMIT 1
  ) s
  CROSS JOIN LATERAL (
    SELECT array_agg(month_index(p.active_from) ORDER BY p.active_from) AS f,
           array_agg(CASE WHEN p.active_until IS NULL THEN 99999 ELSE month_index(p.active_until - 1) END ORDER BY p.active_from) AS l
    FROM deal_point_active_periods p WHERE p.deal_point_id = d.id
  ) w
  WHERE d.geom && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096), 4326)
    AND ($8::date IS NULL OR EXISTS (
      SELECT 1 FROM deal_point_active_periods p
      WHERE p.deal_point_id = d.id AND p.active_from < ($9::date + interval '1 month') AND (p.active_until IS NULL OR p.active_until > $8::date)))
    AND ($5::text[] IS NULL OR s.status = ANY($5::text[]))
    AND ($6::text IS NULL OR d.dataset = $6)
    AND ($7::text[] IS NULL OR EXISTS (SELECT 1 FROM communes c WHERE c.insee = d.commune_insee AND c.department_code = ANY($7::text[])))
    AND ($10::int IS NULL OR deal_point_sources_count(d.id) >= $10::int)`;

/** PostGIS encodes the tile (real PostgreSQL with protobuf support). */
export const dealPointTileMvt = `
SELECT ST_AsMVT(t, 'deal_points', 4096, 'geom', 'id') AS tile, count(*)::int AS count
FROM (
  SELECT d.id, s.status, d.source_code AS source, d.dataset,
         COALESCE(w.f[1], 99999) AS f0, COALESCE(w.l[1], -1) AS l0,
         COALESCE(w.f[2], 99999) AS f1, CASE WHEN cardinality(w.f) > 1 THEN w.l[cardinality(w.l)] ELSE -1 END AS l1,
         ST_AsMVTGeom(ST_Transform(d.geom, 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
  ${pointsInTile}
) t`;

/** Rows for encoding the tile in JS (embedded PostGIS is built without protobuf). */
export const dealPointTileRows = `
SELECT d.id, s.status, d.source_code AS source, d.dataset,
       COALESCE(w.f[1], 99999) AS f0, COALESCE(w.l[1], -1) AS l0,
         COALESCE(w.f[2], 99999) AS f1, CASE WHEN cardinality(w.f) > 1 THEN w.l[cardinality(w.l)] ELSE -1 END AS l1, ST_X(d.geom) AS longitude, ST_Y(d.geom) AS latitude
${pointsInTile}
ORDER BY d.id`;

/**
 * Commune tiles: outlines with size class (layer `communes`) and label points (layer
 * `commune_labels`). $1 z, $2 x, $3 y, $4 least population of outlines, $5 least population of labels.
 */
const communesInTile = `
  FROM communes c
  JOIN commune_size_classes s ON s.insee = c.insee
  WHERE c.kind = 'COM' AND c.geom && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096), 4326)`;

export const communeTileMvt = `
SELECT COALESCE((
  SELECT ST_AsMVT(t, 'communes', 4096, 'geom') FROM (
    SELECT c.insee, c.name, s.size_class, c.population,
           ST_AsMVTGeom(ST_Transform(c.geom, 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
    ${communesInTile} AND c.population >= $4) t
), ''::bytea) || COALESCE((
  SELECT ST_AsMVT(t, 'commune_labels', 4096, 'geom') FROM (
    SELECT c.insee, c.name, s.size_class, c.population,
           ST_AsMVTGeom(ST_Transform(c.centroid, 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
    ${communesInTile} AND c.population >= $5 AND c.centroid && ST_Transform(ST_TileEnvelope($1, $2, $3), 4326)) t
), ''::bytea) AS tile`;

/** Rows for encoding the commune tile in JS; outlines simplified to about a tile unit. $6 tolerance in degrees. */
export const communeTileRows = `
SELECT c.insee, c.name, s.size_class, c.population,
       CASE WHEN c.population >= $4 THEN ST_AsGeoJSON(ST_SimplifyPreserveTopology(c.geom, $6), 6) END AS outline,
       ST_X(c.centroid) AS longitude, ST_Y(c.centroid) AS latitude,
       c.population >= $5 AND c.centroid && ST_Transform(ST_TileEnvelope($1, $2, $3), 4326) AS labelled
${communesInTile} AND c.population >= LEAST($4, $5)`;
