/** SQL of the public reference geography: communes, departments, size classes, services. */

/** Communes by department ($1), INSEE code prefix ($2) or normalised name ($3), best matches first; $4 limit. */
export const searchCommunes = `
SELECT c.insee, c.name, c.kind, c.department_code, c.population, s.size_class,
       ST_X(c.centroid) AS longitude, ST_Y(c.centroid) AS latitude
FROM communes c JOIN commune_size_classes s ON s.insee = c.insee
WHERE ($1::text IS NULL OR c.department_code = $1)
  AND (($2::text IS NULL AND $3::text IS NULL)
       OR c.insee LIKE $2 || '%'
       OR c.search_name LIKE $3 || '%' OR c.search_name LIKE '% ' || $3 || '%')
ORDER BY (c.insee = $2 OR c.search_name = $3) IS TRUE DESC, (c.search_name LIKE $3 || '%') IS TRUE DESC, c.population DESC, c.insee
LIMIT $4`;

/** One commune ($1) with its outline (or centre). */
export const communeByInsee = `
SELECT c.insee, c.name, c.kind, c.department_code, c.region_code, c.parent_insee, c.population, s.size_class,
       ST_AsGeoJSON(coalesce(c.geom, c.centroid), 5)::json AS geometry
FROM communes c JOIN commune_size_classes s ON s.insee = c.insee WHERE c.insee = $1`;

/** Every department outline simplified to about 500 m, as one FeatureCollection. */
export const departmentOutlines = `
SELECT json_build_object('type', 'FeatureCollection', 'features', json_agg(json_build_object(
  'type', 'Feature', 'id', code, 'properties', json_build_object('code', code, 'name', name),
  'geometry', ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, 0.004), 4)::json) ORDER BY code)) AS collection
FROM departments`;

/** The commune holding a location ($1 longitude, $2 latitude). */
export const communeAt = `SELECT c.insee, c.name, c.department_code FROM communes c WHERE c.insee = commune_at(ST_SetSRID(ST_MakePoint($1, $2), 4326))`;

export const listDepartments = `SELECT d.code, d.name, d.region_code, r.name AS region_name FROM departments d LEFT JOIN regions r ON r.code = d.region_code ORDER BY d.code`;

/** One department ($1) with its outline. */
export const departmentByCode = `SELECT code, name, region_code, ST_AsGeoJSON(geom, 5)::json AS geometry FROM departments WHERE code = $1`;

export const listSizeClasses = `SELECT code, label, min_population, max_population, rank FROM size_classes ORDER BY rank`;

export const listServices = `SELECT code, label FROM services ORDER BY code`;

/** The communes $1 (INSEE codes) with whether each has an outline, and the union of their outlines (ST_Union, 6 decimals). */
export const communesUnion = `
SELECT (SELECT json_agg(json_build_object('insee', c.insee, 'name', c.name, 'kind', c.kind, 'parent_insee', c.parent_insee, 'has_outline', c.geom IS NOT NULL) ORDER BY c.insee)
          FROM communes c WHERE c.insee = ANY($1::text[])) AS communes,
       (SELECT ST_AsGeoJSON(ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Union(c.geom)), 3)), 6)::json
          FROM communes c WHERE c.insee = ANY($1::text[]) AND c.geom IS NOT NULL) AS geometry`;
