/**
 * SQL of the reference data loaded at start-up (departments, communes with their outlines,
 * size-class overrides) and of the record of what was loaded (one checksum per file).
 */

/** Upserts departments from arrays (code, name, region, GeoJSON geometry), outlines made valid multipolygons. */
export const upsertDepartments = `
INSERT INTO departments (code, name, region_code, geom)
SELECT code, name, region_code, ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(geojson), 4326)), 3))
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(code, name, region_code, geojson)
ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, region_code = EXCLUDED.region_code, geom = EXCLUDED.geom`;

/** Upserts communes and arrondissements from arrays, with their centroid. */
export const upsertCommunes = `
INSERT INTO communes (insee, kind, name, search_name, department_code, region_code, parent_insee, population, centroid)
SELECT insee, kind, name, search_name, department_code, region_code, parent_insee, population,
       ST_SetSRID(ST_MakePoint(lon, lat), 4326)
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::float8[], $10::float8[])
  AS t(insee, kind, name, search_name, department_code, region_code, parent_insee, population, lon, lat)
ON CONFLICT (insee) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, search_name = EXCLUDED.search_name,
  department_code = EXCLUDED.department_code, region_code = EXCLUDED.region_code,
  parent_insee = EXCLUDED.parent_insee, population = EXCLUDED.population, centroid = EXCLUDED.centroid`;

/** A scratch table for the pieces of commune outlines, dropped at commit. */
export const createCommuneParts = 'CREATE TEMPORARY TABLE commune_parts (insee text, geom geometry) ON COMMIT DROP';

/** Adds pieces of commune outlines (arrays of INSEE codes and GeoJSON geometries). */
export const insertCommuneParts = `
INSERT INTO commune_parts (insee, geom)
SELECT insee, ST_SetSRID(ST_GeomFromGeoJSON(geojson), 4326)
FROM unnest($1::text[], $2::text[]) AS t(insee, geojson)`;

/** Sets each commune's outline to the valid union of its pieces. */
export const setCommuneOutlines = `
UPDATE communes c SET geom = u.geom
FROM (
  SELECT insee, ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Union(geom)), 3)) AS geom
  FROM commune_parts GROUP BY insee
) u
WHERE c.insee = u.insee`;

/** Empties the size-class overrides before they are reloaded. */
export const deleteSizeClassOverrides = 'DELETE FROM size_class_overrides';

/** Adds size-class overrides from arrays (INSEE code, class, reason). */
export const insertSizeClassOverrides = `
INSERT INTO size_class_overrides (insee, size_class, reason)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`;

/** The checksum of the reference file $1 last loaded. */
export const loadedChecksum = 'SELECT checksum FROM reference_loads WHERE name = $1';

/** Records that reference file $1 with checksum $2 was loaded ($3 rows). */
export const recordLoad = `
INSERT INTO reference_loads (name, checksum, rows) VALUES ($1, $2, $3)
ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, rows = EXCLUDED.rows, loaded_at = now()`;
