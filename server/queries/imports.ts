/** SQL of the importer for rows that name a deal point by its Sillage id (points without external id). */

/** The points named by id, with their source, external id and department (for the checks). */
export const pointsNamedById = `
SELECT d.id, d.source_code, d.external_id, c.department_code
FROM deal_points d JOIN communes c ON c.insee = d.commune_insee
WHERE d.id = ANY($1::bigint[])`;

/** Updates the points named by id whose place or fields differ from the file's (version + 1); returns their ids. */
export const updatePointsById = `
UPDATE deal_points AS d
SET geom = ST_SetSRID(ST_MakePoint(t.longitude, t.latitude), 4326), h3_r7 = t.h3_r7, h3_r8 = t.h3_r8, h3_r9 = t.h3_r9,
    products = CASE WHEN t.products = '' THEN '{}'::text[] ELSE string_to_array(t.products, '|') END,
    network_id = t.network_id, dataset = t.dataset, version = d.version + 1, updated_at = now()
FROM unnest($1::bigint[], $2::float8[], $3::float8[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[])
  AS t(id, longitude, latitude, h3_r7, h3_r8, h3_r9, products, network_id, dataset)
WHERE d.id = t.id
  AND (ST_AsBinary(d.geom), d.products, d.network_id, d.dataset)
      IS DISTINCT FROM (ST_AsBinary(ST_SetSRID(ST_MakePoint(t.longitude, t.latitude), 4326)),
                        CASE WHEN t.products = '' THEN '{}'::text[] ELSE string_to_array(t.products, '|') END, t.network_id, t.dataset)
RETURNING d.id`;

/** Each point's status history in the importer's text form (`status:date[:operation id]|...`). */
export const historiesById = `
SELECT d.id,
       (SELECT string_agg(e.status || ':' || e.effective_on || coalesce(':' || e.operation_id, ''), '|' ORDER BY e.effective_on)
          FROM deal_point_status_events e WHERE e.deal_point_id = d.id) AS history
FROM deal_points d WHERE d.id = ANY($1::bigint[])`;
