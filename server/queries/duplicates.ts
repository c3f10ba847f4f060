/** SQL of duplicates across sources: proposals, merges and their undoing. */

/**
 * Duplicate proposals: $1 distance (m), $2 departments (NULL: all), $3 minimum lifetime overlap,
 * $4 as-of date, $5 only pairs with one of these ids (NULL: all), $6 how many.
 * Pairs first (the GiST index through `&&` before the geography test), then lifetimes and sources
 * for the pairs only. Lifetime: first status event to the dismantling that ends the history, or
 * the as-of date while the point is active; a point without history overlaps everything.
 */
export const proposals = `
WITH pairs AS (
  SELECT a.id AS a_id, b.id AS b_id, ST_Distance(a.geom::geography, b.geom::geography) AS distance_m
  FROM deal_points a
  JOIN communes ca ON ca.insee = a.commune_insee
  -- Two points of one source are never proposed (their sources overlap, see scored): not paired at all.
  JOIN deal_points b ON b.id <> a.id AND b.source_code <> a.source_code
    AND near(b.geom, a.geom, $1::float8)
  JOIN communes cb ON cb.insee = b.commune_insee
  WHERE ($2::text[] IS NULL OR (ca.department_code = ANY($2::text[]) AND cb.department_code = ANY($2::text[])))
    AND (($5::bigint[] IS NULL AND a.id < b.id) OR ($5::bigint[] IS NOT NULL AND a.id = ANY($5::bigint[]) AND (a.id < b.id OR NOT b.id = ANY($5::bigint[]))))
    AND (a.products && b.products OR cardinality(a.products) = 0 OR cardinality(b.products) = 0)
    AND NOT EXISTS (SELECT 1 FROM deal_point_distinct_pairs x WHERE x.low_id = least(a.id, b.id) AND x.high_id = greatest(a.id, b.id))
),
involved AS (SELECT a_id AS id FROM pairs UNION SELECT b_id FROM pairs),
points AS (
  SELECT d.id, d.source_code, d.external_id, d.products, d.verification, ST_X(d.geom) AS longitude, ST_Y(d.geom) AS latitude,
         d.commune_insee, c.name AS commune_name, c.department_code,
         (SELECT array_agg(DISTINCT s ORDER BY s) FROM (SELECT i.source_code AS s FROM deal_point_identifiers i WHERE i.deal_point_id = d.id UNION SELECT d.source_code) u) AS sources,
         (SELECT min(e.effective_on) FROM deal_point_status_events e WHERE e.deal_point_id = d.id) AS first_on,
         (SELECT e.status FROM deal_point_status_events e WHERE e.deal_point_id = d.id ORDER BY e.effective_on DESC LIMIT 1) AS status,
         (SELECT max(e.effective_on) FROM deal_point_status_events e WHERE e.deal_point_id = d.id) AS last_on
  FROM deal_points d JOIN involved USING (id) JOIN communes c ON c.insee = d.commune_insee
),
lifetimes AS (
  SELECT p.*, CASE WHEN p.status = 'dismantled' THEN p.last_on ELSE greatest($4::date, p.last_on) END AS end_on FROM points p
),
scored AS (
  SELECT pr.a_id, pr.b_id, pr.distance_m,
         CASE WHEN a.first_on IS NULL OR b.first_on IS NULL THEN 1.0
              ELSE greatest(0, least(a.end_on, b.end_on) - greatest(a.first_on, b.first_on))::float8
                   / greatest(1, greatest(a.end_on, b.end_on) - least(a.first_on, b.first_on)) END AS lifetime_overlap,
         ARRAY(SELECT unnest(a.products) INTERSECT SELECT unnest(b.products) ORDER BY 1) AS shared_products,
         to_jsonb(a) AS a, to_jsonb(b) AS b
  FROM pairs pr JOIN lifetimes a ON a.id = pr.a_id JOIN lifetimes b ON b.id = pr.b_id
  WHERE NOT (a.sources && b.sources)
)
SELECT * FROM scored WHERE lifetime_overlap >= $3::float8
ORDER BY lifetime_overlap DESC, distance_m, a_id, b_id
LIMIT $6`;

/** The department of deal point $1. */
export const pointDepartment = `SELECT c.department_code FROM deal_points d JOIN communes c ON c.insee = d.commune_insee WHERE d.id = $1`;

/** The department of deal point $1, its row locked until the transaction ends. */
export const pointDepartmentLocked = `SELECT c.department_code FROM deal_points d JOIN communes c ON c.insee = d.commune_insee WHERE d.id = $1 FOR UPDATE OF d`;

/** Deal point $1 as the review screen shows it. */
export const pointRow = `
SELECT d.id, d.source_code AS source, d.external_id, d.products, d.verification, d.version, ST_X(d.geom) AS longitude, ST_Y(d.geom) AS latitude,
       d.commune_insee, c.name AS commune_name, c.department_code, d.created_at
FROM deal_points d JOIN communes c ON c.insee = d.commune_insee WHERE d.id = $1`;

