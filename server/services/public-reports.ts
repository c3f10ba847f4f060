/** Public reports (measure 16) and their moderation by the department's CROSS. */
import type pg from 'pg';
import { newReceipt } from '../domain/form-tokens.js';
import { NotFoundError, UnprocessableError, DomainError } from '../errors.js';
import { h3CellsAt } from '../domain/h3-cells.js';
import { withTransaction } from './transactions.js';

export const linkDistanceMeters = 75;

export interface NewReport {
  longitude: number; latitude: number; precision: 'pin' | 'commune'; seen: string[]; timesOfDay: string[]; description: string | null;
}

export async function createReport(db: pg.Pool, report: NewReport): Promise<{ receipt: string }> {
  const receipt = newReceipt();
  await db.query(
    `INSERT INTO public_reports (receipt, geom, location_precision, seen, times_of_day, description)
     VALUES ($1, ST_SetSRID(ST_MakePoint($2, $3), 4326), $4, $5::text[], $6::text[], $7)`,
    [receipt, report.longitude, report.latitude, report.precision, report.seen, report.timesOfDay, report.description],
  );
  return { receipt };
}

export async function communeCentre(db: pg.Pool, insee: string): Promise<[number, number]> {
  const { rows } = await db.query<{ longitude: number; latitude: number }>(`SELECT ST_X(centroid) AS longitude, ST_Y(centroid) AS latitude FROM communes WHERE insee = $1`, [insee]);
  if (!rows[0]) throw new UnprocessableError([{ field: 'body.commune', reason: `unknown commune ${insee}` }]);
  return [rows[0].longitude, rows[0].latitude];
}

const reportColumns = `r.id, r.receipt, ST_X(r.geom) AS longitude, ST_Y(r.geom) AS latitude, r.location_precision, r.commune_insee,
  c.name AS commune_name, r.department_code, r.seen, r.times_of_day, r.description, r.reported_on, r.cluster_id, r.status,
  r.deal_point_id, r.merged_into, r.rejection_reason, r.moderated_at`;

/** The queue, grouped by cluster (reports within 75 m of each other), with the nearest deal point within 75 m. */
export async function moderationQueue(db: pg.Pool, filter: { departments: string[] | null; department?: string; status: string; limit: number }) {
  // The nearest deal point is looked for among the moderator's departments only.
  const { rows } = await db.query(
    `SELECT ${reportColumns},
            (SELECT json_build_object('id', d.id, 'distance_m', round(ST_Distance(d.geom::geography, r.geom::geography)))
               FROM deal_points d JOIN communes dc ON dc.insee = d.commune_insee
               WHERE d.geom && ST_Expand(r.geom, 0.002) AND ST_DWithin(d.geom::geography, r.geom::geography, $5)
                 AND ($2::text[] IS NULL OR dc.department_code = ANY($2::text[]))
               ORDER BY ST_Distance(d.geom::geography, r.geom::geography) LIMIT 1) AS nearest_deal_point
     FROM public_reports r JOIN communes c ON c.insee = r.commune_insee
     WHERE r.status = $1 AND ($2::text[] IS NULL OR r.department_code = ANY($2::text[])) AND ($3::text IS NULL OR r.department_code = $3)
     ORDER BY r.cluster_id, r.id LIMIT $4`,
    [filter.status, filter.departments, filter.department ?? null, filter.limit, linkDistanceMeters],
  );
  type Cluster = { cluster_id: number; count: number; reports: Record<string, unknown>[] };
  const clusters = new Map<number, Cluster>();
  for (const row of rows) {
    const cluster: Cluster = clusters.get(row.cluster_id) ?? { cluster_id: row.cluster_id, count: 0, reports: [] };
    cluster.reports.push({ ...row, moderated_at: row.moderated_at?.toISOString() ?? null });
    cluster.count++;
    clusters.set(row.cluster_id, cluster);
  }
  return [...clusters.values()].sort((a, b) => b.count - a.count || a.cluster_id - b.cluster_id);
}

export async function getReport(db: pg.Pool | pg.PoolClient, id: number) {
  const { rows } = await db.query(`SELECT ${reportColumns} FROM public_reports r JOIN communes c ON c.insee = r.commune_insee WHERE r.id = $1`, [id]);
  if (!rows[0]) throw new NotFoundError('report', id);
  return { ...rows[0], moderated_at: rows[0].moderated_at?.toISOString() ?? null };
}

function assertPending(report: { status: string; id: number }) {
  if (report.status !== 'pending') throw new DomainError(409, 'already_moderated', `report ${report.id} is already ${report.status}`, [{ field: 'id', reason: `already ${report.status}` }]);
}

