/**
 * SQL of the aggregated counts: active deal points on a date per H3 cell, commune or department,
 * each with the sum of its points' record keys (modulo 2^31, the cell key of disclosure control).
 * $1 date; $2-$5 envelope (NULL: all); $6 departments; $7 dataset;
 * $8 true: the envelope selects whole communes (those it touches), false: the points inside it;
 * $9 departments whose operations under way may show (NULL: all; '{}': none): a status change
 * linked to any other operation still under way is left out, as if it had not happened yet.
 */
/** A status change shown: not linked to an operation under way outside the departments `$n`. */
export const shownEvent = (departments: string) => `(${departments}::text[] IS NULL OR e.operation_id IS NULL OR EXISTS (
    SELECT 1 FROM operations o WHERE o.id = e.operation_id AND ((o.ended_on IS NOT NULL AND o.ended_on < current_date) OR o.department_code = ANY(${departments}::text[]))))`;

/** With `minSources`, $10 keeps points confirmed by at least that many independent sources (precise roles only, see the routes). */
const activeOn = (join = '', minSources = false) => `
FROM deal_points d
JOIN LATERAL (
  SELECT e.status, e.effective_on AS active_from, lead(e.effective_on) OVER (ORDER BY e.effective_on) AS active_until
  FROM deal_point_status_events e
  WHERE e.deal_point_id = d.id AND ${shownEvent('$9')}
) p ON p.status IN ('active', 'reopened') AND p.active_from <= $1::date AND (p.active_until IS NULL OR p.active_until > $1::date)
JOIN communes c ON c.insee = d.commune_insee ${join}
WHERE ($2::float8 IS NULL OR $8::boolean OR d.geom && ST_MakeEnvelope($2, $3, $4, $5, 4326))
  AND ($2::float8 IS NULL OR NOT $8::boolean OR d.commune_insee = ANY (ARRAY(
        SELECT t.insee FROM communes t
        WHERE t.geom && ST_MakeEnvelope($2, $3, $4, $5, 4326) AND ST_Intersects(t.geom, ST_MakeEnvelope($2, $3, $4, $5, 4326)))))
  AND ($6::text[] IS NULL OR c.department_code = ANY($6::text[]))
  AND ($7::text IS NULL OR d.dataset = $7)${minSources ? `
  AND deal_point_sources_count(d.id) >= $10::int` : ''}`;

const keySum = `(sum(d.record_key::bigint) % 2147483648)::bigint AS key_sum`;

/** Per stored H3 cell; `column` is one of the fixed stored columns h3_r7, h3_r8, h3_r9. */
export function countByStoredCell(column: 'h3_r7' | 'h3_r8' | 'h3_r9', minSources = false): string {
  return `SELECT d.${column} AS cell, count(*)::int AS count, ${keySum} ${activeOn('', minSources)} GROUP BY d.${column}`;
}

export const countByCommuneQuery = (minSources = false) => `
SELECT c.insee, c.name, c.department_code, s.size_class, count(*)::int AS count, ${keySum}
${activeOn('JOIN commune_size_classes s ON s.insee = c.insee', minSources)}
GROUP BY c.insee, c.name, c.department_code, s.size_class ORDER BY c.insee`;
export const countByCommune = countByCommuneQuery();

export const countByDepartmentQuery = (minSources = false) => `
SELECT c.department_code AS code, dep.name, count(*)::int AS count, ${keySum}
${activeOn('JOIN departments dep ON dep.code = c.department_code', minSources)}
GROUP BY c.department_code, dep.name ORDER BY c.department_code`;
export const countByDepartment = countByDepartmentQuery();

/** The target of an operation as GeoJSON, with its department and end date. */
export const operationTarget = `SELECT ST_AsGeoJSON(target)::json AS target, department_code, ended_on FROM operations WHERE id = $1`;

/** Labels of the series keys. */
export const sizeClassLabels = 'SELECT code AS key, label FROM size_classes ORDER BY rank';
export const departmentLabels = 'SELECT code AS key, name AS label FROM departments';
export const regionLabels = 'SELECT code AS key, name AS label FROM regions';