/** Every source identifier of deal point $1. */
export const pointIdentifiers = 'SELECT source_code AS source, external_id FROM deal_point_identifiers WHERE deal_point_id = $1 ORDER BY source_code, external_id';

/** The status history of deal point $1, with the operation that set each status. */
export const pointHistory = `
SELECT e.status, to_char(e.effective_on, 'YYYY-MM-DD') AS effective_on, o.name AS operation FROM deal_point_status_events e
LEFT JOIN operations o ON o.id = e.operation_id WHERE e.deal_point_id = $1 ORDER BY e.effective_on`;

/** The observations of deal point $1. */
export const pointObservations = `
SELECT to_char(observed_on, 'YYYY-MM-DD') AS observed_on, source_code AS source, activity_level, estimated_daily_transactions
FROM deal_point_observations WHERE deal_point_id = $1 ORDER BY observed_on, source_code`;

/** Distance in metres between deal points $1 and $2. */
export const pairDistance = 'SELECT ST_Distance(a.geom::geography, b.geom::geography) AS distance_m FROM deal_points a, deal_points b WHERE a.id = $1 AND b.id = $2';

/** Deal points $1 and $2 judged distinct by user $3 (never proposed again). */
export const insertDistinctPair = `
INSERT INTO deal_point_distinct_pairs (low_id, high_id, decided_by) VALUES (least($1::bigint, $2::bigint), greatest($1::bigint, $2::bigint), $3)
ON CONFLICT DO NOTHING`;

/** Deal point $1 whole, with its events, observations and linked reports (kept in the merge record for undo). */
export const absorbedRow = `
SELECT jsonb_build_object(
  'id', d.id, 'longitude', ST_X(d.geom), 'latitude', ST_Y(d.geom), 'commune_insee', d.commune_insee,
  'h3_r7', d.h3_r7, 'h3_r8', d.h3_r8, 'h3_r9', d.h3_r9, 'products', d.products, 'source_code', d.source_code,
  'external_id', d.external_id, 'network_id', d.network_id, 'dataset', d.dataset, 'version', d.version,
  'created_at', d.created_at, 'updated_at', d.updated_at, 'verification', d.verification, 'record_key', d.record_key,
  'events', (SELECT coalesce(jsonb_agg(to_jsonb(e) ORDER BY e.id), '[]') FROM deal_point_status_events e WHERE e.deal_point_id = d.id),
  'observations', (SELECT coalesce(jsonb_agg(to_jsonb(o) ORDER BY o.id), '[]') FROM deal_point_observations o WHERE o.deal_point_id = d.id),
  'report_ids', (SELECT coalesce(jsonb_agg(r.id ORDER BY r.id), '[]') FROM public_reports r WHERE r.deal_point_id = d.id)
) AS row FROM deal_points d WHERE d.id = $1`;

/** What a merge changes on the point kept ($1), kept for undo. */
export const keptBefore = `
SELECT jsonb_build_object('products', products, 'verification', verification, 'network_id', network_id, 'version', version) AS row
FROM deal_points WHERE id = $1`;

/** Moves the status events of point $2 to point $1, except on days $1 already has one. */
export const moveEvents = `
UPDATE deal_point_status_events e SET deal_point_id = $1 WHERE e.deal_point_id = $2
  AND NOT EXISTS (SELECT 1 FROM deal_point_status_events k WHERE k.deal_point_id = $1 AND k.effective_on = e.effective_on)
RETURNING e.id`;

/** Moves the observations of point $2 to point $1, except same source and day as one of $1's. */
export const moveObservations = `
UPDATE deal_point_observations o SET deal_point_id = $1 WHERE o.deal_point_id = $2
  AND NOT EXISTS (SELECT 1 FROM deal_point_observations k WHERE k.deal_point_id = $1 AND k.observed_on = o.observed_on AND k.source_code = o.source_code)
RETURNING o.id`;

/** Moves the identifiers of point $2 to point $1. */
export const moveIdentifiers = 'UPDATE deal_point_identifiers SET deal_point_id = $1 WHERE deal_point_id = $2 RETURNING source_code, external_id';

/** Links the public reports of point $2 to point $1. */
export const moveReports = 'UPDATE public_reports SET deal_point_id = $1 WHERE deal_point_id = $2';

/** Point $1 takes point $2's products, confirmation and network. */
export const uniteKept = `
UPDATE deal_points k SET
  products = ARRAY(SELECT DISTINCT unnest(k.products || a.products) ORDER BY 1),
  verification = CASE WHEN 'confirmed' IN (k.verification, a.verification) THEN 'confirmed' ELSE k.verification END,
  network_id = coalesce(k.network_id, a.network_id), version = k.version + 1, updated_at = now()
FROM deal_points a WHERE k.id = $1 AND a.id = $2`;

/** Deletes deal point $1. */
export const deletePoint = 'DELETE FROM deal_points WHERE id = $1';

