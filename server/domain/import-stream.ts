/**
 * Reads an import file streamed as chunks, so that a file of a million rows never sits in memory:
 * the start tells the format and (CSV) the header, then rows are parsed, validated and handed out in
 * batches while the rest is still arriving. Pure: it consumes the chunks it is given (csv-parse's
 * streaming parser is a transform over them); the service writes each batch.
 *
 * GeoJSON is one JSON document: it is read whole, then handed out in batches like CSV.
 */
import { Parser } from 'csv-parse';
import type { FieldProblem } from './problems.js';
import { csvOptions, detectDelimiter, detectFormat, headerColumns, inferKind, kindProblem, noRowsProblem, readGeoJson, wholeFileProblems } from './import-files.js';
import { RowValidator, type ImportFormat, type ImportKind, type ImportRecord, type RawRow } from './import-rows.js';

/** The file is not text the importer can read at all (not UTF-8, a NUL byte): a 400 naming the body. */
export class FileTextProblem extends Error {
  constructor(readonly problem: FieldProblem) { super(problem.reason); }
}

export interface ImportBatch { records: ImportRecord[]; problems: FieldProblem[] }

export interface StreamedImport {
  format: ImportFormat;
  /** Null when it cannot be told (then `problems` says why). */
  kind: ImportKind | null;
  /** True when the file holds nothing but white space. */
  blank: boolean;
  /** Problems of the file as a whole (no header, unreadable GeoJSON, unknown kind): no batch follows. */
  problems: FieldProblem[];
  /** Rows read so far; after the last batch, the file's row count. */
  readonly rows: number;
  /** Bytes (or characters, for text chunks) read so far. */
  readonly bytes: number;
  /** The file's row count when known before its rows are handed out (GeoJSON, read whole). */
  readonly expectedRows: number | null;
  /** The validated records and the rows' own problems, `size` rows at a time. */
  batches(size: number): AsyncGenerator<ImportBatch>;
}

/** Characters handed to the parser at a time. */
const slice = 16_384;

const notUtf8 = 'is not valid UTF-8 text: save the file as UTF-8 (it looks like Latin-1 / Windows-1252)';

function newlines(text: string, end = text.length): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/** The chunks as UTF-8 text, refused at the first invalid byte or NUL byte (with its line). */
async function* utf8Text(chunks: AsyncIterable<string | Uint8Array>, read: { bytes: number }): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  const checked = (text: string) => {
    const nul = text.indexOf('\u0000');
    if (nul >= 0) throw new FileTextProblem({ field: 'body', line: line + newlines(text, nul), reason: 'contains a NUL byte: is it a binary file?' });
    line += newlines(text);
    return text;
  };
  for await (const chunk of chunks) {
    let text: string;
    try { text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }); } catch { throw new FileTextProblem({ field: 'body', reason: notUtf8 }); }
    const size = typeof chunk === 'string' ? chunk.length : chunk.byteLength;
    if (!text) { read.bytes += size; continue; }
    checked(text);
    // Handed on in slices, each counted as its share of the chunk's bytes when the parser takes it:
    // `bytes` follows the parsing, so the rows still to come can be estimated from the file's size.
    let counted = 0;
    for (let at = 0; at < text.length; at += slice) {
      const piece = text.slice(at, at + slice);
      const share = at + slice >= text.length ? size - counted : Math.round((size * piece.length) / text.length);
      counted += share;
      read.bytes += share;
      yield piece;
    }
  }
  let tail: string;
  try { tail = decoder.decode(); } catch { throw new FileTextProblem({ field: 'body', reason: notUtf8 }); }
  if (tail) yield checked(tail);
}

