/** Public reports (measure 16) and their moderation by the department's CROSS. */
import type pg from 'pg';
import { newReceipt } from '../domain/form-tokens.js';
import { NotFoundError, UnprocessableError, DomainError } from '../errors.js';
import { h3CellsAt } from '../domain/h3-cells.js';
import { withTransaction } from '../database/transactions.js';
import { rejectionReasons } from '../domain/vocabulary.js';
import * as sql from '../queries/public-reports.js';

export const linkDistanceMeters = 75;

export interface NewReport {
  longitude: number; latitude: number; precision: 'pin' | 'commune'; seen: string[]; timesOfDay: string[]; description: string | null;
}

export async function createReport(db: pg.Pool, report: NewReport): Promise<{ receipt: string }> {
  const receipt = newReceipt();
  await db.query(
    sql.insertReport,
    [receipt, report.longitude, report.latitude, report.precision, report.seen, report.timesOfDay, report.description],
  );
  return { receipt };
}

export async function communeCentre(db: pg.Pool, insee: string): Promise<[number, number]> {
  const { rows } = await db.query<{ longitude: number; latitude: number }>(sql.communeCentre, [insee]);
  if (!rows[0]) throw new UnprocessableError([{ field: 'body.commune', reason: `unknown commune ${insee}` }]);
  return [rows[0].longitude, rows[0].latitude];
}

/** The queue, grouped by cluster (reports within 75 m of each other), with the nearest deal point within 75 m. */
export async function moderationQueue(db: pg.Pool, filter: { departments: string[] | null; department?: string; status: string; limit: number }) {
  // The nearest deal point is looked for among the moderator's departments only.
  const { rows } = await db.query(
    sql.moderationQueue,
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
  const { rows } = await db.query(sql.reportById, [id]);
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
    const { rows: [report] } = await client.query(sql.reportLocked, [id]);
    if (!report) throw new NotFoundError('report', id);
    assertPending(report);
    let linked: number | null = null;
    let created = false;
    if (dealPointId !== null) {
      // A point of another department is as unknown as a missing one, and no distance is told.
      const { rows } = await client.query(
        sql.dealPointNearReport, [dealPointId, id, scope, linkDistanceMeters],
      );
      if (!rows[0]) throw new UnprocessableError([{ field: 'body.deal_point_id', reason: `no deal point ${dealPointId}` }]);
      if (!rows[0].near) throw new UnprocessableError([{ field: 'body.deal_point_id', reason: `deal point ${dealPointId} is more than ${linkDistanceMeters} m from the report` }]);
      linked = dealPointId;
    } else {
      const { rows } = await client.query(
        sql.nearestDealPointToReport, [id, linkDistanceMeters, scope],
      );
      linked = rows[0]?.id ?? null;
    }
    if (linked === null) {
      if (report.location_precision !== 'pin') {
        throw new UnprocessableError([{ field: 'body.deal_point_id', reason: 'the report only names a commune: link it to an existing deal point, or reject it' }]);
      }
      const cells = h3CellsAt(report.longitude, report.latitude);
      const { rows } = await client.query(
        sql.insertCandidate,
        [report.longitude, report.latitude, cells.h3_r7, cells.h3_r8, cells.h3_r9],
      );
      linked = rows[0].id;
      created = true;
      // No status yet: a candidate is not an active point (not on the map, not counted) until an
      // analyst confirms it (confirmCandidate dates it active from its first report).
    }
    await client.query(sql.markAccepted, [id, linked, moderatorId]);
    await recordDecision(client, { reportId: id, decision: 'accepted', dealPointId: linked, createdCandidate: created, moderatorId });
    return { ...(await getReport(client, id)), created_candidate: created };
  });
}

export async function mergeReport(pool: pg.Pool, id: number, into: number, moderatorId: number, scope: string[] | null = null) {
  if (id === into) throw new UnprocessableError([{ field: 'body.into', reason: 'a report cannot be merged into itself' }]);
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query(sql.reportsLocked, [[id, into]]);
    const report = rows.find((r) => Number(r.id) === id);
    const target = rows.find((r) => Number(r.id) === into);
    if (!report) throw new NotFoundError('report', id);
    if (!target || (scope && !scope.includes(target.department_code))) throw new UnprocessableError([{ field: 'body.into', reason: `no report ${into}` }]);
    assertPending(report);
    if (target.status === 'merged' || target.status === 'rejected') throw new UnprocessableError([{ field: 'body.into', reason: `report ${into} is ${target.status}` }]);
    if (target.department_code !== report.department_code) throw new UnprocessableError([{ field: 'body.into', reason: 'reports of different departments are not merged' }]);
    await client.query(sql.markMerged, [id, into, moderatorId]);
    await recordDecision(client, { reportId: id, decision: 'merged', mergedInto: into, moderatorId });
    return getReport(client, id);
  });
}

/** Reasons for rejecting a report, as the moderation screen lists them (server/domain/vocabulary.ts). */
export { rejectionReasons };
export type RejectionReason = keyof typeof rejectionReasons;

export async function rejectReport(pool: pg.Pool, id: number, reason: string | null, moderatorId: number, reasonCode: RejectionReason | null = null) {
  return withTransaction(pool, async (client) => {
    const { rows: [report] } = await client.query(sql.reportStatusLocked, [id]);
    if (!report) throw new NotFoundError('report', id);
    assertPending(report);
    const stored = [reasonCode ? rejectionReasons[reasonCode] : null, reason].filter(Boolean).join(' : ');
    await client.query(sql.markRejected, [id, stored, moderatorId]);
    await recordDecision(client, { reportId: id, decision: 'rejected', reasonCode, reasonText: reason, moderatorId });
    return getReport(client, id);
  });
}

