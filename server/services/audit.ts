/** The audit trail: one append-only row per read of precise data, export, write or sign-in. */
import type pg from 'pg';
import type { Principal } from '../domain/access.js';

export type AuditAction = 'read_precise' | 'export' | 'write' | 'sign_in' | 'sign_in_failed' | 'sign_out' | 'moderate' | 'admin';

export interface AuditEntry {
  principal: Principal | null; username?: string | null; action: AuditAction; method: string; route: string; statusCode: number;
  area: string | null; timeWindow: string | null; recordCount: number | null;
}

export async function recordAudit(db: pg.Pool, entry: AuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (user_id, username, role, action, method, route, status_code, area, time_window, record_count)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [entry.principal?.userId ?? null, entry.principal?.username ?? entry.username ?? null, entry.principal?.role ?? (entry.username ? null : 'public'),
      entry.action, entry.method, entry.route, entry.statusCode, entry.area, entry.timeWindow, entry.recordCount],
  );
}

export interface AuditFilter { from?: string; to?: string; username?: string; action?: string; limit: number; after?: number }

export async function listAudit(db: pg.Pool, filter: AuditFilter) {
  const { rows } = await db.query(
    `SELECT id, occurred_at, username, role, action, method, route, status_code, area, time_window, record_count
     FROM audit_log
     WHERE ($1::date IS NULL OR occurred_at >= $1::date) AND ($2::date IS NULL OR occurred_at < $2::date + 1)
       AND ($3::text IS NULL OR username = $3) AND ($4::text IS NULL OR action = $4) AND ($5::bigint IS NULL OR id < $5)
     ORDER BY id DESC LIMIT $6`,
    [filter.from ?? null, filter.to ?? null, filter.username ?? null, filter.action ?? null, filter.after ?? null, filter.limit],
  );
  return rows.map((r) => ({ ...r, occurred_at: (r.occurred_at as Date).toISOString() }));
}