/** Opens a file given as chunks (a request body, a file stream, or one string). */
export async function readImport(chunks: AsyncIterable<string | Uint8Array>, options: { kind?: ImportKind; format?: ImportFormat } = {}): Promise<StreamedImport> {
  const read = { bytes: 0, rows: 0 };
  const text = utf8Text(chunks, read);
  // Enough of the start to tell the format and to hold the CSV header line.
  let start = '';
  let ended = false;
  while (!ended && !(/\S/.test(start) && (detectFormat(start) === 'geojson' || /\S[^\n]*\n/.test(start)))) {
    const next = await text.next();
    if (next.done) ended = true;
    else start += next.value;
  }
  const body = start.replace(/^\uFEFF/, '');
  const format: ImportFormat = options.format ?? detectFormat(start);
  const blank = ended && body.trim() === '';
  const opened = (kind: ImportKind | null, problems: FieldProblem[], batches: StreamedImport['batches'], expectedRows: number | null = null): StreamedImport => ({
    format, blank, kind, problems, batches, expectedRows, get rows() { return read.rows; }, get bytes() { return read.bytes; },
  });

  if (format === 'geojson') {
    let whole = start;
    for await (const piece of text) whole += piece;
    const { rows, problems, columns } = readGeoJson(whole);
    whole = '';
    const kind = options.kind ?? inferKind(columns, format, (rows[0]?.geometry as { type?: string } | undefined)?.type);
    const fileProblems = wholeFileProblems(kind, problems, rows.length);
    return opened(kind, fileProblems, async function* batches(size) {
      const validator = new RowValidator(kind!);
      for (let i = 0; i < rows.length; i += size) {
        const batch: ImportBatch = { records: [], problems: [] };
        for (const row of rows.slice(i, i + size)) add(batch, validator.check(row));
        read.rows = Math.min(rows.length, i + size);
        yield batch;
      }
    }, rows.length);
  }

  const headerLine = body.split(/\r?\n/, 1)[0] ?? '';
  if (!headerLine.trim()) return opened(options.kind ?? null, [{ line: 1, field: 'header', reason: 'the file is empty or has no header line' }], nothing);
  const delimiter = detectDelimiter(headerLine);
  const kind = options.kind ?? inferKind(headerColumns(headerLine, delimiter), format);
  if (!kind) return opened(kind, [kindProblem], nothing);
  return opened(kind, [], async function* batches(size) {
    const parser = new Parser({ ...csvOptions, delimiter });
    const write = (piece: string) => (parser.write(piece) ? Promise.resolve() : new Promise<void>((resolve) => {
      const go = () => { parser.off('drain', go); parser.off('close', go); resolve(); };
      parser.on('drain', go);
      parser.on('close', go);
    }));
    const feed = async () => {
      try {
        await write(start);
        start = '';
        for await (const piece of text) { if (parser.destroyed) return; await write(piece); }
        parser.end();
      } catch (error) { parser.destroy(error as Error); }
    };
    void feed();
    const validator = new RowValidator(kind);
    let batch: ImportBatch = { records: [], problems: [] };
    let inBatch = 0;
    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
        read.rows++;
        add(batch, validator.check({ line: info.lines, values: record, fieldPrefix: '' }));
        if (++inBatch >= size) { yield batch; batch = { records: [], problems: [] }; inBatch = 0; }
      }
    } catch (error) {
      const e = error as { message: string; lines?: number; code?: unknown };
      if (typeof e.code !== 'string' || !e.code.startsWith('CSV_')) throw error;
      batch.problems.push({ line: e.lines ?? 1, field: 'file', reason: `not readable as CSV: ${e.message}` });
    } finally {
      if (!parser.destroyed) parser.destroy();
    }
    if (read.rows === 0 && !batch.problems.length) batch.problems.push(noRowsProblem);
    if (inBatch || batch.problems.length) yield batch;
  });
}

function add(batch: ImportBatch, checked: { record: ImportRecord | null; problems: FieldProblem[] }): void {
  if (checked.record) batch.records.push(checked.record);
  batch.problems.push(...checked.problems);
}

/** No batch: for files refused as a whole. */
async function* nothing(): AsyncGenerator<ImportBatch> { yield* []; }

export type { RawRow };
