/**
 * SQL of the importer. Rows come in batches as parallel arrays (`unnest`); a key is a source and an
 * external id. Upserts change a row only when a field differs, so a re-run leaves versions alone.
 */

/** The commune of each location, in the batch's order ($1 longitudes, $2 latitudes). */
export const communesAt = `
SELECT commune_at(ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)) AS insee
FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS t(longitude, latitude, i) ORDER BY i`;

/**
 * The points already known by these keys within these departments ($3; null: all), with their
 * location and commune (a row that does not move keeps its commune; another department's point
 * takes the search like any new row, so nothing about it changes the answer or its time).
 */
export const knownLocations = `
SELECT d.source_code, d.external_id, ST_X(d.geom) AS longitude, ST_Y(d.geom) AS latitude, d.commune_insee
FROM deal_points d JOIN unnest($1::text[], $2::text[]) AS k(source_code, external_id)
  ON d.source_code = k.source_code AND d.external_id = k.external_id
JOIN communes c ON c.insee = d.commune_insee
WHERE $3::text[] IS NULL OR c.department_code = ANY($3::text[])`;

/** The department of each of these communes. */
export const departmentsOfCommunes = 'SELECT insee, department_code FROM communes WHERE insee = ANY($1::text[])';

/**
 * The networks named by key (an external id, or `#id` for the API's own exports) that an analyst
 * of these departments ($3; null: everywhere) may attach a point to.
 */
export const networksByKey = `
SELECT k.source AS source_code, k.external_id, n.id FROM networks n
JOIN unnest($1::text[], $2::text[]) AS k(source, external_id) ON (n.source_code = k.source AND n.external_id = k.external_id) OR '#' || n.id = k.external_id
WHERE $3::text[] IS NULL OR n.department_code = ANY($3::text[]) OR EXISTS (
  SELECT 1 FROM deal_points d JOIN communes c ON c.insee = d.commune_insee WHERE d.network_id = n.id AND c.department_code = ANY($3::text[]))`;

/** The operations named in status histories (external id or `#id`), within these departments ($2; null: all); several ids: ambiguous. */
export const operationsByName = `
SELECT k.name AS external_id, array_agg(o.id ORDER BY o.id) AS ids FROM unnest($1::text[]) AS k(name)
JOIN operations o ON o.external_id = k.name OR '#' || o.id = k.name
WHERE $2::text[] IS NULL OR o.department_code = ANY($2::text[]) GROUP BY k.name`;

/**
 * Inserts or updates deal points by key, only where a field differs; returns those written and
 * whether inserted. Rows identical to the stored point are left out before the insert, so that a
 * re-run spends no row trigger (the commune check) on them.
 */
export const upsertDealPoints = `
INSERT INTO deal_points AS d (geom, commune_insee, h3_r7, h3_r8, h3_r9, products, source_code, external_id, network_id, dataset)
SELECT t.geom, t.commune_insee, t.h3_r7, t.h3_r8, t.h3_r9, t.products, t.source_code, t.external_id, t.network_id, t.dataset
FROM (SELECT ST_SetSRID(ST_MakePoint(longitude, latitude), 4326) AS geom, commune_insee, h3_r7, h3_r8, h3_r9,
             CASE WHEN products = '' THEN '{}'::text[] ELSE string_to_array(products, '|') END AS products,
             source_code, external_id, network_id, dataset
      FROM unnest($1::float8[], $2::float8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::text[], $11::text[])
        AS u(longitude, latitude, h3_r7, h3_r8, h3_r9, products, source_code, external_id, network_id, dataset, commune_insee)) AS t
WHERE NOT EXISTS (
  SELECT 1 FROM deal_points s WHERE s.source_code = t.source_code AND s.external_id = t.external_id
    AND (ST_AsBinary(s.geom), s.products, s.network_id, s.dataset) IS NOT DISTINCT FROM (ST_AsBinary(t.geom), t.products, t.network_id, t.dataset))
ON CONFLICT (source_code, external_id) DO UPDATE
  SET geom = EXCLUDED.geom, h3_r7 = EXCLUDED.h3_r7, h3_r8 = EXCLUDED.h3_r8, h3_r9 = EXCLUDED.h3_r9,
      products = EXCLUDED.products, network_id = EXCLUDED.network_id, dataset = EXCLUDED.dataset,
      version = d.version + 1, updated_at = now()
  WHERE (ST_AsBinary(d.geom), d.products, d.network_id, d.dataset)
        IS DISTINCT FROM (ST_AsBinary(EXCLUDED.geom), EXCLUDED.products, EXCLUDED.network_id, EXCLUDED.dataset)
RETURNING d.id, d.external_id, d.source_code, (d.xmax = 0) AS inserted`;

