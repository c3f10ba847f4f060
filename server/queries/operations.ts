/** SQL of the operations (place nette and others): reads, the create, the department of a target. */

/** The columns an operation is served with (the target as GeoJSON, 6 decimals). */
const operationColumns = `id, name, kind, started_on, ended_on, department_code,
  arrests, officers_mobilised, cannabis_seized_kg, cocaine_seized_kg, cash_seized_eur, weapons_seized,
  source_code AS source, external_id, dataset, version, created_at, updated_at,
  ST_AsGeoJSON(target, 6)::json AS target`;

/** One operation. */
export const getOperation = `SELECT ${operationColumns} FROM operations WHERE id = $1`;

/**
 * A page of operations after id $10 (at most $11): in bbox $1-$4, department $5, kind $6, under way
 * between $7 and $8, dataset $9, departments $12 (NULL: all), ended ones only when $13.
 */
export const listOperations = `
SELECT ${operationColumns} FROM operations
WHERE ($1::float8 IS NULL OR target && ST_MakeEnvelope($1, $2, $3, $4, 4326))
  AND ($5::text IS NULL OR department_code = $5) AND ($6::text IS NULL OR kind = $6)
  AND ($7::date IS NULL OR coalesce(ended_on, DATE '9999-12-31') >= $7) AND ($8::date IS NULL OR started_on <= $8)
  AND ($9::text IS NULL OR dataset = $9) AND id > $10
  AND ($12::text[] IS NULL OR department_code = ANY($12::text[])) AND (NOT $13 OR ended_on < current_date)
ORDER BY id LIMIT $11`;

/** Whether GeoJSON geometry $1 is valid, and why not (PostGIS decides, on both databases alike). */
export const geometryValidity = `
SELECT ST_IsValid(g) AS valid, ST_IsValidReason(g) AS reason FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g) s`;

/** The SQL expression of a target from its GeoJSON (`?` stands for the parameter). */
export const targetExpression = 'ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(?), 4326))';

/** The department holding a point on the surface of GeoJSON target $1 (as the database trigger attributes it). */
export const departmentOfTarget = `
SELECT d.code FROM departments d, (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g) t
WHERE d.geom && t.g AND ST_Intersects(d.geom, ST_PointOnSurface(t.g)) ORDER BY d.code LIMIT 1`;

/** Creates an operation (target $5 as GeoJSON, outcomes $6-$11), returning its id. */
export const insertOperation = `
INSERT INTO operations (name, kind, started_on, ended_on, target,
  arrests, officers_mobilised, cannabis_seized_kg, cocaine_seized_kg, cash_seized_eur, weapons_seized, source_code, external_id, dataset)
VALUES ($1, $2, $3, $4, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($5), 4326)), $6, $7, $8, $9, $10, $11, $12, $13, $14)
RETURNING id`;

/** External ids of operations $1, and whether another operation shares each (then ambiguous on re-import). */
export const operationIdentifiers = `
SELECT o.id, o.external_id, (SELECT count(*) FROM operations p WHERE p.external_id = o.external_id) > 1 AS shared
FROM operations o WHERE o.id = ANY($1::bigint[])`;
