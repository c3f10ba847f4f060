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

/**
 * A page of the deal-point list, in id order (keyset). $1 the day statuses are read on; each
 * filter NULL when not asked: $2-$5 bbox, $6 commune (or its arrondissements), $7 department,
 * $8 departments allowed, $9 source, $10 dataset, $11 network, $12 product, $13 least sources,
 * $14-$15 active at some time from..to, $16 after this id, $17 statuses on $1, $18 rows (limit + 1).
 * Points whose history starts after $1 are left out.
 */
export const listDealPoints = `
SELECT * FROM (${dealPointSelect}
  WHERE ($2::float8 IS NULL OR d.geom && ST_MakeEnvelope($2, $3, $4, $5, 4326))
    AND ($6::text IS NULL OR d.commune_insee = $6 OR c.parent_insee = $6)
    AND ($7::text IS NULL OR c.department_code = $7)
    AND ($8::text[] IS NULL OR c.department_code = ANY($8::text[]))
    AND ($9::text IS NULL OR d.source_code = $9)
    AND ($10::text IS NULL OR d.dataset = $10)
    AND ($11::bigint IS NULL OR d.network_id = $11)
    AND ($12::text IS NULL OR $12::text = ANY(d.products))
    AND ($13::int IS NULL OR deal_point_sources_count(d.id) >= $13::int)
    AND (($14::date IS NULL AND $15::date IS NULL) OR EXISTS (SELECT 1 FROM deal_point_active_periods p WHERE p.deal_point_id = d.id
      AND p.active_from <= COALESCE($15::date, DATE '9999-12-31') AND (p.active_until IS NULL OR p.active_until > COALESCE($14::date, DATE '0001-01-01'))))
    AND EXISTS (SELECT 1 FROM deal_point_status_events e WHERE e.deal_point_id = d.id AND e.effective_on <= $1::date)
    AND ($16::bigint IS NULL OR d.id > $16)
  ORDER BY d.id) listed
WHERE ($17::text[] IS NULL OR status = ANY($17::text[]))
ORDER BY id LIMIT $18`;

/** Department of the commune holding the location $1 longitude, $2 latitude (none outside France). */
export const departmentAt = `
SELECT c.department_code FROM communes c WHERE c.insee = commune_at(ST_SetSRID(ST_MakePoint($1, $2), 4326))`;

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
