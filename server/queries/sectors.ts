/**
 * SQL of the prefect's desk: sectors (communes, arrondissements, drawn areas) with their area and
 * outline, the deal points of a department with their status changes, the SSMSI and prefecture
 * values per sector, and saved rankings. $1 is always the department.
 */
import { shownEvent } from './aggregates.js';

/** Communes of a department (not arrondissements): code, name, population, area km², outline simplified for the map. */
export const communeSectors = `
SELECT insee AS code, name, population, coalesce(ST_Area(geom::geography) / 1e6, 0)::float8 AS area_km2,
       ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, 0.0005), 5)::json AS geometry
FROM communes WHERE kind = 'COM' AND department_code = $1 ORDER BY insee`;

/** The municipal arrondissements of Paris, Lyon or Marseille in a department. */
export const arrondissementSectors = `
SELECT insee AS code, name, population, coalesce(ST_Area(geom::geography) / 1e6, 0)::float8 AS area_km2,
       ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, 0.0005), 5)::json AS geometry
FROM communes WHERE kind = 'ARM' AND department_code = $1 ORDER BY insee`;

/** Areas drawn or imported by the prefecture of a department. */
export const areaSectors = `
SELECT code, name, NULL::integer AS population, (ST_Area(geom::geography) / 1e6)::float8 AS area_km2, ST_AsGeoJSON(geom, 6)::json AS geometry
FROM sector_areas WHERE department_code = $1 ORDER BY code`;

/** Creates or replaces a drawn area (same department and code). */
export const upsertArea = `
INSERT INTO sector_areas (department_code, code, name, geom, created_by)
VALUES ($1, $2, $3, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($4), 4326)), $5)
ON CONFLICT (department_code, code) DO UPDATE SET name = EXCLUDED.name, geom = EXCLUDED.geom, created_by = EXCLUDED.created_by, created_at = now()
RETURNING id, code, name`;

/** Which of the given areas lie mostly in the department ($2 GeoJSON geometries): the share of each inside. */
export const areaShareInDepartment = `
SELECT ord::int AS index, ST_IsValid(g) AS valid,
       CASE WHEN ST_IsValid(g) THEN coalesce(ST_Area(ST_Intersection(d.geom, g)) / nullif(ST_Area(g), 0), 0) ELSE 0 END::float8 AS share
FROM departments d, unnest($2::text[]) WITH ORDINALITY AS t(json, ord), LATERAL (SELECT ST_SetSRID(ST_GeomFromGeoJSON(t.json), 4326) AS g) x
WHERE d.code = $1`;

/**
 * Deal points of a department with their status changes in date order ($2 dataset or NULL, $3
 * departments whose operations under way may show, see queries/aggregates.ts).
 */
export const departmentPoints = `
SELECT d.id::int AS id, d.h3_r7 AS cell7, d.h3_r8 AS cell8, d.commune_insee, ST_X(d.geom)::float8 AS longitude, ST_Y(d.geom)::float8 AS latitude,
       array_agg(e.status ORDER BY e.effective_on) AS statuses, array_agg(e.effective_on::text ORDER BY e.effective_on) AS dates
FROM deal_points d
JOIN communes c ON c.insee = d.commune_insee
JOIN deal_point_status_events e ON e.deal_point_id = d.id AND ${shownEvent('$3')}
WHERE c.department_code = $1 AND ($2::text IS NULL OR d.dataset = $2)
GROUP BY d.id`;

/** What the data stood at: deal points of the department and the latest status change recorded. */
export const dealPointVintage = `
SELECT count(DISTINCT d.id)::int AS deal_points, max(e.recorded_at) AS last_recorded_at
FROM deal_points d JOIN communes c ON c.insee = d.commune_insee LEFT JOIN deal_point_status_events e ON e.deal_point_id = d.id
WHERE c.department_code = $1`;

