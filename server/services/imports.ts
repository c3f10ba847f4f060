/**
 * Imports a file all-or-nothing, streamed: rows are read and validated in batches of 5,000
 * (domain/import-stream), each batch is checked against what only the database knows (commune of
 * each point, referenced records, the analyst's departments) and written in the file's one
 * transaction while the rest of the file is still arriving. After the first rejected row nothing more
 * is written but every row is still checked, so the report lists every rejected row; then the
 * transaction is rolled back. Re-running the same file changes nothing (idempotent).
 */
import type pg from 'pg';
import type { DealPointRecord, ImportFormat, ImportKind, ImportRecord, ObservationRecord, OperationRecord } from '../domain/import-rows.js';
import { FileTextProblem, readImport } from '../domain/import-stream.js';
import { InvalidInputError, UnprocessableError, describeProblems, type FieldProblem } from '../errors.js';
import { withTransaction } from '../database/transactions.js';
import { proposeDuplicates } from './duplicates.js';
import { today } from '../domain/dates.js';
import { analyzeImported, boundedPairSearch } from '../queries/imports.js';
import type { Allowed, BatchCheck, Counts } from './import-merges.js';
import { checkDealPoints } from './import-deal-points.js';
import { checkObservations } from './import-observations.js';
import { checkOperations } from './import-operations.js';

export interface ImportReport {
  kind: ImportKind;
  format: ImportFormat;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  elapsed_ms: number;
  /** Deal points only: pairs of a new point and a point of another source that are likely one place. */
  likely_duplicates?: { count: number; checked_new_points: number; pairs: LikelyDuplicate[] };
}

export interface LikelyDuplicate { new_id: number; new_external_id: string | null; other_id: number; other_source: string; other_external_id: string | null; distance_m: number }

export type ImportProgress = (phase: string, done: number, total: number) => void;

/** Problems kept for the report (the count of rejected rows is always exact). */
const problemsKept = 10_000;

export class ImportRejectedError extends UnprocessableError {
  /** Rows refused because their key is held outside the analyst's departments (for the journal only). */
  foreignKeys = 0;

  constructor(readonly problems: FieldProblem[], readonly rows: number, readonly kind: ImportKind | null = null, readonly format: ImportFormat = 'csv', readonly rejectedRows = new Set(problems.map((p) => p.line)).size) {
    super(problems, `import rejected, nothing stored: ${rejectedRows} of ${rows} row${rows > 1 ? 's' : ''} rejected (${problems.length}${problems.length >= problemsKept ? '+' : ''} problem${problems.length > 1 ? 's' : ''}); first: ${describeProblems(problems.slice(0, 1))}`, 'import_rejected');
  }
}

const batchSize = 5000;

const checkers: Record<ImportKind, (client: pg.PoolClient, records: ImportRecord[], allowed: Allowed) => Promise<BatchCheck>> = {
  'deal-points': (client, records, allowed) => checkDealPoints(client, records as DealPointRecord[], allowed),
  observations: (client, records, allowed) => checkObservations(client, records as ObservationRecord[], allowed),
  operations: (client, records, allowed) => checkOperations(client, records as OperationRecord[], allowed),
};

/** A text as chunks of 64 KiB, so that a file given whole streams like a request body. */
async function* chunksOf(text: string): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += 65536) yield text.slice(i, i + 65536);
}

export interface ImportOptions {
  kind?: ImportKind; format?: ImportFormat; onProgress?: ImportProgress; allowedDepartments?: string[] | null;
  /** The file's size in bytes when known (a request's content-length), to estimate the rows to come. */
  sizeBytes?: number;
}

/**
 * Imports a file given whole (a string) or as chunks (a request body, a file stream). Throws
 * ImportRejectedError (422, every rejected row) or InvalidInputError (400: blank, not UTF-8, NUL byte).
 */
