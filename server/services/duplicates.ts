/**
 * Duplicates across sources: the same place reported by two services. Proposals come from one
 * PostGIS query (points within a distance, reported by disjoint sets of sources, with compatible
 * products and overlapping lifetimes); a merge keeps one point with every source's identifiers and
 * the union of both histories and observations, and stores what undoing it needs; a pair judged
 * distinct is never proposed again.
 */
import type pg from 'pg';
import { DomainError, NotFoundError, UnprocessableError } from '../errors.js';
import { withTransaction } from '../database/transactions.js';
import * as duplicates from '../queries/duplicates.js';

export const defaultDuplicateDistanceMeters = 75;
/** Lifetimes must share at least this share of their joint span (intersection over union). */
export const defaultMinimumLifetimeOverlap = 0.7;
/** Farthest two points an analyst may merge by hand (beyond, they are not one place). */
export const maximumMergeDistanceMeters = 500;

export interface ProposalOptions {
  departments: string[] | null;
  distanceMeters?: number;
  minimumOverlap?: number;
  /** Only pairs with one of these points (an import's new points). */
  onlyIds?: number[] | null;
  limit?: number;
  asOf: string;
}

export interface PointSummary {
  id: number; source: string; external_id: string | null; sources: string[]; products: string[];
  longitude: number; latitude: number; commune_insee: string; commune_name: string; department_code: string;
  verification: string; first_on: string | null; end_on: string | null; status: string | null;
}

export interface DuplicateProposal { a: PointSummary; b: PointSummary; distance_m: number; lifetime_overlap: number; shared_products: string[] }

function summary(row: Record<string, unknown>): PointSummary {
  return {
    id: Number(row.id), source: String(row.source_code), external_id: (row.external_id as string | null) ?? null,
    sources: row.sources as string[], products: row.products as string[],
    longitude: Number(row.longitude), latitude: Number(row.latitude), commune_insee: String(row.commune_insee), commune_name: String(row.commune_name),
    department_code: String(row.department_code), verification: String(row.verification),
    first_on: (row.first_on as string | null) ?? null, end_on: (row.end_on as string | null) ?? null, status: (row.status as string | null) ?? null,
  };
}

export async function proposeDuplicates(db: pg.Pool | pg.PoolClient, options: ProposalOptions): Promise<DuplicateProposal[]> {
  const { rows } = await db.query<{ a: Record<string, unknown>; b: Record<string, unknown>; distance_m: number; lifetime_overlap: number; shared_products: string[] }>(duplicates.proposals, [
    options.distanceMeters ?? defaultDuplicateDistanceMeters, options.departments, options.minimumOverlap ?? defaultMinimumLifetimeOverlap,
    options.asOf, options.onlyIds ?? null, options.limit ?? 500,
  ]);
  return rows.map((r) => ({
    a: summary(r.a), b: summary(r.b), distance_m: Math.round(Number(r.distance_m) * 10) / 10,
    lifetime_overlap: Math.round(Number(r.lifetime_overlap) * 1000) / 1000, shared_products: r.shared_products,
  }));
}

async function pointDepartment(db: pg.Pool | pg.PoolClient, id: number, lock = false): Promise<string | null> {
  const { rows } = await db.query<{ department_code: string }>(
    lock ? duplicates.pointDepartmentLocked : duplicates.pointDepartment, [id]);
  return rows[0]?.department_code ?? null;
}

function inScope(department: string | null, departments: string[] | null): department is string {
  return department !== null && (departments === null || departments.includes(department));
}

/** One point as the review screen shows it: identifiers, status history, observations, linked reports. */
export async function pointRecord(db: pg.Pool | pg.PoolClient, id: number, departments: string[] | null) {
  const department = await pointDepartment(db, id);
  if (!inScope(department, departments)) throw new NotFoundError('deal point', id);
  const { rows: [point] } = await db.query(
    duplicates.pointRow, [id]);
  const { rows: identifiers } = await db.query(duplicates.pointIdentifiers, [id]);
  const { rows: history } = await db.query(
    duplicates.pointHistory, [id]);
  const { rows: observations } = await db.query(
    duplicates.pointObservations, [id]);
  return { ...point, longitude: Number(point.longitude), latitude: Number(point.latitude), identifiers, history, observations };
}

