import type pg from 'pg';
import { NotFoundError } from '../errors.js';
import type { NetworkCreateInput, NetworkQueryInput, NetworkUpdateInput } from '../schemas/records.js';
import { updateVersionedRow, deleteVersionedRow, type Assignment } from './versioned-rows.js';

const networkColumns = `n.id, n.name, n.description, n.source_code AS source, n.external_id, n.dataset, n.version,
  n.created_at, n.updated_at, (SELECT count(*)::int FROM deal_points d WHERE d.network_id = n.id) AS deal_point_count`;

export async function getNetwork(db: pg.Pool, id: number) {
  const { rows } = await db.query(`SELECT ${networkColumns} FROM networks n WHERE n.id = $1`, [id]);
  if (rows.length === 0) throw new NotFoundError('network', id);
  return rows[0];
}

export async function listNetworks(db: pg.Pool, query: NetworkQueryInput) {
  const limit = query.limit ?? 100;
  const { rows } = await db.query(
    `SELECT ${networkColumns} FROM networks n WHERE ($1::text IS NULL OR n.dataset = $1) AND n.id > $2 ORDER BY n.id LIMIT $3`,
    [query.dataset ?? null, query.after ?? 0, limit + 1],
  );
  const page = rows.slice(0, limit);
  return { items: page, next: rows.length > limit ? page[page.length - 1].id : null };
}

export async function createNetwork(pool: pg.Pool, input: NetworkCreateInput) {
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO networks (name, description, source_code, external_id, dataset) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [input.name, input.description ?? null, input.source ?? null, input.external_id ?? null, input.dataset ?? 'real'],
  );
  return getNetwork(pool, rows[0].id);
}

export async function updateNetwork(pool: pg.Pool, id: number, input: NetworkUpdateInput) {
  const assignments: Assignment[] = [];
  if (input.name !== undefined) assignments.push({ column: 'name', sql: '?', value: input.name });
  if (input.description !== undefined) assignments.push({ column: 'description', sql: '?', value: input.description });
  if (input.dataset !== undefined) assignments.push({ column: 'dataset', sql: '?', value: input.dataset });
  await updateVersionedRow(pool, 'networks', id, input.version, assignments);
  return getNetwork(pool, id);
}

export async function deleteNetwork(pool: pg.Pool, id: number, version: number) {
  await deleteVersionedRow(pool, 'networks', id, version);
}
