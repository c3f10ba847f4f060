/** SQL of public reports (measure 16) and their moderation. */

/** A report as moderators read it (public_reports r joined to communes c). */
const reportColumns = `r.id, r.receipt, ST_X(r.geom) AS longitude, ST_Y(r.geom) AS latitude, r.location_precision, r.commune_insee,
  c.name AS commune_name, r.department_code, r.seen, r.times_of_day, r.description, r.reported_on, r.cluster_id, r.status,
  r.deal_point_id, r.merged_into, r.rejection_reason, r.moderated_at`;

/**
 * The moderation queue: status $1, departments $2 (NULL: all), one department $3 (NULL: any), $4 at
 * most, by cluster; with the nearest deal point within $5 m among departments $2.
 */
export const moderationQueue = `
SELECT ${reportColumns},
       (SELECT json_build_object('id', d.id, 'distance_m', round(ST_Distance(d.geom::geography, r.geom::geography)))
          FROM deal_points d JOIN communes dc ON dc.insee = d.commune_insee
          WHERE near(d.geom, r.geom, $5)
            AND ($2::text[] IS NULL OR dc.department_code = ANY($2::text[]))
          ORDER BY ST_Distance(d.geom::geography, r.geom::geography) LIMIT 1) AS nearest_deal_point
FROM public_reports r JOIN communes c ON c.insee = r.commune_insee
WHERE r.status = $1 AND ($2::text[] IS NULL OR r.department_code = ANY($2::text[])) AND ($3::text IS NULL OR r.department_code = $3)
ORDER BY r.cluster_id, r.id LIMIT $4`;

/** Report $1. */
export const reportById = `SELECT ${reportColumns} FROM public_reports r JOIN communes c ON c.insee = r.commune_insee WHERE r.id = $1`;

/** A public report: receipt $1, place ($2, $3), precision $4, what was seen $5, times of day $6, description $7. */
export const insertReport = `
INSERT INTO public_reports (receipt, geom, location_precision, seen, times_of_day, description)
VALUES ($1, ST_SetSRID(ST_MakePoint($2, $3), 4326), $4, $5::text[], $6::text[], $7)`;

/** The centroid of commune $1. */
export const communeCentre = `SELECT ST_X(centroid) AS longitude, ST_Y(centroid) AS latitude FROM communes WHERE insee = $1`;

/** Report $1 for a decision, locked. */
export const reportLocked = `SELECT id, status, reported_on, location_precision, ST_X(geom) AS longitude, ST_Y(geom) AS latitude FROM public_reports WHERE id = $1 FOR UPDATE`;

/** Deal point $1 of departments $3 (NULL: any), and whether it lies within $4 m of report $2. */
export const dealPointNearReport = `
SELECT d.id, near(d.geom, r.geom, $4) AS near FROM deal_points d JOIN communes c ON c.insee = d.commune_insee, public_reports r
WHERE d.id = $1 AND r.id = $2 AND ($3::text[] IS NULL OR c.department_code = ANY($3::text[]))`;

/** The nearest deal point of departments $3 (NULL: any) within $2 m of report $1. */
export const nearestDealPointToReport = `
SELECT d.id FROM deal_points d JOIN communes c ON c.insee = d.commune_insee, public_reports r WHERE r.id = $1 AND near(d.geom, r.geom, $2) AND ($3::text[] IS NULL OR c.department_code = ANY($3::text[]))
ORDER BY ST_Distance(d.geom::geography, r.geom::geography) LIMIT 1`;

/** A candidate deal point at ($1, $2) with its H3 cells $3-$5, from a public report. */
export const insertCandidate = `
INSERT INTO deal_points (geom, h3_r7, h3_r8, h3_r9, source_code, verification)
VALUES (ST_SetSRID(ST_MakePoint($1, $2), 4326), $3, $4, $5, 'signalement_public', 'candidate') RETURNING id`;

