/**
 * Reliability of the registry (measure 2), as SQL. $1 departments (NULL: all), $2 the day read,
 * $3 months without confirmation before a point is flagged.
 */

/** Each point with its independent sources, last confirmation and whether it is flagged for review. */
export const ratedPoints = `
WITH points AS (
  SELECT d.id, d.source_code AS source, d.external_id, d.verification, c.name AS commune_name, c.department_code,
         (SELECT array_agg(DISTINCT s ORDER BY s) FROM (
            SELECT i.source_code AS s FROM deal_point_identifiers i WHERE i.deal_point_id = d.id
            UNION SELECT d.source_code
            UNION SELECT o.source_code FROM deal_point_observations o WHERE o.deal_point_id = d.id) u) AS sources,
         (SELECT max(o.observed_on) FROM deal_point_observations o WHERE o.deal_point_id = d.id) AS last_observed_on,
         (SELECT max(e.effective_on) FROM deal_point_status_events e WHERE e.deal_point_id = d.id) AS last_event_on,
         (SELECT e.status FROM deal_point_status_events e WHERE e.deal_point_id = d.id ORDER BY e.effective_on DESC LIMIT 1) AS status
  FROM deal_points d JOIN communes c ON c.insee = d.commune_insee
  WHERE $1::text[] IS NULL OR c.department_code = ANY($1::text[])
),
rated AS (
  SELECT p.*, cardinality(p.sources) AS sources_count,
         greatest(p.last_observed_on, p.last_event_on) AS last_confirmed_on,
         ($2::date - p.last_observed_on) AS days_since_observation,
         (coalesce(p.status, 'active') <> 'dismantled'
          AND coalesce(greatest(p.last_observed_on, p.last_event_on), DATE '1900-01-01') < ($2::date - make_interval(months => $3::int))::date) AS flagged
  FROM points p
)`;

/** The rated points, $4 least sources, $5 flagged only, $6 limit; with the total before the limit. */
export const reliability = `${ratedPoints}
SELECT id, source, external_id, verification, commune_name, department_code, sources, sources_count, status,
       to_char(last_confirmed_on, 'YYYY-MM-DD') AS last_confirmed_on, to_char(last_observed_on, 'YYYY-MM-DD') AS last_observed_on,
       days_since_observation, flagged, count(*) OVER () AS total
FROM rated
WHERE sources_count >= $4::int AND (NOT $5::boolean OR flagged)
ORDER BY flagged DESC, last_confirmed_on NULLS FIRST, id
LIMIT $6`;

/** Points and flagged points per number of sources. */
export const reliabilityBySources = `${ratedPoints}
SELECT sources_count, count(*)::int AS points, count(*) FILTER (WHERE flagged)::int AS flagged
FROM rated GROUP BY sources_count ORDER BY sources_count`;