export async function importFile(pool: pg.Pool, input: string | AsyncIterable<string | Uint8Array>, options: ImportOptions = {}): Promise<ImportReport> {
  const started = performance.now();
  const progress = options.onProgress ?? (() => {});
  const allowed = options.allowedDepartments ?? null;
  const sizeBytes = typeof input === 'string' ? input.length : options.sizeBytes;
  try {
    const file = await readImport(typeof input === 'string' ? chunksOf(input) : input, options);
    if (file.blank) throw new InvalidInputError([{ field: 'body', reason: 'send the file as the request body (text/csv or application/geo+json)' }]);
    if (file.problems.length || !file.kind) throw new ImportRejectedError(file.problems, file.rows, file.kind, file.format);
    const kind = file.kind;
    const phase = `writing ${kind.replace('-', ' ')}`;
    const estimate = () => file.expectedRows ?? (sizeBytes && file.bytes ? Math.max(file.rows, Math.round((file.rows * sizeBytes) / file.bytes)) : file.rows);
    const counts = await withTransaction(pool, async (client) => {
      const total: Counts = { inserted: 0, updated: 0, unchanged: 0, newPointIds: [] };
      const problems: FieldProblem[] = [];
      const rejected = new Set<number | undefined>();
      let foreignKeys = 0;
      const note = (found: FieldProblem[]) => {
        for (const p of found) { rejected.add(p.line); if (problems.length < problemsKept) problems.push(p); }
      };
      for await (const batch of file.batches(batchSize)) {
        note(batch.problems);
        if (batch.records.length) {
          const checked = await checkers[kind](client, batch.records, allowed);
          note(checked.problems);
          foreignKeys += checked.foreignKeys ?? 0;
          if (!rejected.size) {
            const written = await checked.write();
            note(written.late ?? []);
            total.inserted += written.inserted; total.updated += written.updated; total.unchanged += written.unchanged;
            total.newPointIds!.push(...(written.newPointIds ?? []));
          }
        }
        progress(rejected.size ? 'reading rows' : phase, file.rows, estimate());
      }
      if (rejected.size) {
        const error = new ImportRejectedError(problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)), file.rows, kind, file.format, rejected.size);
        error.foreignKeys = foreignKeys;
        throw error;
      }
      return total;
    });
    progress(phase, file.rows, file.rows);
    // Large imports refresh the planner's statistics (PGlite has no autovacuum to do it).
    if (file.rows >= 1000) await pool.query(analyzeImported);
    const { newPointIds } = counts;
    const report: ImportReport = { kind, format: file.format, rows: file.rows, inserted: counts.inserted, updated: counts.updated, unchanged: counts.unchanged, elapsed_ms: 0 };
    if (kind === 'deal-points') report.likely_duplicates = await likelyDuplicates(pool, newPointIds ?? [], allowed);
    report.elapsed_ms = Math.round(performance.now() - started);
    return report;
  } catch (error) {
    if (error instanceof FileTextProblem) throw new InvalidInputError([error.problem]);
    throw error;
  }
}

/** New points of one import whose likely duplicates are looked for in its report (the rest: /doublons). */
const duplicatesCheckedInline = 20_000;

/**
 * Pairs of a new point and a point of another source likely to be one place (the first 100, and
 * their count), over the first 20,000 new points: on a million dense points the pair search alone
 * took more than 17 minutes, which the import's answer should not wait for.
 */
async function likelyDuplicates(pool: pg.Pool, allNewPointIds: number[], allowed: Allowed): Promise<NonNullable<ImportReport['likely_duplicates']>> {
  let newPointIds = allNewPointIds.slice(0, duplicatesCheckedInline);
  let proposals: Awaited<ReturnType<typeof proposeDuplicates>> = [];
  if (newPointIds.length) {
    try {
      // Bounded: the import is written; its answer does not wait on a slow pair search (one ran for
      // over 8 minutes on 100,000 dense new points once). Then none is counted as checked.
      proposals = await withTransaction(pool, async (client) => {
        await client.query(boundedPairSearch);
        return proposeDuplicates(client, { departments: allowed, onlyIds: newPointIds, asOf: today(), limit: 100000 });
      });
    } catch (error) {
      if ((error as { code?: string }).code !== '57014') throw error;
      newPointIds = [];
    }
  }
  const fresh = new Set(newPointIds);
  return {
    count: proposals.length, checked_new_points: newPointIds.length,
    pairs: proposals.slice(0, 100).map((p) => {
      const [created, other] = fresh.has(p.a.id) ? [p.a, p.b] : [p.b, p.a];
      return { new_id: created.id, new_external_id: created.external_id, other_id: other.id, other_source: other.source, other_external_id: other.external_id, distance_m: p.distance_m };
    }),
  };
}