/** Report $1 accepted, linked to deal point $2 by moderator $3. */
export const markAccepted = `UPDATE public_reports SET status = 'accepted', deal_point_id = $2, moderated_by = $3, moderated_at = now() WHERE id = $1`;

/** Reports $1 (ids), locked. */
export const reportsLocked = `SELECT id, status, department_code, geom FROM public_reports WHERE id = ANY($1::bigint[]) FOR UPDATE`;

/** Report $1 merged into report $2 (and its deal point) by moderator $3. */
export const markMerged = `UPDATE public_reports SET status = 'merged', merged_into = $2, deal_point_id = (SELECT deal_point_id FROM public_reports WHERE id = $2), moderated_by = $3, moderated_at = now() WHERE id = $1`;

/** The status of report $1, locked. */
export const reportStatusLocked = `SELECT id, status FROM public_reports WHERE id = $1 FOR UPDATE`;

/** Report $1 rejected for reason $2 by moderator $3. */
export const markRejected = `UPDATE public_reports SET status = 'rejected', rejection_reason = $2, moderated_by = $3, moderated_at = now() WHERE id = $1`;

/** A decision in a report's history. */
export const insertDecision = `
INSERT INTO public_report_decisions (report_id, decision, reason_code, reason_text, deal_point_id, merged_into, created_candidate, decided_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;

/** Report $1, locked, and whether it was decided today. */
export const reportForUndo = `SELECT id, status, moderated_at::date = current_date AS today FROM public_reports WHERE id = $1 FOR UPDATE`;

/** The last decision on report $1 that was not an undo. */
export const lastDecision = `SELECT * FROM public_report_decisions WHERE report_id = $1 AND decision <> 'undone' ORDER BY id DESC LIMIT 1`;

/** Reports merged into report $1. */
export const mergedInto = `SELECT id FROM public_reports WHERE merged_into = $1 AND status = 'merged'`;

/** Report $1 pending again, its decision cleared. */
export const markPending = `UPDATE public_reports SET status = 'pending', deal_point_id = NULL, merged_into = NULL, rejection_reason = NULL, moderated_by = NULL, moderated_at = NULL WHERE id = $1`;

/** Deletes candidate $1 unless a report or a merge in force uses it. */
export const deleteUnusedCandidate = `
DELETE FROM deal_points d WHERE d.id = $1 AND d.verification = 'candidate'
  AND NOT EXISTS (SELECT 1 FROM public_reports r WHERE r.deal_point_id = d.id)
  AND NOT EXISTS (SELECT 1 FROM deal_point_merges m WHERE m.kept_id = d.id AND m.undone_at IS NULL)
RETURNING d.id`;

/** The decisions on report $1, oldest first, with who took them. */
export const decisionHistory = `
SELECT d.decision, d.reason_code, d.reason_text, d.deal_point_id, d.merged_into, d.created_candidate, d.decided_at, u.username AS decided_by
FROM public_report_decisions d JOIN users u ON u.id = d.decided_by WHERE d.report_id = $1 ORDER BY d.id`;

/** The status of the report with receipt $1. */
export const receiptStatus = `SELECT status FROM public_reports WHERE receipt = $1`;

/** Deal points of departments $2 (NULL: any) within 300 m of report $1. */
export const pointsAroundReport = `
SELECT d.id, ST_X(d.geom) AS longitude, ST_Y(d.geom) AS latitude, d.verification, round(ST_Distance(d.geom::geography, r.geom::geography)) AS distance_m
FROM public_reports r, deal_points d JOIN communes c ON c.insee = d.commune_insee
WHERE r.id = $1 AND near(d.geom, r.geom, 300)
  AND ($2::text[] IS NULL OR c.department_code = ANY($2::text[]))
