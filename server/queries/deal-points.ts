/** SQL for deal points. Values always as $n parameters; the list query's filters come from a fixed set. */

/** Columns of a deal point as served by the API; `$1` is the date on which statuses are evaluated. */
export const dealPointSelect = `
SELECT d.id, ST_X(d.geom) AS longitude, ST_Y(d.geom) AS latitude,
       d.commune_insee, c.name AS commune_name, c.department_code, sc.size_class,
       d.h3_r7, d.h3_r8, d.h3_r9, d.products, d.source_code AS source, d.external_id, d.network_id, d.dataset,
       d.version, d.created_at, d.updated_at,
       (SELECT e.status FROM deal_point_status_events e
         WHERE e.deal_point_id = d.id AND e.effective_on <= $1::date
         ORDER BY e.effective_on DESC LIMIT 1) AS status,
       (SELECT coalesce(json_agg(json_build_object('status', e.status, 'effective_on', e.effective_on, 'operation_id', e.operation_id)
                                 ORDER BY e.effective_on), '[]'::json)
          FROM deal_point_status_events e WHERE e.deal_point_id = d.id) AS status_history
FROM deal_points d
JOIN communes c ON c.insee = d.commune_insee
JOIN commune_size_classes sc ON sc.insee = d.commune_insee`;

export const selectDealPointById = `${dealPointSelect}
WHERE d.id = $2`;

/** Inserts one deal point; the commune is derived by trigger. */
export const insertDealPoint = `
INSERT INTO deal_points (geom, h3_r7, h3_r8, h3_r9, products, source_code, external_id, network_id, dataset)
VALUES (ST_SetSRID(ST_MakePoint($1, $2), 4326), $3, $4, $5, $6::text[], $7, $8, $9, $10)
RETURNING id`;

export const insertStatusEvents = `
INSERT INTO deal_point_status_events (deal_point_id, status, effective_on, operation_id)
SELECT $1, status, effective_on, operation_id
FROM unnest($2::text[], $3::date[], $4::bigint[]) AS t(status, effective_on, operation_id)`;

export const deleteStatusEvents = `DELETE FROM deal_point_status_events WHERE deal_point_id = $1`;

export const selectStatusHistoryForUpdate = `
SELECT d.version, e.status, e.effective_on, e.operation_id
FROM deal_points d
LEFT JOIN deal_point_status_events e ON e.deal_point_id = d.id
WHERE d.id = $1
ORDER BY e.effective_on
FOR UPDATE OF d`;

export const selectVersion = `SELECT version FROM deal_points WHERE id = $1`;

export const deleteDealPoint = `DELETE FROM deal_points WHERE id = $1 AND version = $2`;

/** Of the operation ids $1, those in the departments $2. */
export const scopedOperationIds = `SELECT id FROM operations WHERE id = ANY($1::bigint[]) AND department_code = ANY($2::text[])`;
