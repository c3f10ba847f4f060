/** The audit trail: one append-only row per read of precise or aggregated data, analysis, export, write or sign-in. */
import type pg from 'pg';
import { createHash } from 'node:crypto';
import type { Principal } from '../domain/access.js';
import { insertAuditRows, listAuditEntries, recentFailedSignIns as failedSignInsSql } from '../queries/audit.js';

export const auditActions = [
  'read_precise', 'read_aggregate', 'analysis', 'export', 'write', 'sign_in', 'sign_in_failed', 'sign_out', 'activate', 'moderate', 'admin',
] as const;
export type AuditAction = (typeof auditActions)[number];

export interface AuditEntry {
  principal: Principal | null; username?: string | null; action: AuditAction; method: string; route: string; statusCode: number;
  area: string | null; timeWindow: string | null; recordCount: number | null;
  /** The session (or access token) the request came with, as `journalSessionRef` gives it. */
  sessionRef?: string | null;
  /** When it happened, for rows written later in a batch (default: when written). */
  occurredAt?: Date | null;
}

/**
 * The journal's reference to a session or an access token: 16 hex digits of a SHA-256 of its
 * secret under a journal-only prefix. Not reversible, and not the hash the sessions table keeps,
 * so it cannot be joined to a live session; it only tells entries of one session from another's.
 */
export function journalSessionRef(secret: string | undefined | null): string | null {
  if (!secret) return null;
  return createHash('sha256').update(`sillage-journal-session\0${secret}`).digest('hex').slice(0, 16);
}

/** Text as the journal keeps it: no NUL, no lone surrogate, no control character, bounded length. */
export function journalText(value: string | null | undefined, max = 500): string | null {
  if (value === null || value === undefined) return null;
  // eslint-disable-next-line no-control-regex
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const clean = value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd').replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** A journal row's values, in the order of insertAuditRows' columns (queries/audit.ts). */
function auditRow(entry: AuditEntry): unknown[] {
  return [entry.principal?.userId ?? null, journalText(entry.principal?.username ?? entry.username ?? null, 64), entry.principal?.role ?? (entry.username ? null : 'public'),
    entry.action, journalText(entry.method, 10), journalText(entry.route, 200), entry.statusCode, journalText(entry.area), journalText(entry.timeWindow, 200), entry.recordCount, entry.sessionRef ?? null, entry.occurredAt ?? null];
}

export async function recordAudit(db: pg.Pool | pg.PoolClient, entry: AuditEntry): Promise<void> {
  await recordAudits(db, [entry]);
}

/** Several journal rows in one INSERT. */
export async function recordAudits(db: pg.Pool | pg.PoolClient, entries: AuditEntry[]): Promise<void> {
  if (!entries.length) return;
  await db.query(insertAuditRows(entries.length), entries.flatMap(auditRow));
}

/**
 * Journal rows written in batches (tile reads: a map view asks dozens of tiles at once): one INSERT
 * per `maxRows` rows or per `flushMs`, and on close. A failed flush keeps its rows for the next one.
 * Rows still pending when the process is killed (not stopped) are lost: at most `flushMs` of them.
 */
export class AuditBatch {
  private pending: AuditEntry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  constructor(private readonly db: pg.Pool, private readonly options: { flushMs: number; maxRows: number; onError?: (error: Error) => void }) {}

  get size(): number { return this.pending.length; }

  add(entry: AuditEntry): void {
    this.pending.push({ ...entry, occurredAt: entry.occurredAt ?? new Date() });
    if (this.pending.length >= this.options.maxRows) void this.flush();
    else this.timer ??= setTimeout(() => { void this.flush(); }, this.options.flushMs);
  }

  /** Writes every pending row (waits for a flush under way first). */
  flush(): Promise<void> {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    this.flushing = this.flushing.then(async () => {
      while (this.pending.length) {
        const rows = this.pending.splice(0, this.options.maxRows);
        try {
          await recordAudits(this.db, rows);
        } catch (error) {
          this.pending.unshift(...rows);
          this.options.onError?.(error as Error);
          this.timer ??= setTimeout(() => { void this.flush(); }, this.options.flushMs);
          return;
        }
      }
    });
    return this.flushing;
  }
}

/** The journal's filters, shared by its list, its CSV export and its grouped reading. */
export interface AuditFilterFields { from?: string; to?: string; username?: string; username_contains?: string; action?: string }
export interface AuditFilter extends AuditFilterFields { limit: number; after?: number }

/** $1-$5 of the journal's statements (see queries/audit.ts). */
export function auditFilterParameters(filter: AuditFilterFields): (string | null)[] {
  return [filter.from ?? null, filter.to ?? null, filter.username?.trim() || null, filter.username_contains?.trim() || null, filter.action ?? null];
}

export async function listAudit(db: pg.Pool, filter: AuditFilter) {
  const { rows } = await db.query(listAuditEntries, [...auditFilterParameters(filter), filter.after ?? null, filter.limit]);
  return rows.map((r) => ({ ...r, occurred_at: (r.occurred_at as Date).toISOString() }));
}

/** Failed sign-ins for a username since `minutes` ago (every address), from the journal. */
export async function recentFailedSignIns(db: pg.Pool, username: string, minutes: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(failedSignInsSql, [username, minutes]);
  return rows[0].n;
}