export async function pairRecord(pool: pg.Pool, aId: number, bId: number, departments: string[] | null) {
  const a = await pointRecord(pool, aId, departments);
  const b = await pointRecord(pool, bId, departments);
  const { rows: [d] } = await pool.query<{ distance_m: number }>(
    duplicates.pairDistance, [aId, bId]);
  return { a, b, distance_m: Math.round(Number(d.distance_m) * 10) / 10 };
}

export async function markDistinct(pool: pg.Pool, aId: number, bId: number, userId: number, departments: string[] | null) {
  if (aId === bId) throw new UnprocessableError([{ field: 'b', reason: 'must be another deal point than a' }]);
  return withTransaction(pool, async (client) => {
    for (const id of [aId, bId]) if (!inScope(await pointDepartment(client, id), departments)) throw new NotFoundError('deal point', id);
    await client.query(
      duplicates.insertDistinctPair, [aId, bId, userId]);
    return { a: aId, b: bId, distinct: true as const };
  });
}

/**
 * Merges `absorbedId` into `keptId`: the absorbed point's identifiers, status events and
 * observations move to the point kept (an event on a day the kept point already has, or an
 * observation by the same source on the same day, stays in the merge record only), products are
 * united, linked public reports follow; the absorbed row is deleted and kept whole in the merge
 * record for undo.
 */
export async function mergePoints(pool: pg.Pool, keptId: number, absorbedId: number, userId: number, departments: string[] | null) {
  if (keptId === absorbedId) throw new UnprocessableError([{ field: 'absorbed_id', reason: 'must be another deal point than kept_id' }]);
  return withTransaction(pool, async (client) => {
    // Lock in id order so two concurrent merges cannot deadlock.
    const departmentsOf = new Map<number, string | null>();
    for (const id of [keptId, absorbedId].sort((x, y) => x - y)) departmentsOf.set(id, await pointDepartment(client, id, true));
    for (const id of [keptId, absorbedId]) if (!inScope(departmentsOf.get(id)!, departments)) throw new NotFoundError('deal point', id);
    const { rows: [{ distance_m }] } = await client.query<{ distance_m: number }>(
      duplicates.pairDistance, [keptId, absorbedId]);
    if (Number(distance_m) > maximumMergeDistanceMeters) {
      throw new UnprocessableError([{ field: 'absorbed_id', reason: `is ${Math.round(Number(distance_m))} m from the point kept: only points within ${maximumMergeDistanceMeters} m can be one place` }]);
    }
    const { rows: [absorbed] } = await client.query<{ row: Record<string, unknown> }>(
      duplicates.absorbedRow, [absorbedId]);
    const { rows: [keptBefore] } = await client.query<{ row: Record<string, unknown> }>(
      duplicates.keptBefore, [keptId]);
    const { rows: movedEvents } = await client.query<{ id: number }>(
      duplicates.moveEvents, [keptId, absorbedId]);
    const { rows: movedObservations } = await client.query<{ id: number }>(
      duplicates.moveObservations, [keptId, absorbedId]);
    const { rows: movedIdentifiers } = await client.query<{ source_code: string; external_id: string }>(
      duplicates.moveIdentifiers, [keptId, absorbedId]);
    await client.query(duplicates.moveReports, [keptId, absorbedId]);
    await client.query(
      duplicates.uniteKept, [keptId, absorbedId]);
    await client.query(duplicates.deletePoint, [absorbedId]);
    const { rows: [merge] } = await client.query<{ id: number; merged_at: string }>(
      duplicates.insertMerge,
      [keptId, absorbedId, departmentsOf.get(keptId), absorbed.row, keptBefore.row, movedEvents.map((e) => e.id), movedObservations.map((o) => o.id),
        JSON.stringify(movedIdentifiers), Number(distance_m), userId]);
    return { merge_id: Number(merge.id), kept_id: keptId, absorbed_id: absorbedId, identifiers: movedIdentifiers.length, moved_events: movedEvents.length, moved_observations: movedObservations.length };
  });
}