ORDER BY distance_m LIMIT 50`;

/** Other reports of report $1's department within 300 m. */
export const reportsAroundReport = `
SELECT o.id, o.receipt, o.status, o.cluster_id, ST_X(o.geom) AS longitude, ST_Y(o.geom) AS latitude, round(ST_Distance(o.geom::geography, r.geom::geography)) AS distance_m
FROM public_reports r JOIN public_reports o ON o.id <> r.id AND o.department_code = r.department_code
  AND near(o.geom, r.geom, 300)
WHERE r.id = $1 ORDER BY distance_m LIMIT 50`;

/** Candidate points of departments $1 (NULL: all), oldest first, $2 at most, with their reports and the nearest confirmed point of the same departments. */
export const listCandidates = `
SELECT d.id, ST_X(d.geom) AS longitude, ST_Y(d.geom) AS latitude, d.commune_insee, c.name AS commune_name, c.department_code, d.created_at,
       coalesce((SELECT json_agg(json_build_object('id', r.id, 'receipt', r.receipt, 'status', r.status, 'reported_on', r.reported_on) ORDER BY r.reported_on, r.id)
                 FROM public_reports r WHERE r.deal_point_id = d.id), '[]'::json) AS reports,
       (SELECT json_build_object('id', o.id, 'distance_m', round(ST_Distance(o.geom::geography, d.geom::geography)))
          FROM deal_points o JOIN communes oc ON oc.insee = o.commune_insee
          WHERE o.id <> d.id AND o.verification = 'confirmed' AND near(o.geom, d.geom, 300)
            -- Only points the analyst may see: a distance to another department's point would locate it (trilateration).
            AND ($1::text[] IS NULL OR oc.department_code = ANY($1::text[]))
          ORDER BY ST_Distance(o.geom::geography, d.geom::geography) LIMIT 1) AS nearest_point
FROM deal_points d JOIN communes c ON c.insee = d.commune_insee
WHERE d.verification = 'candidate' AND ($1::text[] IS NULL OR c.department_code = ANY($1::text[]))
ORDER BY d.created_at, d.id LIMIT $2`;

/** Candidate $1 of departments $2 (NULL: any), locked. */
export const candidateLocked = `
SELECT d.id FROM deal_points d JOIN communes c ON c.insee = d.commune_insee
WHERE d.id = $1 AND d.verification = 'candidate' AND ($2::text[] IS NULL OR c.department_code = ANY($2::text[]))
FOR UPDATE OF d`;

/** Candidate $1 becomes active from its first report's day, when it has no status yet. */
export const activateCandidate = `
INSERT INTO deal_point_status_events (deal_point_id, status, effective_on)
SELECT $1, 'active', coalesce((SELECT min(r.reported_on) FROM public_reports r WHERE r.deal_point_id = $1), current_date)
WHERE NOT EXISTS (SELECT 1 FROM deal_point_status_events e WHERE e.deal_point_id = $1)`;

/** Candidate $1 confirmed; the day it is active from. */
export const confirmCandidate = `
UPDATE deal_points SET verification = 'confirmed', version = version + 1, updated_at = now() WHERE id = $1
RETURNING id, verification, version, (SELECT to_char(min(effective_on), 'YYYY-MM-DD') FROM deal_point_status_events WHERE deal_point_id = $1) AS active_from`;

/** Merges in force that kept point $1. */
export const mergesKeeping = `SELECT id FROM deal_point_merges WHERE kept_id = $1 AND undone_at IS NULL`;

/** Accepted or merged reports linked to point $1, locked. */
export const reportsOfPointLocked = `SELECT id FROM public_reports WHERE deal_point_id = $1 AND status IN ('accepted', 'merged') ORDER BY id FOR UPDATE`;

/** Report $1 rejected with reason $2 by moderator $3, unlinked from its point. */
export const rejectLinked = `UPDATE public_reports SET status = 'rejected', deal_point_id = NULL, merged_into = NULL, rejection_reason = $2, moderated_by = $3, moderated_at = now() WHERE id = $1`;

/** Deletes deal point $1. */
export const deletePoint = `DELETE FROM deal_points WHERE id = $1`;
