/**
 * SQL of the SSMSI crime statistics: the upserts of an import (indicators, then one row per area,
 * year and indicator, rows left untouched when unchanged) and the reads the API serves.
 */

/** Department codes among $1 that exist. */
export const knownDepartments = 'SELECT code AS area FROM departments WHERE code = ANY($1::text[])';

/** Commune INSEE codes among $1 that exist. */
export const knownCommunes = 'SELECT insee AS area FROM communes WHERE insee = ANY($1::text[])';

/** Upserts indicators from arrays (code, label, unit, unit label). */
export const upsertIndicators = `
INSERT INTO crime_indicators (code, label, unit, unit_label) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
ON CONFLICT (code) DO UPDATE SET label = EXCLUDED.label, unit = EXCLUDED.unit, unit_label = EXCLUDED.unit_label`;

/**
 * Upserts department statistics from arrays (area, year, indicator, count, rate, population,
 * published — the last unused: departments are always published); returns one row per row
 * written, `inserted` telling new from updated.
 */
export const upsertDepartmentStatistics = `
INSERT INTO department_crime_statistics AS s (department_code, year, indicator_code, count, rate_per_1000, population)
SELECT area, year, indicator, count, rate, population
FROM unnest($1::text[], $2::int[], $3::text[], $4::int[], $5::numeric[], $6::int[], $7::boolean[])
  AS t(area, year, indicator, count, rate, population, published)
ON CONFLICT (department_code, year, indicator_code) DO UPDATE
  SET count = EXCLUDED.count, rate_per_1000 = EXCLUDED.rate_per_1000, population = EXCLUDED.population
  WHERE (s.count, s.rate_per_1000, s.population) IS DISTINCT FROM
        (EXCLUDED.count, EXCLUDED.rate_per_1000::numeric(12, 6), EXCLUDED.population)
RETURNING (s.xmax = 0) AS inserted`;

/** The same for communes, with their publication flag (SSMSI withholds small counts). */
export const upsertCommuneStatistics = `
INSERT INTO commune_crime_statistics AS s (insee, year, indicator_code, count, rate_per_1000, population, is_published)
SELECT area, year, indicator, count, rate, population, published
FROM unnest($1::text[], $2::int[], $3::text[], $4::int[], $5::numeric[], $6::int[], $7::boolean[])
  AS t(area, year, indicator, count, rate, population, published)
ON CONFLICT (insee, year, indicator_code) DO UPDATE
  SET count = EXCLUDED.count, rate_per_1000 = EXCLUDED.rate_per_1000, population = EXCLUDED.population, is_published = EXCLUDED.is_published
  WHERE (s.count, s.rate_per_1000, s.population, s.is_published) IS DISTINCT FROM
        (EXCLUDED.count, EXCLUDED.rate_per_1000::numeric(12, 6), EXCLUDED.population, EXCLUDED.is_published)
RETURNING (s.xmax = 0) AS inserted`;

/** Every indicator, by label. */
export const listIndicators = 'SELECT code, label, unit, unit_label FROM crime_indicators ORDER BY label';

/** Department statistics, optionally of indicator $1, year $2, department $3. */
export const departmentStatistics = `
SELECT s.department_code, d.name AS department_name, s.year, s.indicator_code AS indicator, i.unit, s.count,
       s.rate_per_1000, s.population
FROM department_crime_statistics s JOIN departments d ON d.code = s.department_code JOIN crime_indicators i ON i.code = s.indicator_code
WHERE ($1::text IS NULL OR s.indicator_code = $1) AND ($2::int IS NULL OR s.year = $2) AND ($3::text IS NULL OR s.department_code = $3)
ORDER BY s.indicator_code, s.year, s.department_code`;

/** Commune statistics, optionally of indicator $1, year $2, commune $3, department $4; at most $5 rows. */
export const communeStatistics = `
SELECT s.insee, c.name AS commune_name, c.department_code, s.year, s.indicator_code AS indicator, i.unit,
       s.is_published, s.count, s.rate_per_1000, s.population
FROM commune_crime_statistics s JOIN communes c ON c.insee = s.insee JOIN crime_indicators i ON i.code = s.indicator_code
WHERE ($1::text IS NULL OR s.indicator_code = $1) AND ($2::int IS NULL OR s.year = $2) AND ($3::text IS NULL OR s.insee = $3)
  AND ($4::text IS NULL OR c.department_code = $4)
ORDER BY s.indicator_code, s.year, s.insee LIMIT $5`;

/** National totals per year and indicator: France entière, metropolitan France and overseas. */
export const nationalStatistics = `
SELECT s.year, s.indicator_code AS indicator, i.label AS indicator_label, i.unit,
       sum(s.count)::int AS count,
       sum(s.count) FILTER (WHERE s.department_code NOT LIKE '97%')::int AS metropole,
       sum(s.count) FILTER (WHERE s.department_code LIKE '97%')::int AS drom,
       sum(s.population)::bigint AS population,
       round(1000.0 * sum(s.count) / nullif(sum(s.population), 0), 3)::float8 AS rate_per_1000,
       count(*)::int AS departments, count(s.count)::int AS departments_with_count
FROM department_crime_statistics s JOIN crime_indicators i ON i.code = s.indicator_code
WHERE ($1::text IS NULL OR s.indicator_code = $1) AND ($2::int IS NULL OR s.year = $2)
GROUP BY s.year, s.indicator_code, i.label, i.unit ORDER BY s.indicator_code, s.year`;