/** The merge record. */
export const insertMerge = `
INSERT INTO deal_point_merges (kept_id, absorbed_id, department_code, absorbed, kept_before, moved_event_ids, moved_observation_ids, moved_identifiers, distance_m, merged_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id, merged_at`;

/** Merge $1, locked. */
export const mergeLocked = 'SELECT * FROM deal_point_merges WHERE id = $1 FOR UPDATE';

/** Merges into the same point ($1) after merge $2, still in force. */
export const laterMerges = 'SELECT id FROM deal_point_merges WHERE kept_id = $1 AND id > $2 AND undone_at IS NULL';

/** Removes identifiers ($1 sources, $2 ids) from point $3. */
export const removeIdentifiers = `
DELETE FROM deal_point_identifiers i USING unnest($1::text[], $2::text[]) AS k(source_code, external_id)
WHERE i.source_code = k.source_code AND i.external_id = k.external_id AND i.deal_point_id = $3`;

/** The absorbed point back with its id and key. */
export const restorePoint = `
INSERT INTO deal_points (id, geom, commune_insee, h3_r7, h3_r8, h3_r9, products, source_code, external_id, network_id, dataset, version,
                         created_at, updated_at, verification, record_key)
OVERRIDING SYSTEM VALUE
SELECT $1, ST_SetSRID(ST_MakePoint($2, $3), 4326), $4, $5, $6, $7, $8::text[], $9, $10, $11, $12, $13 + 1, $14, now(), $15, $16`;

/** Identifiers ($1 sources, $2 ids) back to point $3. */
export const restoreIdentifiers = `
INSERT INTO deal_point_identifiers (source_code, external_id, deal_point_id)
SELECT * FROM unnest($1::text[], $2::text[]) AS k(source_code, external_id), (SELECT $3::bigint) p ON CONFLICT DO NOTHING`;

/** Status events $2 back to point $1. */
export const eventsBack = 'UPDATE deal_point_status_events SET deal_point_id = $1 WHERE id = ANY($2::bigint[])';

/** Observations $2 back to point $1. */
export const observationsBack = 'UPDATE deal_point_observations SET deal_point_id = $1 WHERE id = ANY($2::bigint[])';

/** Status events (JSON $1) restored with their ids. */
export const restoreEvents = `
INSERT INTO deal_point_status_events (id, deal_point_id, status, effective_on, operation_id, recorded_at) OVERRIDING SYSTEM VALUE
SELECT e.id, e.deal_point_id, e.status, e.effective_on, e.operation_id, e.recorded_at
FROM jsonb_populate_recordset(NULL::deal_point_status_events, $1::jsonb) e`;

/** Observations (JSON $1) restored with their ids. */
export const restoreObservations = `
INSERT INTO deal_point_observations (id, deal_point_id, observed_on, activity_level, estimated_daily_transactions, source_code, version, created_at, updated_at)
OVERRIDING SYSTEM VALUE
SELECT o.id, o.deal_point_id, o.observed_on, o.activity_level, o.estimated_daily_transactions, o.source_code, o.version, o.created_at, o.updated_at
FROM jsonb_populate_recordset(NULL::deal_point_observations, $1::jsonb) o`;

/** Observations sent after the merge ($3) through the absorbed point's sources ($4) go from point $2 back to point $1. */
export const laterObservationsBack = `
UPDATE deal_point_observations SET deal_point_id = $1
WHERE deal_point_id = $2 AND created_at >= $3 AND source_code = ANY($4::text[])
  AND NOT source_code IN (SELECT source_code FROM deal_point_identifiers WHERE deal_point_id = $2 UNION SELECT source_code FROM deal_points WHERE id = $2)`;

/** Public reports $2 go from point $3 back to point $1. */
export const reportsBack = 'UPDATE public_reports SET deal_point_id = $1 WHERE id = ANY($2::bigint[]) AND deal_point_id = $3';

/** Point $1 gets back its products, confirmation and network from before the merge. */
export const restoreKept = 'UPDATE deal_points SET products = $2::text[], verification = $3, network_id = $4, version = version + 1, updated_at = now() WHERE id = $1';

/** Merge $1 undone by user $2. */
export const markUndone = 'UPDATE deal_point_merges SET undone_at = now(), undone_by = $2 WHERE id = $1';

/** Merges, newest first, in departments $1 (NULL: all), $2 at most; undoable when no later merge of the same point is in force. */
export const listMerges = `
SELECT m.id, m.kept_id, m.absorbed_id, m.department_code, m.distance_m, m.merged_at, u.username AS merged_by, m.undone_at,
       m.absorbed->>'source_code' AS absorbed_source, m.absorbed->>'external_id' AS absorbed_external_id,
       (m.undone_at IS NULL AND NOT EXISTS (SELECT 1 FROM deal_point_merges l WHERE l.kept_id = m.kept_id AND l.id > m.id AND l.undone_at IS NULL)) AS undoable
FROM deal_point_merges m JOIN users u ON u.id = m.merged_by
WHERE $1::text[] IS NULL OR m.department_code = ANY($1::text[])
ORDER BY m.id DESC LIMIT $2`;
