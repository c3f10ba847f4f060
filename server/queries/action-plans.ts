/**
 * SQL of the action plans (2010 circular): plans made from a saved ranking, their priority
 * sectors with objectives and targets, semester reviews, the schools layer and the activity
 * counted per sector in a semester.
 */

/** Creates a plan. */
export const insertPlan = `
INSERT INTO action_plans (department_code, ranking_id, title, first_semester, school_radius_m, created_by)
VALUES ($1, $2, $3, $4, $5, $6) RETURNING id::int AS id, created_at`;

/** Adds the priority sectors of a plan ($2.. arrays, one element per sector). */
export const insertPlanSectors = `
INSERT INTO action_plan_sectors (plan_id, position, sector_kind, sector_code, sector_name, objective, targets)
SELECT $1, t.position, $2, t.code, t.name, t.objective, t.targets::jsonb
FROM unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::text[]) AS t(position, code, name, objective, targets)`;

/** Plans of departments $1 (NULL: all), newest first. */
export const listPlans = `
SELECT p.id::int AS id, p.department_code, p.ranking_id::int AS ranking_id, p.title, p.first_semester, p.school_radius_m, p.created_at, u.username AS created_by,
       (SELECT count(*)::int FROM action_plan_sectors s WHERE s.plan_id = p.id) AS sectors,
       (SELECT count(*)::int FROM action_plan_reviews r WHERE r.plan_id = p.id) AS reviews
FROM action_plans p LEFT JOIN users u ON u.id = p.created_by
WHERE ($1::text[] IS NULL OR p.department_code = ANY($1::text[])) ORDER BY p.id DESC LIMIT 200`;

/** One plan. */
export const getPlan = `
SELECT p.id::int AS id, p.department_code, p.ranking_id::int AS ranking_id, p.title, p.first_semester, p.school_radius_m, p.created_at, u.username AS created_by, r.sector_kind
FROM action_plans p JOIN sector_rankings r ON r.id = p.ranking_id LEFT JOIN users u ON u.id = p.created_by WHERE p.id = $1`;

/** The priority sectors of a plan in order. */
export const planSectors = `
SELECT position::int AS position, sector_kind, sector_code, sector_name, objective, targets FROM action_plan_sectors WHERE plan_id = $1 ORDER BY position`;

/** Saves a semester review. */
export const insertReview = `
INSERT INTO action_plan_reviews (plan_id, semester, measured, note, created_by) VALUES ($1, $2, $3::jsonb, $4, $5) RETURNING id::int AS id, created_at`;

/** Reviews of a plan, newest first. */
export const planReviews = `
SELECT r.id::int AS id, r.semester, r.measured, r.note, r.created_at, u.username AS created_by
FROM action_plan_reviews r LEFT JOIN users u ON u.id = r.created_by WHERE r.plan_id = $1 ORDER BY r.id DESC`;

/**
 * Per sector ($1 codes, $2 GeoJSON outlines): public reports received (not rejected) and
 * operations under way at some time in the semester [$3, $4].
 */
export const semesterActivity = `
SELECT t.code,
  (SELECT count(*)::int FROM public_reports r WHERE r.geom && x.g AND ST_Intersects(r.geom, x.g) AND r.status <> 'rejected' AND r.reported_on BETWEEN $3::date AND $4::date) AS public_reports,
  (SELECT count(*)::int FROM operations o WHERE o.target && x.g AND ST_Intersects(o.target, x.g) AND o.started_on <= $4::date AND coalesce(o.ended_on, $4::date) >= $3::date) AS operations
FROM unnest($1::text[], $2::text[]) AS t(code, outline)
CROSS JOIN LATERAL (SELECT ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(t.outline), 4326)) AS g) x`;

/** The SSMSI trafficking rate per 1,000 inhabitants of communes $1 in year $2 (null when withheld). */
export const ssmsiTraffickingRates = `
SELECT insee AS code, CASE WHEN is_published THEN rate_per_1000::float8 END AS rate
FROM commune_crime_statistics WHERE insee = ANY($1::text[]) AND year = $2 AND indicator_code = 'trafic_de_stupefiants'`;

/** Department of each school location ($1 UAI, $2 longitudes, $3 latitudes). */
export const schoolDepartments = `
SELECT t.uai, (SELECT c.department_code FROM communes c WHERE c.insee = commune_at(ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326))) AS department_code
FROM unnest($1::text[], $2::float8[], $3::float8[]) AS t(uai, lon, lat)`;

/** Creates or updates schools (same UAI); an unchanged school is left alone. */
export const upsertSchools = `
INSERT INTO schools AS s (uai, department_code, name, geom)
SELECT t.uai, $1, t.name, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326) FROM unnest($2::text[], $3::text[], $4::float8[], $5::float8[]) AS t(uai, name, lon, lat)
ON CONFLICT (uai) DO UPDATE SET name = EXCLUDED.name, geom = EXCLUDED.geom, department_code = EXCLUDED.department_code, imported_at = now()
  WHERE (s.name, s.department_code, ST_AsText(s.geom)) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.department_code, ST_AsText(EXCLUDED.geom))
RETURNING (s.xmax = 0) AS inserted`;

/** Schools of a department within $2 metres of sector outlines ($3 codes, $4 GeoJSON), with the nearest sector and distance. */
export const schoolsNear = `
SELECT s.uai, s.name, ST_X(s.geom)::float8 AS longitude, ST_Y(s.geom)::float8 AS latitude, n.code AS sector_code, round(n.distance)::int AS distance_m
FROM schools s
CROSS JOIN LATERAL (
  SELECT t.code, ST_Distance(s.geom::geography, x.g::geography) AS distance
  FROM unnest($3::text[], $4::text[]) AS t(code, outline)
  CROSS JOIN LATERAL (SELECT ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(t.outline), 4326)) AS g) x
  WHERE near(s.geom, x.g, $2::float8)
  ORDER BY distance LIMIT 1
) n
WHERE s.department_code = $1
ORDER BY n.code, n.distance, s.uai`;

/** Schools of a department (the layer). */
export const departmentSchools = `SELECT uai, name, ST_X(geom)::float8 AS longitude, ST_Y(geom)::float8 AS latitude FROM schools WHERE department_code = $1 ORDER BY uai`;
