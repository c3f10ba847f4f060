/**
 * Action plans made from a saved ranking (2010 circular): priority sectors in order with their
 * objectives and targets, the indicators measured per semester against the targets, the schools
 * near the priority sectors, and the semester reviews.
 */
import type pg from 'pg';
import * as sql from '../queries/action-plans.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { withTransaction } from '../database/transactions.js';
import { getRanking } from './rankings.js';
import { sectorPoints } from './sectors.js';
import { activeOn } from '../domain/ranking/indicators.js';
import { followedIndicators, semesterDates, targetStatus, type FollowedIndicator } from '../domain/ranking/action-plan.js';
import { today } from '../domain/dates.js';
import type { SectorKind } from '../domain/ranking/sector-geometry.js';

export interface PlanRequest {
  ranking_id: number; title: string; first_semester: string; school_radius_m?: number;
  sectors: { code: string; objective: string; targets?: Partial<Record<FollowedIndicator, number>> }[];
}

export async function createPlan(pool: pg.Pool, request: PlanRequest, departments: string[] | null, userId: number) {
  const ranking = await getRanking(pool, request.ranking_id, departments);
  const names = new Map([...ranking.result.ranked, ...ranking.result.excluded].map((s) => [s.code, s.name]));
  const problems = request.sectors.flatMap((s, i) => (names.has(s.code) ? [] : [{ field: `body.sectors.${i}.code`, reason: `${s.code} is not a sector of ranking ${ranking.id}` }]));
  const codes = request.sectors.map((s) => s.code);
  codes.forEach((code, i) => { if (codes.indexOf(code) !== i) problems.push({ field: `body.sectors.${i}.code`, reason: `${code} is already priority ${codes.indexOf(code) + 1}` }); });
  if (problems.length) throw new InvalidInputError(problems);
  return withTransaction(pool, async (client) => {
    const { rows: [plan] } = await client.query<{ id: number }>(sql.insertPlan, [ranking.department_code, ranking.id, request.title, request.first_semester, request.school_radius_m ?? 500, userId]);
    await client.query(sql.insertPlanSectors, [plan.id, ranking.sector_kind, request.sectors.map((_, i) => i + 1), codes, codes.map((c) => names.get(c)!),
      request.sectors.map((s) => s.objective), request.sectors.map((s) => JSON.stringify(s.targets ?? {}))]);
    return { id: plan.id };
  });
}

export async function listPlans(db: pg.Pool, departments: string[] | null) {
  const { rows } = await db.query(sql.listPlans, [departments]);
  return rows.map((r) => ({ ...r, created_at: (r.created_at as Date).toISOString() }));
}

export async function getPlan(db: pg.Pool, id: number, departments: string[] | null) {
  const { rows } = await db.query(sql.getPlan, [id]);
  const plan = rows[0];
  if (!plan || (departments && !departments.includes(plan.department_code))) throw new NotFoundError('action plan', id);
  const { rows: sectors } = await db.query(sql.planSectors, [id]);
  const { rows: reviews } = await db.query(sql.planReviews, [id]);
  return {
    ...plan, created_at: (plan.created_at as Date).toISOString(), sectors,
    reviews: reviews.map((r) => ({ ...r, created_at: (r.created_at as Date).toISOString() })),
    indicators: followedIndicators,
  };
}

/** Each priority sector's indicators in a semester against its targets, and the schools near the sectors. */
export async function semesterReview(db: pg.Pool, id: number, semester: string, departments: string[] | null, underWayVisibleIn: string[] | null, radiusM?: number) {
  const plan = await getPlan(db, id, departments);
  const { from, to } = semesterDates(semester);
  // biome-ignore lint/complexity/useMathMinMax: ISO dates as text, compared as text
  const at = to < today() ? to : today();
  if (from > today()) throw new InvalidInputError([{ field: 'querystring.semester', reason: `${semester} has not started yet` }]);
  const kind = plan.sector_kind as SectorKind;
  const { sectors, points } = await sectorPoints(db, plan.department_code, kind, at, underWayVisibleIn);
  const outlines = new Map(sectors.map((s) => [s.code, s]));
  const chosen = (plan.sectors as { position: number; sector_code: string; sector_name: string; objective: string; targets: Record<string, number> }[]).filter((s) => outlines.get(s.sector_code)?.geometry);
  const codes = chosen.map((s) => s.sector_code);
  const geometries = codes.map((c) => JSON.stringify(outlines.get(c)!.geometry));
  const { rows: activity } = await db.query<{ code: string; public_reports: number; operations: number }>(sql.semesterActivity, [codes, geometries, from, to]);
  const byCode = new Map(activity.map((a) => [a.code, a]));
  const { rows: rates } = kind === 'commune' ? await db.query<{ code: string; rate: number | null }>(sql.ssmsiTraffickingRates, [codes, Number(semester.slice(0, 4))]) : { rows: [] };
  const rateOf = new Map(rates.map((r) => [r.code, r.rate]));
  const radius = radiusM ?? plan.school_radius_m;
  const { rows: schools } = await db.query(sql.schoolsNear, [plan.department_code, radius, codes, geometries]);

  const sectorsMeasured = (plan.sectors as typeof chosen).map((sector) => {
    const own = points.filter((p) => p.sectors.includes(sector.sector_code));
    const measured: Record<FollowedIndicator, number | null> = {
      active_points: own.filter((p) => activeOn(p.events, at)).length,
      reopenings: own.reduce((n, p) => n + p.events.filter((e) => e.status === 'reopened' && e.on >= from && e.on <= to).length, 0),
      public_reports: byCode.get(sector.sector_code)?.public_reports ?? null,
      operations: byCode.get(sector.sector_code)?.operations ?? null,
      ssmsi_trafficking_rate: rateOf.get(sector.sector_code) ?? null,
    };
    return {
      position: sector.position, code: sector.sector_code, name: sector.sector_name, objective: sector.objective,
      indicators: followedIndicators.map((indicator) => ({
        code: indicator.code, label: indicator.label, target_reads: indicator.target, measured: measured[indicator.code],
        target: sector.targets[indicator.code] ?? null, status: targetStatus(indicator.code, measured[indicator.code], sector.targets[indicator.code]),
      })),
      schools: schools.filter((s) => s.sector_code === sector.sector_code),
    };
  });
  return { plan: { id: plan.id, title: plan.title, department_code: plan.department_code, ranking_id: plan.ranking_id }, semester, from, to, measured_on: at, school_radius_m: radius, sectors: sectorsMeasured };
}

export async function saveReview(pool: pg.Pool, id: number, semester: string, note: string | null, departments: string[] | null, underWayVisibleIn: string[] | null, userId: number) {
  const review = await semesterReview(pool, id, semester, departments, underWayVisibleIn);
  const measured = review.sectors.map((s) => ({ code: s.code, name: s.name, indicators: s.indicators, schools: s.schools.length }));
  const { rows: [saved] } = await pool.query<{ id: number; created_at: Date }>(sql.insertReview, [id, semester, JSON.stringify({ measured_on: review.measured_on, sectors: measured }), note, userId]);
  return { id: saved.id, created_at: saved.created_at.toISOString(), semester, measured_on: review.measured_on };
}

export async function departmentSchools(db: pg.Pool, department: string) {
  const { rows } = await db.query(sql.departmentSchools, [department]);
  return rows;
}
