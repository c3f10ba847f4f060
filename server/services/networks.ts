/**
 * Distribution networks. A network belongs to the department that registered it (NULL: national);
 * departmental roles read the networks of their departments and those with a point in them
 * (counting only those points), and write only their departments' networks.
 */
import type pg from 'pg';
import { DomainError, NotFoundError } from '../errors.js';
import type { NetworkCreateInput, NetworkQueryInput, NetworkUpdateInput } from '../schemas/records.js';
import { updateVersionedRow, deleteVersionedRow, type Assignment } from './versioned-rows.js';
import * as sql from '../queries/networks.js';

/** Departments a principal works in (null: national). */
export type Scope = string[] | null;

export async function getNetwork(db: pg.Pool, id: number, scope: Scope = null) {
  const { rows } = await db.query(sql.selectNetwork, [id, scope]);
  if (rows.length === 0) throw new NotFoundError('network', id);
  return rows[0];
}

export async function listNetworks(db: pg.Pool, query: NetworkQueryInput, scope: Scope = null) {
  const limit = query.limit ?? 100;
  const { rows } = await db.query(sql.listNetworks, [query.dataset ?? null, query.after ?? 0, limit + 1, scope]);
  const page = rows.slice(0, limit);
  return { items: page, next: rows.length > limit ? page[page.length - 1].id : null };
}

export async function createNetwork(pool: pg.Pool, input: NetworkCreateInput, scope: Scope = null) {
  const { rows } = await pool.query<{ id: number }>(sql.insertNetwork, [
    input.name, input.description ?? null, input.source ?? null, input.external_id ?? null, input.dataset ?? 'real', scope ? scope[0] : null,
  ]);
  return getNetwork(pool, rows[0].id, scope);
}

/** A network a departmental role may change: one of its departments'. */
async function assertWritable(pool: pg.Pool, id: number, scope: Scope) {
  const network = await getNetwork(pool, id, scope);
  if (scope && !scope.includes(network.department_code)) {
    throw new DomainError(403, 'out_of_scope', 'this network was registered by another department: only that department or OFAST may change it', [{ field: 'id', reason: 'network of another department' }]);
  }
}

export async function updateNetwork(pool: pg.Pool, id: number, input: NetworkUpdateInput, scope: Scope = null) {
  await assertWritable(pool, id, scope);
  const assignments: Assignment[] = [];
  if (input.name !== undefined) assignments.push({ column: 'name', sql: '?', value: input.name });
  if (input.description !== undefined) assignments.push({ column: 'description', sql: '?', value: input.description });
  if (input.dataset !== undefined) assignments.push({ column: 'dataset', sql: '?', value: input.dataset });
  await updateVersionedRow(pool, 'networks', id, input.version, assignments);
  return getNetwork(pool, id, scope);
}

export async function deleteNetwork(pool: pg.Pool, id: number, version: number, scope: Scope = null) {
  await assertWritable(pool, id, scope);
  await deleteVersionedRow(pool, 'networks', id, version);
}

/** True when the network exists and the scope may link a point to it. */
export async function networkReadable(db: pg.Pool | pg.PoolClient, id: number, scope: Scope): Promise<boolean> {
  const { rows } = await db.query(sql.selectNetwork, [id, scope]);
  return rows.length > 0;
}
