/** SQL of the history of imports (one row per file sent, imported or refused). */

/** Records one import run. */
export const insertRun = `
INSERT INTO import_runs (user_id, username, departments, file_name, kind, format, outcome, rows, inserted, updated, unchanged, rejected_rows, elapsed_ms)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`;

/** Runs newest first before id $2 (at most $3), by accounts of departments $1 (NULL: all). */
export const listRuns = `
SELECT id, username, started_at, file_name, kind, format, outcome, rows, inserted, updated, unchanged, rejected_rows, elapsed_ms
FROM import_runs WHERE ($1::text[] IS NULL OR departments && $1::text[]) AND ($2::bigint IS NULL OR id < $2)
ORDER BY id DESC LIMIT $3`;
