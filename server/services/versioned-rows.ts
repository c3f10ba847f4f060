/**
 * Optimistic concurrency shared by every editable table: UPDATE ... WHERE version = expected,
 * then tell "unknown id" (404) from "stale version" (409).
 */
import type pg from 'pg';
import { NotFoundError, VersionConflictError } from '../errors.js';

export type VersionedTable = 'deal_points' | 'deal_point_observations' | 'operations' | 'networks';

const labels: Record<VersionedTable, string> = {
  deal_points: 'deal point',
  deal_point_observations: 'observation',
  operations: 'operation',
  networks: 'network',
};

export interface Assignment { column: string; sql: string; value?: unknown }

/**
 * Applies `assignments` (column = SQL expression using `?` for its one value) to row `id` if it is at
 * `expectedVersion`, bumping the version. Columns come from the callers' fixed lists, never from input.
 */
export async function updateVersionedRow(
  client: pg.PoolClient | pg.Pool, table: VersionedTable, id: number, expectedVersion: number, assignments: Assignment[],
): Promise<number> {
  const params: unknown[] = [id, expectedVersion];
  const sets = assignments.map(({ column, sql, value }) => {
    if (!/^[a-z_0-9]+$/.test(column)) throw new Error(`bad column ${column}`);
    if (!sql.includes('?')) return `${column} = ${sql}`;
    params.push(value);
    return `${column} = ${sql.replace('?', `$${params.length}`)}`;
  });
  sets.push('version = version + 1', 'updated_at = now()');
  const result = await client.query<{ version: number }>(
    `UPDATE ${table} SET ${sets.join(', ')} WHERE id = $1 AND version = $2 RETURNING version`, params,
  );
  if (result.rowCount === 1) return result.rows[0].version;
  await throwMissingOrStale(client, table, id, expectedVersion);
  return expectedVersion;
}

export async function deleteVersionedRow(client: pg.PoolClient | pg.Pool, table: VersionedTable, id: number, expectedVersion: number): Promise<void> {
  const result = await client.query(`DELETE FROM ${table} WHERE id = $1 AND version = $2`, [id, expectedVersion]);
  if (result.rowCount === 1) return;
  await throwMissingOrStale(client, table, id, expectedVersion);
}

export async function throwMissingOrStale(client: pg.PoolClient | pg.Pool, table: VersionedTable, id: number, expectedVersion: number): Promise<never> {
  const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${table} WHERE id = $1`, [id]);
  if (rows.length === 0) throw new NotFoundError(labels[table], id);
  throw new VersionConflictError(labels[table], id, expectedVersion, rows[0].version);
}