/**
 * Accepts a report: links it to the given deal point (which must lie within 75 m), or to the
 * nearest one within 75 m, or else creates a candidate deal point at the report's location, not
 * active until an analyst confirms it.
 */
export async function acceptReport(pool: pg.Pool, id: number, moderatorId: number, dealPointId: number | null, scope: string[] | null = null) {
  return withTransaction(pool, async (client) => {
    const { rows: [report] } = await client.query(`SELECT id, status, reported_on, location_precision, ST_X(geom) AS longitude, ST_Y(geom) AS latitude FROM public_reports WHERE id = $1 FOR UPDATE`, [id]);
    if (!report) throw new NotFoundError('report', id);
    assertPending(report);
    let linked: number | null = null;
    let created = false;
    if (dealPointId !== null) {
      // A point of another department is as unknown as a missing one, and no distance is told.
      const { rows } = await client.query(
        `SELECT d.id, ST_DWithin(d.geom::geography, r.geom::geography, $4) AS near FROM deal_points d JOIN communes c ON c.insee = d.commune_insee, public_reports r
         WHERE d.id = $1 AND r.id = $2 AND ($3::text[] IS NULL OR c.department_code = ANY($3::text[]))`, [dealPointId, id, scope, linkDistanceMeters],
      );
      if (!rows[0]) throw new UnprocessableError([{ field: 'body.deal_point_id', reason: `no deal point ${dealPointId}` }]);
      if (!rows[0].near) throw new UnprocessableError([{ field: 'body.deal_point_id', reason: `deal point ${dealPointId} is more than ${linkDistanceMeters} m from the report` }]);
      linked = dealPointId;
    } else {
      const { rows } = await client.query(
        `SELECT d.id FROM deal_points d JOIN communes c ON c.insee = d.commune_insee, public_reports r WHERE r.id = $1 AND d.geom && ST_Expand(r.geom, 0.002)
           AND ST_DWithin(d.geom::geography, r.geom::geography, $2) AND ($3::text[] IS NULL OR c.department_code = ANY($3::text[]))
         ORDER BY ST_Distance(d.geom::geography, r.geom::geography) LIMIT 1`, [id, linkDistanceMeters, scope],
      );
      linked = rows[0]?.id ?? null;
    }
    if (linked === null) {
      if (report.location_precision !== 'pin') {
        throw new UnprocessableError([{ field: 'body.deal_point_id', reason: 'the report only names a commune: link it to an existing deal point, or reject it' }]);
      }
      const cells = h3CellsAt(report.longitude, report.latitude);
      const { rows } = await client.query(
        `INSERT INTO deal_points (geom, h3_r7, h3_r8, h3_r9, source_code, verification)
         VALUES (ST_SetSRID(ST_MakePoint($1, $2), 4326), $3, $4, $5, 'signalement_public', 'candidate') RETURNING id`,
        [report.longitude, report.latitude, cells.h3_r7, cells.h3_r8, cells.h3_r9],
      );
      linked = rows[0].id;
      created = true;
      // No status yet: a candidate is not an active point (not on the map, not counted) until an
      // analyst confirms it (confirmCandidate dates it active from its first report).
    }
    await client.query(`UPDATE public_reports SET status = 'accepted', deal_point_id = $2, moderated_by = $3, moderated_at = now() WHERE id = $1`, [id, linked, moderatorId]);
    await recordDecision(client, { reportId: id, decision: 'accepted', dealPointId: linked, createdCandidate: created, moderatorId });
    return { ...(await getReport(client, id)), created_candidate: created };
  });
}

export async function mergeReport(pool: pg.Pool, id: number, into: number, moderatorId: number, scope: string[] | null = null) {
  if (id === into) throw new UnprocessableError([{ field: 'body.into', reason: 'a report cannot be merged into itself' }]);
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query(`SELECT id, status, department_code, geom FROM public_reports WHERE id = ANY($1::bigint[]) FOR UPDATE`, [[id, into]]);
    const report = rows.find((r) => Number(r.id) === id);
    const target = rows.find((r) => Number(r.id) === into);
    if (!report) throw new NotFoundError('report', id);
    if (!target || (scope && !scope.includes(target.department_code))) throw new UnprocessableError([{ field: 'body.into', reason: `no report ${into}` }]);
    assertPending(report);
    if (target.status === 'merged' || target.status === 'rejected') throw new UnprocessableError([{ field: 'body.into', reason: `report ${into} is ${target.status}` }]);
    if (target.department_code !== report.department_code) throw new UnprocessableError([{ field: 'body.into', reason: 'reports of different departments are not merged' }]);
    await client.query(`UPDATE public_reports SET status = 'merged', merged_into = $2, deal_point_id = (SELECT deal_point_id FROM public_reports WHERE id = $2), moderated_by = $3, moderated_at = now() WHERE id = $1`, [id, into, moderatorId]);
    await recordDecision(client, { reportId: id, decision: 'merged', mergedInto: into, moderatorId });
    return getReport(client, id);
  });
}

