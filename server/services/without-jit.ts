/** A query run with JIT compilation off (one transaction on one pooled connection). */
import type pg from 'pg';
import { withTransaction } from '../database/transactions.js';

/**
 * Runs `work` with JIT compilation off. On a national history the planner's estimates for the
 * per-point periods (spans, tiles) pass JIT's cost thresholds and PostgreSQL spends a large part
 * of the time compiling (610 of 2,370 ms of a z8 tile at 100x, seconds for the national cube).
 */
export function withoutJit<T>(db: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return withTransaction(db, async (client) => {
    await client.query('SET LOCAL jit = off');
    return work(client);
  });
}
