/** SQL of the stamped snapshots and threat reports: their storage and the reference facts they cite (never a point's location). */

/** Stores a snapshot once ($1 id ... $9 sha256); the table refuses updates and deletes. */
export const insertSnapshot = `
INSERT INTO snapshots (id, kind, created_by, created_at, area_label, period_label, method_version, content, sha256)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;

/** One snapshot's stored text ($1 id). */
export const snapshotById = `SELECT id, kind, created_by, content, sha256 FROM snapshots WHERE id = $1`;

/** A user's snapshots ($1 user id, $2 kind), newest first; $3 limit. */
export const snapshotsOf = `
SELECT id, kind, created_at, area_label, period_label, method_version, sha256 FROM snapshots
WHERE created_by = $1 AND kind = $2 ORDER BY created_at DESC, id DESC LIMIT $3`;

/** The communes of a list ($1) with their size class. */
export const communesOfList = `
SELECT c.insee, c.name, c.department_code, s.size_class, c.population
FROM communes c JOIN commune_size_classes s ON s.insee = c.insee WHERE c.insee = ANY($1::text[]) ORDER BY c.insee`;

/** The outline of a list of communes ($1), simplified to about 30 m, as GeoJSON. */
export const communesOutline = `
SELECT ST_AsGeoJSON(ST_SimplifyPreserveTopology(ST_Union(coalesce(geom, ST_Buffer(centroid, 0.005))), 0.0003), 6)::json AS outline
FROM communes WHERE insee = ANY($1::text[])`;

/** A department ($1) with its outline simplified to about 100 m. */
export const departmentWithOutline = `
SELECT code, name, ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, 0.001), 6)::json AS outline FROM departments WHERE code = $1`;

/** Metropolitan departments' outlines simplified to about 2 km, collected (the map of France). */
export const franceOutline = `
SELECT ST_AsGeoJSON(ST_Collect(ST_SimplifyPreserveTopology(geom, 0.02) ORDER BY code), 5)::json AS outline
FROM departments WHERE code NOT LIKE '97%' AND geom IS NOT NULL`;

/** Departments a drawn polygon ($1 GeoJSON) touches. */
export const departmentsTouching = `
SELECT d.code, d.name FROM departments d, (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g) t
WHERE d.geom && t.g AND ST_Intersects(d.geom, t.g) ORDER BY d.code`;

export const departmentNames = `SELECT code, name FROM departments WHERE code = ANY($1::text[]) ORDER BY code`;

/**
 * Ended operations (ended before today) overlapping the period ($2 first day, $3 last day) whose
 * target lies within $4 metres of the area ($1 GeoJSON; NULL: all of France), with the distance.
 */
export const endedOperationsNear = `
WITH area AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g)
SELECT o.name, o.kind, o.started_on::text AS started_on, o.ended_on::text AS ended_on, o.department_code,
       CASE WHEN $1::text IS NULL THEN 0 ELSE round((ST_Distance(o.target::geography, (SELECT g FROM area)::geography) / 1000)::numeric, 1)::float8 END AS distance_km
FROM operations o
WHERE o.ended_on IS NOT NULL AND o.ended_on < current_date AND o.ended_on >= $2::date AND o.started_on <= $3::date
  AND ($1::text IS NULL OR near(o.target, (SELECT g FROM area), $4::float8))
ORDER BY o.started_on, o.name`;

/**
 * Public reports received in the period ($1 first day, $2 last day) in the communes $3, the
 * departments $4 or the box $5-$8 (each NULL: no restriction), with a key per report derived from
 * its random receipt (the cell key of disclosure control). Positions stay on the server.
 */
export const reportsInArea = `
SELECT r.status, ST_X(r.geom) AS longitude, ST_Y(r.geom) AS latitude,
       (('x' || substr(md5(r.receipt), 1, 8))::bit(32)::bigint % 2147483648)::bigint AS record_key
