import type pg from 'pg';
import { NotFoundError, InvalidInputError } from '../errors.js';
import type { ObservationCreateInput, ObservationQueryInput, ObservationUpdateInput } from '../schemas/records.js';
import { updateVersionedRow, deleteVersionedRow, type Assignment } from './versioned-rows.js';

const observationColumns = `o.id, o.deal_point_id, o.observed_on, o.activity_level, o.estimated_daily_transactions,
  o.source_code AS source, o.version, o.created_at, o.updated_at, c.department_code`;
const observationFrom = `deal_point_observations o JOIN deal_points d ON d.id = o.deal_point_id JOIN communes c ON c.insee = d.commune_insee`;

export async function getObservation(db: pg.Pool | pg.PoolClient, id: number) {
  const { rows } = await db.query(`SELECT ${observationColumns} FROM ${observationFrom} WHERE o.id = $1`, [id]);
  if (rows.length === 0) throw new NotFoundError('observation', id);
  return rows[0];
}

export async function listObservations(db: pg.Pool, query: ObservationQueryInput, departmentCodes: string[] | null = null) {
  if (query.from && query.to && query.from > query.to) throw new InvalidInputError([{ field: 'querystring.to', reason: `must not be before from (${query.from})` }]);
  const limit = query.limit ?? 100;
  const { rows } = await db.query(
    `SELECT ${observationColumns} FROM ${observationFrom}
     WHERE ($1::bigint IS NULL OR o.deal_point_id = $1) AND ($2::date IS NULL OR o.observed_on >= $2)
       AND ($3::date IS NULL OR o.observed_on <= $3) AND ($4::text IS NULL OR o.source_code = $4) AND o.id > $5
       AND ($7::text[] IS NULL OR c.department_code = ANY($7::text[]))
     ORDER BY o.id LIMIT $6`,
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
    `INSERT INTO deal_point_observations (deal_point_id, observed_on, activity_level, estimated_daily_transactions, source_code)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
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
