/**
 * Optimistic concurrency shared by every editable table: UPDATE ... WHERE version = expected,
 * then tell "unknown id" (404) from "stale version" (409).
 */
import type pg from 'pg';
import { NotFoundError, VersionConflictError } from '../errors.js';
import * as sql from '../queries/versioned-rows.js';

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
  const sets = assignments.map(({ column, sql: expression, value }) => {
    if (!/^[a-z_0-9]+$/.test(column)) throw new Error(`bad column ${column}`);
    if (!expression.includes('?')) return `${column} = ${expression}`;
    params.push(value);
    return `${column} = ${expression.replace('?', `$${params.length}`)}`;
  });
  const result = await client.query<{ version: number }>(sql.updateAtVersion(table, sets), params);
  if (result.rowCount === 1) return result.rows[0].version;
  await throwMissingOrStale(client, table, id, expectedVersion);
  return expectedVersion;
}

export async function deleteVersionedRow(client: pg.PoolClient | pg.Pool, table: VersionedTable, id: number, expectedVersion: number): Promise<void> {
  const result = await client.query(sql.deleteAtVersion(table), [id, expectedVersion]);
  if (result.rowCount === 1) return;
  await throwMissingOrStale(client, table, id, expectedVersion);
}

export async function throwMissingOrStale(client: pg.PoolClient | pg.Pool, table: VersionedTable, id: number, expectedVersion: number): Promise<never> {
  const { rows } = await client.query<{ version: number }>(sql.versionOf(table), [id]);
  if (rows.length === 0) throw new NotFoundError(labels[table], id);
  throw new VersionConflictError(labels[table], id, expectedVersion, rows[0].version);
}
