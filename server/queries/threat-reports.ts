/** SQL of the annual threat report: status changes of a year in a scope, with the record keys of disclosure control. */
import { shownEvent } from './aggregates.js';

/**
 * Status changes effective in the year ($1 first day, $2 last day) in the departments $3 (NULL:
 * France), leaving out those of operations under way outside the departments $4 (see shownEvent),
 * with whether the point first appeared then.
 */
export const statusChangesOfYear = `
SELECT e.status, d.record_key::bigint AS record_key,
       (e.effective_on = (SELECT min(f.effective_on) FROM deal_point_status_events f WHERE f.deal_point_id = d.id)) AS first_event
FROM deal_point_status_events e
JOIN deal_points d ON d.id = e.deal_point_id
JOIN communes c ON c.insee = d.commune_insee
WHERE e.effective_on BETWEEN $1::date AND $2::date
  AND ($3::text[] IS NULL OR c.department_code = ANY($3::text[]))
  AND ${shownEvent('$4')}`;

/** Operations started in the year ($1, $2) in the departments $3 (NULL: all); $4 true: ended ones only. */
export const operationsOfYear = `
SELECT id, name, department_code, started_on::text AS started_on, ended_on::text AS ended_on FROM operations
WHERE started_on BETWEEN $1::date AND $2::date AND ($3::text[] IS NULL OR department_code = ANY($3::text[]))
  AND (NOT $4::boolean OR (ended_on IS NOT NULL AND ended_on < current_date))
ORDER BY started_on, id`;
