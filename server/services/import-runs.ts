/** The history of imports: one row per file sent to POST /api/imports, imported or refused. */
import type pg from 'pg';
import type { Principal } from '../domain/access.js';
import * as sql from '../queries/import-runs.js';

export interface ImportRun {
  file_name: string | null; kind: string; format: string; outcome: 'imported' | 'rejected';
  rows: number; inserted: number; updated: number; unchanged: number; rejected_rows: number; elapsed_ms: number;
}

export async function recordImportRun(pool: pg.Pool, principal: Principal | null, run: ImportRun): Promise<void> {
  await pool.query(
    sql.insertRun,
    [principal?.userId ?? null, principal?.username ?? null, principal?.departments ?? [], run.file_name, run.kind, run.format, run.outcome,
      run.rows, run.inserted, run.updated, run.unchanged, run.rejected_rows, Math.round(run.elapsed_ms)],
  );
}

/** Newest first; `departments`: only runs by accounts of these departments (null: all). */
export async function listImportRuns(pool: pg.Pool, departments: string[] | null, limit: number, before: number | null) {
  const { rows } = await pool.query(
    sql.listRuns, [departments, before, limit + 1],
  );
  const page = rows.slice(0, limit).map((r) => ({ ...r, id: Number(r.id), started_at: new Date(r.started_at).toISOString() }));
  return { items: page, next: rows.length > limit ? page[page.length - 1].id : null };
}
