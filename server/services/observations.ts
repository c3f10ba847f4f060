import type pg from 'pg';
import { NotFoundError, InvalidInputError } from '../errors.js';
import type { ObservationCreateInput, ObservationQueryInput, ObservationUpdateInput } from '../schemas/records.js';
import { updateVersionedRow, deleteVersionedRow, type Assignment } from './versioned-rows.js';
import * as sql from '../queries/observations.js';
import { dateWindowProblems } from '../domain/dates.js';

export async function getObservation(db: pg.Pool | pg.PoolClient, id: number) {
  const { rows } = await db.query(sql.getObservation, [id]);
  if (rows.length === 0) throw new NotFoundError('observation', id);
  return rows[0];
}

export async function listObservations(db: pg.Pool, query: ObservationQueryInput, departmentCodes: string[] | null = null) {
  const windowProblems = dateWindowProblems(query.from, query.to);
  if (windowProblems.length) throw new InvalidInputError(windowProblems);
  const limit = query.limit ?? 100;
  const { rows } = await db.query(
    sql.listObservations,
    [query.deal_point_id ?? null, query.from ?? null, query.to ?? null, query.source ?? null, query.after ?? 0, limit + 1, departmentCodes],
  );
  const page = rows.slice(0, limit);
  return { items: page, next: rows.length > limit ? page[page.length - 1].id : null };
}

export async function createObservation(pool: pg.Pool, input: ObservationCreateInput) {
  if (input.activity_level == null && input.estimated_daily_transactions == null) {
    throw new InvalidInputError([{ field: 'body.activity_level', reason: 'give activity_level or estimated_daily_transactions (or both)' }]);
  }
  const { rows } = await pool.query<{ id: number }>(
    sql.insertObservation,
    [input.deal_point_id, input.observed_on, input.activity_level ?? null, input.estimated_daily_transactions ?? null, input.source],
  );
  return getObservation(pool, rows[0].id);
}

export async function updateObservation(pool: pg.Pool, id: number, input: ObservationUpdateInput) {
  const assignments: Assignment[] = [];
  if (input.observed_on !== undefined) assignments.push({ column: 'observed_on', sql: '?', value: input.observed_on });
  if (input.activity_level !== undefined) assignments.push({ column: 'activity_level', sql: '?', value: input.activity_level });
  if (input.estimated_daily_transactions !== undefined) assignments.push({ column: 'estimated_daily_transactions', sql: '?', value: input.estimated_daily_transactions });
  if (input.source !== undefined) assignments.push({ column: 'source_code', sql: '?', value: input.source });
  await updateVersionedRow(pool, 'deal_point_observations', id, input.version, assignments);
  return getObservation(pool, id);
}

export async function deleteObservation(pool: pg.Pool, id: number, version: number) {
  await deleteVersionedRow(pool, 'deal_point_observations', id, version);
}