async function recordDecision(client: pg.PoolClient, d: {
  reportId: number; decision: 'accepted' | 'merged' | 'rejected' | 'undone'; moderatorId: number;
  reasonCode?: string | null; reasonText?: string | null; dealPointId?: number | null; mergedInto?: number | null; createdCandidate?: boolean;
}) {
  await client.query(
    sql.insertDecision,
    [d.reportId, d.decision, d.reasonCode ?? null, d.reasonText ?? null, d.dealPointId ?? null, d.mergedInto ?? null, d.createdCandidate ?? false, d.moderatorId]);
}

/**
 * Undoes the last decision on a report, on the day it was taken (server's calendar day): the
 * report is pending again; a candidate point that decision created goes away unless another
 * report or a merge now uses it; a report merged into this one must be undone first.
 */
export async function undoDecision(pool: pg.Pool, id: number, moderatorId: number) {
  return withTransaction(pool, async (client) => {
    const { rows: [report] } = await client.query(sql.reportForUndo, [id]);
    if (!report) throw new NotFoundError('report', id);
    if (report.status === 'pending') throw new DomainError(409, 'not_moderated', `report ${id} is pending: there is nothing to undo`, [{ field: 'id', reason: 'pending' }]);
    if (!report.today) throw new DomainError(409, 'too_late', `the decision on report ${id} was taken on an earlier day: it can only be undone the same day`, [{ field: 'id', reason: 'decided on an earlier day' }]);
    const { rows: [last] } = await client.query(
      sql.lastDecision, [id]);
    const { rows: dependants } = await client.query(sql.mergedInto, [id]);
    if (dependants.length) throw new DomainError(409, 'has_merged_reports', `reports ${dependants.map((r) => r.id).join(', ')} were merged into report ${id}: undo those first`, [{ field: 'id', reason: 'other reports were merged into it' }]);
    await client.query(
      sql.markPending, [id]);
    let removedCandidate: number | null = null;
    if (last?.created_candidate && last.deal_point_id) {
      const { rows } = await client.query(
        sql.deleteUnusedCandidate, [last.deal_point_id]);
      removedCandidate = rows[0] ? Number(rows[0].id) : null;
    }
    await recordDecision(client, { reportId: id, decision: 'undone', dealPointId: removedCandidate, moderatorId });
    return { ...(await getReport(client, id)), undone: report.status, removed_candidate: removedCandidate };
  });
}

export async function decisionHistory(db: pg.Pool, id: number) {
  const { rows } = await db.query(
    sql.decisionHistory, [id]);
  return rows.map((r) => ({ ...r, deal_point_id: r.deal_point_id === null ? null : Number(r.deal_point_id), merged_into: r.merged_into === null ? null : Number(r.merged_into), decided_at: r.decided_at.toISOString() }));
}

/** What the reporter may know of their receipt: received or examined, nothing else. */
export async function receiptStatus(db: pg.Pool, receipt: string): Promise<{ receipt: string; status: 'received' | 'examined' }> {
  const { rows } = await db.query(sql.receiptStatus, [receipt]);
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
    sql.pointsAroundReport, [id, scope]);
  const { rows: reports } = await db.query(
    sql.reportsAroundReport, [id]);
  const num = (rows: Record<string, unknown>[]) => rows.map((r) => ({ ...r, id: Number(r.id), longitude: Number(r.longitude), latitude: Number(r.latitude), distance_m: Number(r.distance_m) }));
  return { report: { id: report.id, receipt: report.receipt, cluster_id: report.cluster_id, longitude: Number(report.longitude), latitude: Number(report.latitude) }, deal_points: num(points), reports: num(reports) };
}

/** Candidate points of the analyst's departments (from accepted reports), oldest first, with their reports. */
export async function listCandidates(db: pg.Pool, scope: string[] | null, limit = 200) {
  const { rows } = await db.query(
    sql.listCandidates, [scope, limit]);
  return rows.map((r) => ({ ...r, id: Number(r.id), longitude: Number(r.longitude), latitude: Number(r.latitude), created_at: (r.created_at as Date).toISOString() }));
}

/** A candidate of the analyst's departments, locked; one of another department is as unknown as a missing one. */
async function lockCandidate(client: pg.PoolClient, id: number, scope: string[] | null) {
  const { rows } = await client.query(
    sql.candidateLocked, [id, scope]);
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
      sql.activateCandidate, [id]);
    const { rows } = await client.query(
      sql.confirmCandidate, [id]);
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
    const { rows: merges } = await client.query(sql.mergesKeeping, [id]);
    if (merges.length) throw new DomainError(409, 'merged_candidate', `candidate ${id} absorbed another point (merge ${merges[0].id}): undo the merge first`, [{ field: 'id', reason: 'kept by a merge' }]);
    const { rows: linked } = await client.query(sql.reportsOfPointLocked, [id]);
    const text = ['Point candidat écarté', reason].filter(Boolean).join(' : ');
    for (const { id: reportId } of linked) {
      await client.query(
        sql.rejectLinked,
        [reportId, `${rejectionReasons.sans_activite} : ${text}`, moderatorId]);
      await recordDecision(client, { reportId: Number(reportId), decision: 'rejected', reasonCode: 'sans_activite', reasonText: text, dealPointId: id, moderatorId });
    }
    await client.query(sql.deletePoint, [id]);
    return { id, discarded: true, rejected_reports: linked.map((r) => Number(r.id)) };
  });
}