/** Each point's status history by key, in the importer's text form (`status:date[:operation id]|...`). */
export const historiesByKey = `
SELECT d.id, d.source_code, d.external_id,
       (SELECT string_agg(e.status || ':' || e.effective_on || coalesce(':' || e.operation_id, ''), '|' ORDER BY e.effective_on)
          FROM deal_point_status_events e WHERE e.deal_point_id = d.id) AS history
FROM deal_points d JOIN unnest($1::text[], $2::text[]) AS k(source_code, external_id)
  ON d.source_code = k.source_code AND d.external_id = k.external_id`;

/** Removes these points' status events (before writing the file's). */
export const deleteStatusEvents = 'DELETE FROM deal_point_status_events WHERE deal_point_id = ANY($1::bigint[])';

/** Writes status events (point, status, date, operation). */
export const insertStatusEvents = `
INSERT INTO deal_point_status_events (deal_point_id, status, effective_on, operation_id)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::date[], $4::bigint[])`;

/** A new version of these points (a change of their history). */
export const bumpVersions = 'UPDATE deal_points SET version = version + 1, updated_at = now() WHERE id = ANY($1::bigint[])';

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

/** Each point's status history by id, in the importer's text form. */
export const historiesById = `
SELECT d.id,
       (SELECT string_agg(e.status || ':' || e.effective_on || coalesce(':' || e.operation_id, ''), '|' ORDER BY e.effective_on)
          FROM deal_point_status_events e WHERE e.deal_point_id = d.id) AS history
FROM deal_points d WHERE d.id = ANY($1::bigint[])`;

/**
 * The keys naming a point merged from several sources (the point's own key when it holds several
 * identifiers, or another source's), with the point and its department.
 */
export const mergedPointsByKey = `
SELECT k.source_code, k.external_id, i.deal_point_id, c.department_code
FROM unnest($1::text[], $2::text[]) AS k(source_code, external_id)
JOIN deal_point_identifiers i ON i.source_code = k.source_code AND i.external_id = k.external_id
JOIN deal_points d ON d.id = i.deal_point_id JOIN communes c ON c.insee = d.commune_insee
WHERE (d.source_code, d.external_id) IS DISTINCT FROM (k.source_code, k.external_id)
   OR (SELECT count(*) FROM deal_point_identifiers j WHERE j.deal_point_id = d.id) > 1`;

/** Adds to a merged point ($1) the status events it does not have yet (a date it has is kept). */
export const addStatusEventsToMerged = `
INSERT INTO deal_point_status_events (deal_point_id, status, effective_on, operation_id)
SELECT $1::bigint, * FROM unnest($2::text[], $3::date[], $4::bigint[]) ON CONFLICT (deal_point_id, effective_on) DO NOTHING`;

/** Adds to a merged point ($1) the products it does not list yet (version + 1). */
export const addProductsToMerged = `
UPDATE deal_points SET products = ARRAY(SELECT DISTINCT unnest(products || $2::text[]) ORDER BY 1), version = version + 1, updated_at = now()
WHERE id = $1 AND NOT (products @> $2::text[])`;

/** The deal point keys among these that belong to a point outside these departments ($3). */
export const foreignDealPointKeys = `
SELECT d.source_code, d.external_id FROM deal_points d JOIN communes c ON c.insee = d.commune_insee
JOIN unnest($1::text[], $2::text[]) AS k(source_code, external_id) ON d.source_code = k.source_code AND d.external_id = k.external_id
WHERE NOT (c.department_code = ANY($3::text[]))`;

/** The operation keys among these that belong to an operation outside these departments ($3). */
export const foreignOperationKeys = `
SELECT o.source_code, o.external_id FROM operations o
JOIN unnest($1::text[], $2::text[]) AS k(source_code, external_id) ON o.source_code = k.source_code AND o.external_id = k.external_id
WHERE NOT (o.department_code = ANY($3::text[]))`;

/** The points known by these identifiers (any source's), with their department (observations). */
export const pointsByIdentifier = `
SELECT i.source_code, i.external_id, d.id, c.department_code FROM deal_point_identifiers i
JOIN deal_points d ON d.id = i.deal_point_id JOIN communes c ON c.insee = d.commune_insee
JOIN unnest($1::text[], $2::text[]) AS k(source_code, external_id) ON i.source_code = k.source_code AND i.external_id = k.external_id`;