/** Reasons for rejecting a report, as the moderation screen lists them. */
export const rejectionReasons = {
  sans_activite: 'Lieu sans activité constatée', information_insuffisante: 'Information insuffisante', hors_sujet: 'Hors sujet (pas un point de deal)',
  lieu_imprecis: 'Lieu trop imprécis', deja_connu: 'Déjà connu et traité', abusif: 'Signalement abusif', autre: 'Autre motif',
} as const;
export type RejectionReason = keyof typeof rejectionReasons;

export async function rejectReport(pool: pg.Pool, id: number, reason: string | null, moderatorId: number, reasonCode: RejectionReason | null = null) {
  return withTransaction(pool, async (client) => {
    const { rows: [report] } = await client.query(`SELECT id, status FROM public_reports WHERE id = $1 FOR UPDATE`, [id]);
    if (!report) throw new NotFoundError('report', id);
    assertPending(report);
    const stored = [reasonCode ? rejectionReasons[reasonCode] : null, reason].filter(Boolean).join(' : ');
    await client.query(`UPDATE public_reports SET status = 'rejected', rejection_reason = $2, moderated_by = $3, moderated_at = now() WHERE id = $1`, [id, stored, moderatorId]);
    await recordDecision(client, { reportId: id, decision: 'rejected', reasonCode, reasonText: reason, moderatorId });
    return getReport(client, id);
  });
}