FROM public_reports r
WHERE r.reported_on BETWEEN $1::date AND $2::date
  AND ($3::text[] IS NULL OR r.commune_insee = ANY($3::text[]))
  AND ($4::text[] IS NULL OR r.department_code = ANY($4::text[]))
  AND ($5::float8 IS NULL OR r.geom && ST_MakeEnvelope($5, $6, $7, $8, 4326))`;

/** SSMSI persons implicated for trafficking and use, by department ($1 codes) and year ($2-$3). */
export const departmentDrugStatistics = `
SELECT s.department_code AS code, d.name, s.year::int AS year, s.indicator_code AS indicator, s.count, s.rate_per_1000::float8 AS rate_per_1000
FROM department_crime_statistics s JOIN departments d ON d.code = s.department_code
WHERE s.department_code = ANY($1::text[]) AND s.year BETWEEN $2 AND $3 AND s.indicator_code IN ('trafic_de_stupefiants', 'usage_de_stupefiants')
ORDER BY s.department_code, s.year, s.indicator_code`;

/** The same for France (sum over departments). */
export const nationalDrugStatistics = `
SELECT s.year::int AS year, s.indicator_code AS indicator, sum(s.count)::int AS count,
       round(1000.0 * sum(s.count) / nullif(sum(s.population), 0), 3)::float8 AS rate_per_1000
FROM department_crime_statistics s
WHERE s.year BETWEEN $1 AND $2 AND s.indicator_code IN ('trafic_de_stupefiants', 'usage_de_stupefiants')
GROUP BY s.year, s.indicator_code ORDER BY s.year, s.indicator_code`;

/** The same for a list of communes ($1): a rate only when every commune's figure is published. */
export const communeDrugStatistics = `
SELECT s.year::int AS year, s.indicator_code AS indicator,
       CASE WHEN bool_and(s.is_published) AND count(*) = cardinality($1::text[]) THEN sum(s.count)::int END AS count,
       CASE WHEN bool_and(s.is_published) AND count(*) = cardinality($1::text[]) THEN round(1000.0 * sum(s.count) / nullif(sum(s.population), 0), 3)::float8 END AS rate_per_1000
FROM commune_crime_statistics s
WHERE s.insee = ANY($1::text[]) AND s.year BETWEEN $2 AND $3 AND s.indicator_code IN ('trafic_de_stupefiants', 'usage_de_stupefiants')
GROUP BY s.year, s.indicator_code ORDER BY s.year, s.indicator_code`;

/** How current the sources are: last change of deal points and reports, SSMSI years. */
export const sourceVintage = `
SELECT (SELECT max(updated_at) FROM deal_points)::date::text AS deal_points_changed,
       (SELECT bool_or(dataset = 'synthetic') FROM deal_points) AS synthetic,
       (SELECT max(reported_on) FROM public_reports)::text AS reports_last,
       (SELECT min(year) FROM department_crime_statistics)::int AS ssmsi_first,
       (SELECT max(year) FROM department_crime_statistics)::int AS ssmsi_last`;

/** A deputy's constituency ($1 user id). */
export const constituencyOf = `
SELECT c.insee, c.name, c.department_code FROM users u CROSS JOIN LATERAL unnest(u.constituency_insee) AS k(insee)
JOIN communes c ON c.insee = k.insee WHERE u.id = $1 ORDER BY c.insee`;

/** Ties a deputy ($1 user id) to the communes of its constituency ($2). */
export const setConstituency = `UPDATE users SET constituency_insee = $2::text[] WHERE id = $1 AND role = 'deputy' RETURNING id`;

/** The demo deputy's constituency ($1 username, $2 communes), set once (never over an admin's choice). */
export const demoConstituency = `UPDATE users SET constituency_insee = $2::text[] WHERE username = $1 AND role = 'deputy' AND cardinality(constituency_insee) = 0`;

/** First year of any recorded status change (the start of the public yearly figures). */
export const firstDataYear = `SELECT extract(year FROM min(effective_on))::int AS first_year FROM deal_point_status_events`;

export const allDepartmentNames = `SELECT code, name FROM departments ORDER BY code`;