/** Inserts or updates observations (point, date, source), only where a value differs. */
export const upsertObservations = `
INSERT INTO deal_point_observations AS o (deal_point_id, observed_on, activity_level, estimated_daily_transactions, source_code)
SELECT * FROM unnest($1::bigint[], $2::date[], $3::smallint[], $4::int[], $5::text[])
ON CONFLICT (deal_point_id, observed_on, source_code) DO UPDATE
  SET activity_level = EXCLUDED.activity_level, estimated_daily_transactions = EXCLUDED.estimated_daily_transactions,
      version = o.version + 1, updated_at = now()
  WHERE (o.activity_level, o.estimated_daily_transactions) IS DISTINCT FROM (EXCLUDED.activity_level, EXCLUDED.estimated_daily_transactions)
RETURNING (o.xmax = 0) AS inserted`;

/** The targets (GeoJSON, 1-based position) that are not valid geometries, with PostGIS's reason. */
export const invalidTargets = `
SELECT i, ST_IsValidReason(g) AS reason
FROM (SELECT i, ST_SetSRID(ST_GeomFromGeoJSON(geojson), 4326) AS g FROM unnest($1::text[]) WITH ORDINALITY AS t(geojson, i)) s
WHERE NOT ST_IsValid(g)`;

/** Inserts or updates operations by key, only where a field differs. */
export const upsertOperations = `
INSERT INTO operations AS o (name, kind, started_on, ended_on, target, arrests, officers_mobilised, cannabis_seized_kg,
                             cocaine_seized_kg, cash_seized_eur, weapons_seized, source_code, external_id, dataset)
SELECT name, kind, started_on, ended_on, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(target), 4326)), arrests, officers_mobilised,
       cannabis_seized_kg, cocaine_seized_kg, cash_seized_eur, weapons_seized, source_code, external_id, dataset
FROM unnest($1::text[], $2::text[], $3::date[], $4::date[], $5::text[], $6::int[], $7::int[], $8::numeric[], $9::numeric[],
            $10::numeric[], $11::int[], $12::text[], $13::text[], $14::text[])
  AS t(name, kind, started_on, ended_on, target, arrests, officers_mobilised, cannabis_seized_kg, cocaine_seized_kg,
       cash_seized_eur, weapons_seized, source_code, external_id, dataset)
ON CONFLICT (source_code, external_id) DO UPDATE
  SET name = EXCLUDED.name, kind = EXCLUDED.kind, started_on = EXCLUDED.started_on, ended_on = EXCLUDED.ended_on,
      target = EXCLUDED.target, arrests = EXCLUDED.arrests, officers_mobilised = EXCLUDED.officers_mobilised,
      cannabis_seized_kg = EXCLUDED.cannabis_seized_kg, cocaine_seized_kg = EXCLUDED.cocaine_seized_kg,
      cash_seized_eur = EXCLUDED.cash_seized_eur, weapons_seized = EXCLUDED.weapons_seized, dataset = EXCLUDED.dataset,
      version = o.version + 1, updated_at = now()
  WHERE (o.name, o.kind, o.started_on, o.ended_on, ST_AsBinary(o.target), o.arrests, o.officers_mobilised, o.cannabis_seized_kg,
         o.cocaine_seized_kg, o.cash_seized_eur, o.weapons_seized, o.dataset)
        IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.kind, EXCLUDED.started_on, EXCLUDED.ended_on, ST_AsBinary(EXCLUDED.target),
         EXCLUDED.arrests, EXCLUDED.officers_mobilised, EXCLUDED.cannabis_seized_kg, EXCLUDED.cocaine_seized_kg,
         EXCLUDED.cash_seized_eur, EXCLUDED.weapons_seized, EXCLUDED.dataset)
RETURNING (o.xmax = 0) AS inserted`;

/** The department the database derived for each of these operations (from its target). */
export const operationDepartments = `
SELECT o.external_id, o.source_code, o.department_code FROM operations o
JOIN unnest($1::text[], $2::text[]) AS k(source_code, external_id) ON o.source_code = k.source_code AND o.external_id = k.external_id`;

/** Fresh planner statistics after a large import (PGlite has no autovacuum to do it). */
export const analyzeImported = 'ANALYZE deal_points, deal_point_status_events, deal_point_observations, operations';

/** The longest an import's answer waits for its pair search (then the pairs are left to /doublons). */
export const boundedPairSearch = "SET LOCAL statement_timeout = '30s'";
