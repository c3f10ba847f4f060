/**
 * Reliability of the registry (measure 2): per deal point, the independent sources that reported
 * or observed it, the last confirmation (latest observation or status change) and the days since
 * the last observation; active points unconfirmed for N months are flagged for review.
 */
import type pg from 'pg';
import * as sql from '../queries/reliability.js';

export interface ReliabilityOptions {
  departments: string[] | null; asOf: string; unconfirmedMonths: number; minimumSources: number; flaggedOnly: boolean; limit: number;
}

export async function pointReliability(pool: pg.Pool, options: ReliabilityOptions) {
  const { rows } = await pool.query(sql.reliability, [
    options.departments, options.asOf, options.unconfirmedMonths, options.minimumSources, options.flaggedOnly, options.limit,
  ]);
  const { rows: summary } = await pool.query<{ sources_count: number; points: number; flagged: number }>(sql.reliabilityBySources, [options.departments, options.asOf, options.unconfirmedMonths]);
  return {
    total: rows.length ? Number(rows[0].total) : 0,
    items: rows.map(({ total: _t, ...r }) => ({ ...r, id: Number(r.id), days_since_observation: r.days_since_observation === null ? null : Number(r.days_since_observation) })),
    by_sources: summary.map((s) => ({ sources: Number(s.sources_count), points: s.points, flagged: s.flagged })),
  };
}
