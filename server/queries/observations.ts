/** SQL of the observations of deal points (activity seen on a date, by a source). */

const observationColumns = `o.id, o.deal_point_id, o.observed_on, o.activity_level, o.estimated_daily_transactions,
  o.source_code AS source, o.version, o.created_at, o.updated_at, c.department_code`;
const observationFrom = 'deal_point_observations o JOIN deal_points d ON d.id = o.deal_point_id JOIN communes c ON c.insee = d.commune_insee';

/** One observation, with its point's department. */
export const getObservation = `SELECT ${observationColumns} FROM ${observationFrom} WHERE o.id = $1`;

/** A page after id $5 (at most $6): of point $1, between $2 and $3, from source $4, in departments $7 (NULL: all). */
export const listObservations = `
SELECT ${observationColumns} FROM ${observationFrom}
WHERE ($1::bigint IS NULL OR o.deal_point_id = $1) AND ($2::date IS NULL OR o.observed_on >= $2)
  AND ($3::date IS NULL OR o.observed_on <= $3) AND ($4::text IS NULL OR o.source_code = $4) AND o.id > $5
  AND ($7::text[] IS NULL OR c.department_code = ANY($7::text[]))
ORDER BY o.id LIMIT $6`;

/** Records an observation, returning its id. */
export const insertObservation = `
INSERT INTO deal_point_observations (deal_point_id, observed_on, activity_level, estimated_daily_transactions, source_code)
VALUES ($1, $2, $3, $4, $5) RETURNING id`;
