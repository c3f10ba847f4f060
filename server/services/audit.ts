/** The audit trail: one append-only row per read of precise or aggregated data, analysis, export, write or sign-in. */
import type pg from 'pg';
import type { Principal } from '../domain/access.js';

export const auditActions = [
  'read_precise', 'read_aggregate', 'analysis', 'export', 'write', 'sign_in', 'sign_in_failed', 'sign_out', 'activate', 'moderate', 'admin',
] as const;
export type AuditAction = (typeof auditActions)[number];

export interface AuditEntry {
  principal: Principal | null; username?: string | null; action: AuditAction; method: string; route: string; statusCode: number;
  area: string | null; timeWindow: string | null; recordCount: number | null;
}

/** Text as the journal keeps it: no NUL, no lone surrogate, no control character, bounded length. */
export function journalText(value: string | null | undefined, max = 500): string | null {
  if (value === null || value === undefined) return null;
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd').replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

export async function recordAudit(db: pg.Pool | pg.PoolClient, entry: AuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (user_id, username, role, action, method, route, status_code, area, time_window, record_count)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [entry.principal?.userId ?? null, journalText(entry.principal?.username ?? entry.username ?? null, 64), entry.principal?.role ?? (entry.username ? null : 'public'),
      entry.action, journalText(entry.method, 10), journalText(entry.route, 200), entry.statusCode, journalText(entry.area), journalText(entry.timeWindow, 200), entry.recordCount],
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

/** Failed sign-ins for a username since `minutes` ago (every address), from the journal. */
export async function recentFailedSignIns(db: pg.Pool, username: string, minutes: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM audit_log WHERE action = 'sign_in_failed' AND username = $1 AND occurred_at > now() - make_interval(mins => $2)`,
    [username, minutes],
  );
  return rows[0].n;
}