async function recordDecision(client: pg.PoolClient, d: {
  reportId: number; decision: 'accepted' | 'merged' | 'rejected' | 'undone'; moderatorId: number;
  reasonCode?: string | null; reasonText?: string | null; dealPointId?: number | null; mergedInto?: number | null; createdCandidate?: boolean;
}) {
  await client.query(
    `INSERT INTO public_report_decisions (report_id, decision, reason_code, reason_text, deal_point_id, merged_into, created_candidate, decided_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [d.reportId, d.decision, d.reasonCode ?? null, d.reasonText ?? null, d.dealPointId ?? null, d.mergedInto ?? null, d.createdCandidate ?? false, d.moderatorId]);
}

/**
 * Undoes the last decision on a report, on the day it was taken (server's calendar day): the
 * report is pending again; a candidate point that decision created goes away unless another
 * report or a merge now uses it; a report merged into this one must be undone first.
 */
export async function undoDecision(pool: pg.Pool, id: number, moderatorId: number) {
  return withTransaction(pool, async (client) => {
    const { rows: [report] } = await client.query(`SELECT id, status, moderated_at::date = current_date AS today FROM public_reports WHERE id = $1 FOR UPDATE`, [id]);
    if (!report) throw new NotFoundError('report', id);
    if (report.status === 'pending') throw new DomainError(409, 'not_moderated', `report ${id} is pending: there is nothing to undo`, [{ field: 'id', reason: 'pending' }]);
    if (!report.today) throw new DomainError(409, 'too_late', `the decision on report ${id} was taken on an earlier day: it can only be undone the same day`, [{ field: 'id', reason: 'decided on an earlier day' }]);
    const { rows: [last] } = await client.query(
      `SELECT * FROM public_report_decisions WHERE report_id = $1 AND decision <> 'undone' ORDER BY id DESC LIMIT 1`, [id]);
    const { rows: dependants } = await client.query(`SELECT id FROM public_reports WHERE merged_into = $1 AND status = 'merged'`, [id]);
    if (dependants.length) throw new DomainError(409, 'has_merged_reports', `reports ${dependants.map((r) => r.id).join(', ')} were merged into report ${id}: undo those first`, [{ field: 'id', reason: 'other reports were merged into it' }]);
    await client.query(
      `UPDATE public_reports SET status = 'pending', deal_point_id = NULL, merged_into = NULL, rejection_reason = NULL, moderated_by = NULL, moderated_at = NULL WHERE id = $1`, [id]);
    let removedCandidate: number | null = null;
    if (last?.created_candidate && last.deal_point_id) {
      const { rows } = await client.query(
        `DELETE FROM deal_points d WHERE d.id = $1 AND d.verification = 'candidate'
           AND NOT EXISTS (SELECT 1 FROM public_reports r WHERE r.deal_point_id = d.id)
           AND NOT EXISTS (SELECT 1 FROM deal_point_merges m WHERE m.kept_id = d.id AND m.undone_at IS NULL)
         RETURNING d.id`, [last.deal_point_id]);
      removedCandidate = rows[0] ? Number(rows[0].id) : null;
    }
    await recordDecision(client, { reportId: id, decision: 'undone', dealPointId: removedCandidate, moderatorId });
    return { ...(await getReport(client, id)), undone: report.status, removed_candidate: removedCandidate };
  });
}

export async function decisionHistory(db: pg.Pool, id: number) {
  const { rows } = await db.query(
    `SELECT d.decision, d.reason_code, d.reason_text, d.deal_point_id, d.merged_into, d.created_candidate, d.decided_at, u.username AS decided_by
     FROM public_report_decisions d JOIN users u ON u.id = d.decided_by WHERE d.report_id = $1 ORDER BY d.id`, [id]);
  return rows.map((r) => ({ ...r, deal_point_id: r.deal_point_id === null ? null : Number(r.deal_point_id), merged_into: r.merged_into === null ? null : Number(r.merged_into), decided_at: r.decided_at.toISOString() }));
}

/** What the reporter may know of their receipt: received or examined, nothing else. */
export async function receiptStatus(db: pg.Pool, receipt: string): Promise<{ receipt: string; status: 'received' | 'examined' }> {
  const { rows } = await db.query(`SELECT status FROM public_reports WHERE receipt = $1`, [receipt]);
  if (!rows[0]) throw new NotFoundError('receipt', receipt);
  return { receipt, status: rows[0].status === 'pending' ? 'received' : 'examined' };
}

/**
 * Around a report, for its small map: the deal points within 300 m (the moderator's departments
 * only) and the other reports of its department within 300 m, with its cluster.
 */
export async function reportSurroundings(db: pg.Pool, id: number, scope: string[] | null) {
  const report = await getReport(db, id);
  const { rows: points } = await db.query(
    `SELECT d.id, ST_X(d.geom) AS longitude, ST_Y(d.geom) AS latitude, d.verification, round(ST_Distance(d.geom::geography, r.geom::geography)) AS distance_m
     FROM public_reports r, deal_points d JOIN communes c ON c.insee = d.commune_insee
     WHERE r.id = $1 AND d.geom && ST_Expand(r.geom, 0.005) AND ST_DWithin(d.geom::geography, r.geom::geography, 300)
       AND ($2::text[] IS NULL OR c.department_code = ANY($2::text[]))
     ORDER BY distance_m LIMIT 50`, [id, scope]);
  const { rows: reports } = await db.query(
    `SELECT o.id, o.receipt, o.status, o.cluster_id, ST_X(o.geom) AS longitude, ST_Y(o.geom) AS latitude, round(ST_Distance(o.geom::geography, r.geom::geography)) AS distance_m
     FROM public_reports r JOIN public_reports o ON o.id <> r.id AND o.department_code = r.department_code
       AND o.geom && ST_Expand(r.geom, 0.005) AND ST_DWithin(o.geom::geography, r.geom::geography, 300)
     WHERE r.id = $1 ORDER BY distance_m LIMIT 50`, [id]);
  const num = (rows: Record<string, unknown>[]) => rows.map((r) => ({ ...r, id: Number(r.id), longitude: Number(r.longitude), latitude: Number(r.latitude), distance_m: Number(r.distance_m) }));
  return { report: { id: report.id, receipt: report.receipt, cluster_id: report.cluster_id, longitude: Number(report.longitude), latitude: Number(report.latitude) }, deal_points: num(points), reports: num(reports) };
}

/** Candidate points of the analyst's departments (from accepted reports), oldest first, with their reports. */
export async function listCandidates(db: pg.Pool, scope: string[] | null, limit = 200) {
  const { rows } = await db.query(
    `SELECT d.id, ST_X(d.geom) AS longitude, ST_Y(d.geom) AS latitude, d.commune_insee, c.name AS commune_name, c.department_code, d.created_at,
            coalesce((SELECT json_agg(json_build_object('id', r.id, 'receipt', r.receipt, 'status', r.status, 'reported_on', r.reported_on) ORDER BY r.reported_on, r.id)
                      FROM public_reports r WHERE r.deal_point_id = d.id), '[]'::json) AS reports,
            (SELECT json_build_object('id', o.id, 'distance_m', round(ST_Distance(o.geom::geography, d.geom::geography)))
               FROM deal_points o JOIN communes oc ON oc.insee = o.commune_insee
               WHERE o.id <> d.id AND o.verification = 'confirmed' AND o.geom && ST_Expand(d.geom, 0.005)
                 AND ST_DWithin(o.geom::geography, d.geom::geography, 300)
                 -- Only points the analyst may see: a distance to another department's point would locate it (trilateration).
                 AND ($1::text[] IS NULL OR oc.department_code = ANY($1::text[]))
               ORDER BY ST_Distance(o.geom::geography, d.geom::geography) LIMIT 1) AS nearest_point
     FROM deal_points d JOIN communes c ON c.insee = d.commune_insee
     WHERE d.verification = 'candidate' AND ($1::text[] IS NULL OR c.department_code = ANY($1::text[]))
     ORDER BY d.created_at, d.id LIMIT $2`, [scope, limit]);
  return rows.map((r) => ({ ...r, id: Number(r.id), longitude: Number(r.longitude), latitude: Number(r.latitude), created_at: (r.created_at as Date).toISOString() }));
}

/** A candidate of the analyst's departments, locked; one of another department is as unknown as a missing one. */
async function lockCandidate(client: pg.PoolClient, id: number, scope: string[] | null) {
  const { rows } = await client.query(
    `SELECT d.id FROM deal_points d JOIN communes c ON c.insee = d.commune_insee
     WHERE d.id = $1 AND d.verification = 'candidate' AND ($2::text[] IS NULL OR c.department_code = ANY($2::text[]))
     FOR UPDATE OF d`, [id, scope]);
  if (!rows[0]) throw new NotFoundError('candidate deal point', id);
}

/**
 * Confirms a candidate: it becomes an ordinary point, active from its first report's day (when it
 * has no status yet; candidates made before candidates were kept inactive already have one).
 */
export async function confirmCandidate(pool: pg.Pool, id: number, scope: string[] | null) {
  return withTransaction(pool, async (client) => {
    await lockCandidate(client, id, scope);
    await client.query(
      `INSERT INTO deal_point_status_events (deal_point_id, status, effective_on)
       SELECT $1, 'active', coalesce((SELECT min(r.reported_on) FROM public_reports r WHERE r.deal_point_id = $1), current_date)
       WHERE NOT EXISTS (SELECT 1 FROM deal_point_status_events e WHERE e.deal_point_id = $1)`, [id]);
    const { rows } = await client.query(
      `UPDATE deal_points SET verification = 'confirmed', version = version + 1, updated_at = now() WHERE id = $1
       RETURNING id, verification, version, (SELECT to_char(min(effective_on), 'YYYY-MM-DD') FROM deal_point_status_events WHERE deal_point_id = $1) AS active_from`, [id]);
    return { ...rows[0], id: Number(rows[0].id) };
  });
}

/**
 * Discards a candidate the analyst found no deal point at: the point goes away and the reports it
 * came from are rejected ("no activity found"), each with the decision in its history (and, like
 * any decision, undoable the same day: the report is then pending again).
 */
export async function discardCandidate(pool: pg.Pool, id: number, moderatorId: number, scope: string[] | null, reason: string | null) {
  return withTransaction(pool, async (client) => {
    await lockCandidate(client, id, scope);
    const { rows: merges } = await client.query(`SELECT id FROM deal_point_merges WHERE kept_id = $1 AND undone_at IS NULL`, [id]);
    if (merges.length) throw new DomainError(409, 'merged_candidate', `candidate ${id} absorbed another point (merge ${merges[0].id}): undo the merge first`, [{ field: 'id', reason: 'kept by a merge' }]);
    const { rows: linked } = await client.query(`SELECT id FROM public_reports WHERE deal_point_id = $1 AND status IN ('accepted', 'merged') ORDER BY id FOR UPDATE`, [id]);
    const text = ['Point candidat écarté', reason].filter(Boolean).join(' : ');
    for (const { id: reportId } of linked) {
      await client.query(
        `UPDATE public_reports SET status = 'rejected', deal_point_id = NULL, merged_into = NULL, rejection_reason = $2, moderated_by = $3, moderated_at = now() WHERE id = $1`,
        [reportId, `${rejectionReasons.sans_activite} : ${text}`, moderatorId]);
      await recordDecision(client, { reportId: Number(reportId), decision: 'rejected', reasonCode: 'sans_activite', reasonText: text, dealPointId: id, moderatorId });
    }
    await client.query(`DELETE FROM deal_points WHERE id = $1`, [id]);
    return { id, discarded: true, rejected_reports: linked.map((r) => Number(r.id)) };
  });
}
