/**
 * SQL of the OGC API - Features collections. Each base query yields one row per feature with
 * `id`, `geom` (EPSG:4326) and flat properties; the service wraps it as `(...) f` and appends
 * filters built from fixed fragments and `$n` parameters only. `$1` is today's date.
 */

/** Deal points with a status recorded by `$1`, their status on `$1` and flat properties. */
export const dealPointBase = `
SELECT d.id, d.geom, d.commune_insee, c.name AS commune_name, c.department_code, sc.size_class,
       d.h3_r7, d.h3_r8, d.h3_r9, array_to_string(d.products, ',') AS products, d.source_code AS source, d.external_id,
       d.network_id, d.dataset, d.created_at, d.updated_at,
       (SELECT e.status FROM deal_point_status_events e WHERE e.deal_point_id = d.id AND e.effective_on <= $1::date
         ORDER BY e.effective_on DESC LIMIT 1) AS status,
       (SELECT min(e.effective_on) FROM deal_point_status_events e WHERE e.deal_point_id = d.id) AS first_recorded_on
FROM deal_points d
JOIN communes c ON c.insee = d.commune_insee
JOIN commune_size_classes sc ON sc.insee = d.commune_insee
WHERE EXISTS (SELECT 1 FROM deal_point_status_events e WHERE e.deal_point_id = d.id AND e.effective_on <= $1::date)`;

/** A deal point active at some time in [$a, $b) (the service supplies the placeholders). */
export const dealPointActiveBetween = (from: string, until: string) => `EXISTS (SELECT 1 FROM deal_point_active_periods p WHERE p.deal_point_id = f.id
  AND p.active_from < ${until}::date AND (p.active_until IS NULL OR p.active_until > ${from}::date))`;

export const operationBase = `
SELECT o.id, o.target AS geom, o.name, o.kind, o.started_on, o.ended_on, o.department_code, o.dataset,
       o.arrests, o.officers_mobilised, o.cannabis_seized_kg::float8 AS cannabis_seized_kg, o.cocaine_seized_kg::float8 AS cocaine_seized_kg,
       o.cash_seized_eur::float8 AS cash_seized_eur, o.weapons_seized
FROM operations o
WHERE $1::date IS NOT NULL`;

export const operationBetween = (from: string, until: string) => `(f.started_on < ${until}::date AND coalesce(f.ended_on, DATE '9999-12-31') >= ${from}::date)`;

export const communeBase = `
SELECT c.insee AS id, coalesce(c.geom, c.centroid) AS geom, c.insee, c.name, c.kind, c.department_code, c.region_code, c.parent_insee,
       c.population, s.size_class
FROM communes c JOIN commune_size_classes s ON s.insee = c.insee
WHERE $1::date IS NOT NULL`;

export const departmentBase = `
SELECT d.code AS id, d.geom, d.code, d.name, d.region_code, r.name AS region_name
FROM departments d LEFT JOIN regions r ON r.code = d.region_code
WHERE $1::date IS NOT NULL`;

/** One page: `where` and placeholders come from the service. */
export const featurePage = (base: string, columns: string[], where: string, order: string, limitPlaceholder: string) => `
SELECT f.id, ST_AsGeoJSON(f.geom, 6)::json AS geometry, ${columns.map((c) => `f.${c}`).join(', ')}
FROM (${base}) f WHERE ${where} ORDER BY ${order} LIMIT ${limitPlaceholder}`;

export const featureCount = (base: string, where: string) => `SELECT count(*)::int AS n FROM (${base}) f WHERE ${where}`;
