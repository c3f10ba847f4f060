/**
 * Deal-point vector tiles. Both queries take $1 z, $2 x, $3 y, $4 the date statuses are evaluated
 * on, $5 statuses to keep (NULL: all), $6 dataset (NULL: all), $7 departments (NULL: all), $8-$9
 * a window of months (first days of its first and last months; NULL: no window) outside which
 * points that were never active are left out, $10 the least number of independent sources a point
 * is confirmed by (NULL: any). The tile envelope is widened by 64 of 4096 units so
 * symbols on tile edges are not cut.
 *
 * Each point carries its active periods as months (text YYYY-MM, which sorts like the months), so
 * the map can show the points of any month by filtering, without fetching tiles again:
 * active_from..active_until the first period, reopened_from..reopened_until the later ones merged
 * (first month of the second, last month of the last). A bound that does not exist (never active,
 * never reopened, still open) is left out of the feature (NULL, which the encoders skip).
 */
const pointsInTile = `
  FROM deal_points d
  -- One stored row per point (migration 0016): its events in date order and its active periods.
  JOIN deal_point_histories h ON h.deal_point_id = d.id
  CROSS JOIN LATERAL (
    SELECT h.event_status[(SELECT count(*)::int FROM unnest(h.event_on) AS x(on_date) WHERE x.on_date <= $4::date)] AS status
  ) s
  WHERE d.geom && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096), 4326)
    AND s.status IS NOT NULL
    AND ($8::date IS NULL OR EXISTS (
      SELECT 1 FROM unnest(h.period_from, h.period_until) AS p(active_from, active_until)
      WHERE p.active_from < ($9::date + interval '1 month') AND (p.active_until IS NULL OR p.active_until > $8::date)))
    AND ($5::text[] IS NULL OR s.status = ANY($5::text[]))
    AND ($6::text IS NULL OR d.dataset = $6)
    AND ($7::text[] IS NULL OR EXISTS (SELECT 1 FROM communes c WHERE c.insee = d.commune_insee AND c.department_code = ANY($7::text[])))
    AND ($10::int IS NULL OR deal_point_sources_count(d.id) >= $10::int)`;

/** The four period bounds as months, straight from the stored arrays (active_until is exclusive). */
const periodMonths = `to_char(h.period_from[1], 'YYYY-MM') AS active_from, to_char(h.period_until[1] - 1, 'YYYY-MM') AS active_until,
         to_char(h.period_from[2], 'YYYY-MM') AS reopened_from,
         CASE WHEN cardinality(h.period_from) > 1 THEN to_char(h.period_until[cardinality(h.period_until)] - 1, 'YYYY-MM') END AS reopened_until`;

/** The data version tiles are cached under (migration 0016). */
export const dataVersion = 'SELECT version::text AS version FROM data_version';

/** The operations under way today (their status changes are hidden from aggregated readers, see shownEvent), as one text. */
export const operationsUnderWay = `
SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') AS ids FROM operations WHERE NOT (ended_on IS NOT NULL AND ended_on < current_date)`;

/** PostGIS encodes the tile (real PostgreSQL with protobuf support). */
export const dealPointTileMvt = `
SELECT ST_AsMVT(t, 'deal_points', 4096, 'geom', 'id') AS tile, count(*)::int AS count
FROM (
  SELECT d.id, s.status, d.source_code AS source, d.dataset, ${periodMonths},
         ST_AsMVTGeom(ST_Transform(d.geom, 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
  ${pointsInTile}
) t`;

/** Rows for encoding the tile in JS (embedded PostGIS is built without protobuf). */
export const dealPointTileRows = `
SELECT d.id, s.status, d.source_code AS source, d.dataset, ${periodMonths}, ST_X(d.geom) AS longitude, ST_Y(d.geom) AS latitude
${pointsInTile}
ORDER BY d.id`;

/**
 * Commune tiles: outlines with size class (layer `communes`) and label points (layer
 * `commune_labels`). $1 z, $2 x, $3 y, $4 least population of outlines, $5 least population of labels.
 * The feature id is the INSEE code as a number (MVT ids are integers): Corsica's 2A/2B become
 * 201/202, so 2A004 is 201004 (6 digits, never a mainland code).
 */
const communesInTile = `
  FROM communes c
  JOIN commune_size_classes s ON s.insee = c.insee
  CROSS JOIN LATERAL (SELECT CASE WHEN c.insee ~ '^[0-9]{5}$' THEN c.insee::int
    ELSE (substr(c.insee, 1, 1) || CASE substr(c.insee, 2, 1) WHEN 'A' THEN '01' ELSE '02' END || substr(c.insee, 3))::int END AS id) f
  WHERE c.kind = 'COM' AND c.geom && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096), 4326)`;

export const communeTileMvt = `
SELECT COALESCE((
  SELECT ST_AsMVT(t, 'communes', 4096, 'geom', 'id') FROM (
    SELECT f.id, c.insee, c.name, s.size_class, c.population,
           ST_AsMVTGeom(ST_Transform(c.geom, 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
    ${communesInTile} AND c.population >= $4) t
), ''::bytea) || COALESCE((
  SELECT ST_AsMVT(t, 'commune_labels', 4096, 'geom', 'id') FROM (
    SELECT f.id, c.insee, c.name, s.size_class, c.population,
           ST_AsMVTGeom(ST_Transform(c.centroid, 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
    ${communesInTile} AND c.population >= $5 AND c.centroid && ST_Transform(ST_TileEnvelope($1, $2, $3), 4326)) t
), ''::bytea) AS tile`;

/** Rows for encoding the commune tile in JS; outlines simplified to about a tile unit. $6 tolerance in degrees. */
export const communeTileRows = `
SELECT f.id, c.insee, c.name, s.size_class, c.population,
       CASE WHEN c.population >= $4 THEN ST_AsGeoJSON(ST_SimplifyPreserveTopology(c.geom, $6), 6) END AS outline,
       ST_X(c.centroid) AS longitude, ST_Y(c.centroid) AS latitude,
       c.population >= $5 AND c.centroid && ST_Transform(ST_TileEnvelope($1, $2, $3), 4326) AS labelled
${communesInTile} AND c.population >= LEAST($4, $5)`;