/** SSMSI communal rates of indicators $2 for the communes of the department, latest year not after $3. */
export const ssmsiRates = `
SELECT s.insee, s.indicator_code, i.label, s.year::int AS year, s.is_published, s.rate_per_1000::float8 AS rate
FROM commune_crime_statistics s
JOIN communes c ON c.insee = s.insee
JOIN crime_indicators i ON i.code = s.indicator_code
WHERE c.department_code = $1 AND s.indicator_code = ANY($2::text[])
  AND s.year = (SELECT max(t.year) FROM commune_crime_statistics t WHERE t.indicator_code = s.indicator_code AND t.year <= $3)`;

/** The prefecture values in force (latest version) for a department and a kind of sector. */
export const prefectureValuesInForce = `
SELECT DISTINCT ON (indicator_code, sector_code) id::int AS id, indicator_code, criterion::int AS criterion, sector_code, value, source,
       observed_on::text AS observed_on, justification, version, created_at
FROM prefecture_indicator_values WHERE department_code = $1 AND sector_kind = $2
ORDER BY indicator_code, sector_code, version DESC`;

/** The history of the prefecture values of a department (newest first). */
export const prefectureValueHistory = `
SELECT v.id::int AS id, v.indicator_code, v.criterion::int AS criterion, v.sector_kind, v.sector_code, v.value, v.source, v.observed_on::text AS observed_on,
       v.justification, v.version, v.import_sha256, u.username AS created_by, v.created_at
FROM prefecture_indicator_values v LEFT JOIN users u ON u.id = v.created_by
WHERE v.department_code = $1 AND ($2::text IS NULL OR v.sector_kind = $2)
ORDER BY v.id DESC LIMIT $3`;

/** Latest version of given keys ($2 indicator, $3 kind, $4 sector codes), to version an import. */
export const latestVersions = `
SELECT DISTINCT ON (sector_code) sector_code, version, value, source, observed_on::text AS observed_on, justification, criterion::int AS criterion
FROM prefecture_indicator_values WHERE department_code = $1 AND indicator_code = $2 AND sector_kind = $3 AND sector_code = ANY($4::text[])
ORDER BY sector_code, version DESC`;

/** Appends prefecture values (one row per sector, its next version). */
export const insertPrefectureValues = `
INSERT INTO prefecture_indicator_values (department_code, indicator_code, criterion, sector_kind, sector_code, value, source, observed_on, justification, version, import_sha256, created_by)
SELECT $1, $2, $3, $4, t.code, t.value, t.source, t.observed_on, t.justification, t.version, $5, $6
FROM unnest($7::text[], $8::float8[], $9::text[], $10::date[], $11::text[], $12::int[]) AS t(code, value, source, observed_on, justification, version)`;

/** The criterion an indicator code already has in a department (an indicator keeps its criterion). */
export const indicatorCriterion = `SELECT criterion::int AS criterion FROM prefecture_indicator_values WHERE department_code = $1 AND indicator_code = $2 LIMIT 1`;

/** Saves a ranking record. */
export const insertRanking = `
INSERT INTO sector_rankings (department_code, title, sector_kind, parameters, data_vintage, result, sha256, created_by)
VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb, $7, $8) RETURNING id::int AS id, created_at`;

/** Saved rankings of departments $1 (NULL: all), newest first, without their result. */
export const listRankings = `
SELECT r.id::int AS id, r.department_code, r.title, r.sector_kind, r.sha256, r.created_at, u.username AS created_by,
       jsonb_array_length(r.result -> 'ranked')::int AS ranked
FROM sector_rankings r LEFT JOIN users u ON u.id = r.created_by
WHERE ($1::text[] IS NULL OR r.department_code = ANY($1::text[])) ORDER BY r.id DESC LIMIT 200`;

/** One saved ranking with everything. */
export const getRanking = `
SELECT r.id::int AS id, r.department_code, r.title, r.sector_kind, r.parameters, r.data_vintage, r.result, r.sha256, r.created_at, u.username AS created_by
FROM sector_rankings r LEFT JOIN users u ON u.id = r.created_by WHERE r.id = $1`;