/** Undoes a merge: the absorbed point comes back with its id, key, history and observations. */
export async function undoMerge(pool: pg.Pool, mergeId: number, userId: number, departments: string[] | null) {
  return withTransaction(pool, async (client) => {
    const { rows: [merge] } = await client.query(
      duplicates.mergeLocked, [mergeId]);
    if (!merge || !inScope(merge.department_code, departments)) throw new NotFoundError('merge', mergeId);
    if (merge.undone_at) throw new DomainError(409, 'already_undone', `merge ${mergeId} was already undone`, [{ field: 'id', reason: 'already undone' }]);
    const { rows: later } = await client.query(
      duplicates.laterMerges, [merge.kept_id, mergeId]);
    if (later.length) throw new DomainError(409, 'later_merges', `undo the later merges of deal point ${merge.kept_id} first (${later.map((m) => m.id).join(', ')})`, [{ field: 'id', reason: 'later merges of the same point are in force' }]);
    await pointDepartment(client, Number(merge.kept_id), true);
    const a = merge.absorbed as Record<string, unknown> & { events: Record<string, unknown>[]; observations: Record<string, unknown>[]; report_ids: number[] };
    const identifiers = merge.moved_identifiers as { source_code: string; external_id: string }[];
    await client.query(
      duplicates.removeIdentifiers,
      [identifiers.map((i) => i.source_code), identifiers.map((i) => i.external_id), merge.kept_id]);
    await client.query(
      duplicates.restorePoint,
      [a.id, a.longitude, a.latitude, a.commune_insee, a.h3_r7, a.h3_r8, a.h3_r9, a.products, a.source_code, a.external_id, a.network_id, a.dataset,
        a.version, a.created_at, a.verification, a.record_key]);
    await client.query(
      duplicates.restoreIdentifiers,
      [identifiers.map((i) => i.source_code), identifiers.map((i) => i.external_id), a.id]);
    await client.query(duplicates.eventsBack, [a.id, merge.moved_event_ids]);
    await client.query(duplicates.observationsBack, [a.id, merge.moved_observation_ids]);
    const moved = new Set((merge.moved_event_ids as string[]).map(Number));
    const keptEvents = a.events.filter((e) => !moved.has(Number(e.id)));
    if (keptEvents.length) {
      await client.query(
        duplicates.restoreEvents, [JSON.stringify(keptEvents)]);
    }
    const movedObservations = new Set((merge.moved_observation_ids as string[]).map(Number));
    const keptObservations = a.observations.filter((o) => !movedObservations.has(Number(o.id)));
    if (keptObservations.length) {
      await client.query(
        duplicates.restoreObservations, [JSON.stringify(keptObservations)]);
    }
    // Observations that the absorbed point's sources sent through its identifiers after the merge
    // go back with it (their source is none of the kept point's own).
    await client.query(
      duplicates.laterObservationsBack,
      [a.id, merge.kept_id, merge.merged_at, [...new Set(identifiers.map((i) => i.source_code))]]);
    await client.query(duplicates.reportsBack, [a.id, a.report_ids, merge.kept_id]);
    const before = merge.kept_before as { products: string[]; verification: string; network_id: number | null };
    await client.query(
      duplicates.restoreKept,
      [merge.kept_id, before.products, before.verification, before.network_id]);
    await client.query(duplicates.markUndone, [mergeId, userId]);
    return { merge_id: mergeId, kept_id: Number(merge.kept_id), restored_id: Number(a.id) };
  });
}

export async function listMerges(pool: pg.Pool, departments: string[] | null, limit: number) {
  const { rows } = await pool.query(
    duplicates.listMerges, [departments, limit]);
  return rows.map((r) => ({ ...r, id: Number(r.id), kept_id: Number(r.kept_id), absorbed_id: Number(r.absorbed_id), distance_m: Math.round(Number(r.distance_m) * 10) / 10 }));
}
