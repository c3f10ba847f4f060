/**
 * The records of an import file, one kind at a time (deal points, observations, operations): each
 * raw row read into a validated record or a list of problems naming line, field and reason, and a
 * validator that also refuses a key given twice in one file. Pure: no I/O; what only the database
 * can check (commune, known references) is checked by the import service. Reading the file itself
 * (CSV, GeoJSON, whole or streamed) is in import-files.ts.
 */
import type { FieldProblem } from './problems.js';
import type { StatusEvent } from './status-history.js';
import { RowReader, type RawRow } from './import-row-reader.js';
export const importKinds = ['deal-points', 'observations', 'operations'] as const;
export type ImportKind = (typeof importKinds)[number];
export type ImportFormat = 'csv' | 'geojson';

import { datasetCodes, operationKindCodes, productCodes, serviceCodes } from './vocabulary.js';

export type { RawRow };

/** A dated status; `operation` is the external id of the operation that caused it, if any. */
export interface ImportedStatus extends StatusEvent { operation?: string }

/**
 * A deal point row. `external_id` is empty when the row names, by `point_id` (its Sillage id, the
 * export's `id` column), a point that has no external id (one created in the UI): such a row
 * updates that point and never creates one, so that an export re-imports unchanged.
 */
export interface DealPointRecord {
  line: number; source: string; external_id: string; point_id: number | null; longitude: number; latitude: number;
  products: string[]; network_external_id: string | null; network_source: string | null; dataset: string; status_history: ImportedStatus[];
}
export interface ObservationRecord {
  line: number; source: string; deal_point_source: string; deal_point_external_id: string; observed_on: string;
  activity_level: number | null; estimated_daily_transactions: number | null;
}
export interface OperationRecord {
  line: number; source: string; external_id: string; name: string; kind: string; started_on: string; ended_on: string | null;
  target: GeoJSON.Polygon | GeoJSON.MultiPolygon; dataset: string;
  arrests: number | null; officers_mobilised: number | null; cannabis_seized_kg: number | null; cocaine_seized_kg: number | null;
  cash_seized_eur: number | null; weapons_seized: number | null;
}
export type ImportRecord = DealPointRecord | ObservationRecord | OperationRecord;

export interface ParsedImport<R> { kind: ImportKind; format: ImportFormat; rowCount: number; records: R[]; problems: FieldProblem[] }


/**
 * A status history given as a list of objects `{status, effective_on, operation_id | operation}`
 * (as the API returns it) in the importer's text form; an operation by internal id is written `#id`.
 * Null if an item is not such an object.
 * @example statusHistoryText([{ status: 'active', effective_on: '2023-01-15', operation_id: null }]) // 'active:2023-01-15'
 */
export function statusHistoryText(items: readonly unknown[]): string | null {
  const parts: string[] = [];
  for (const item of items) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) return null;
    const { status, effective_on: effectiveOn, operation_id: operationId, operation } = item as Record<string, unknown>;
    if (typeof status !== 'string' || typeof effectiveOn !== 'string') return null;
    let reference = '';
    if (typeof operation === 'string' && operation !== '') reference = `:${operation}`;
    else if (typeof operationId === 'number' && Number.isInteger(operationId) && operationId > 0) reference = `:#${operationId}`;
    else if (operationId !== undefined && operationId !== null) return null;
    parts.push(`${status}:${effectiveOn}${reference}`);
  }
  return parts.join('|');
}

function readDealPoint(row: RawRow): { record: DealPointRecord | null; problems: FieldProblem[] } {
  const r = new RowReader(row);
  const source = r.oneOf('source', serviceCodes);
  // Without an external id, the Sillage id of an existing point (exports of points created in the UI).
  const pointId = r.raw('external_id') === undefined && r.raw('id') !== undefined ? r.number('id', { integer: true, min: 1 }) : null;
  const externalId = pointId !== null || (r.raw('external_id') === undefined && r.raw('id') !== undefined) ? '' : r.text('external_id', { required: true, max: 100 });
  const location = r.location(row.geometry);
  const products = r.list('products', productCodes);
  // A network by external id, or (the API's own GeoJSON) by internal id, written `#id`.
  const networkId = r.raw('network_external_id') === undefined ? r.number('network_id', { integer: true, min: 1 }) : null;
  const network = networkId !== null ? `#${networkId}` : r.text('network_external_id', { max: 100 });
  const networkSource = r.raw('network_source') !== undefined ? r.oneOf('network_source', serviceCodes) : null;
  const dataset = r.oneOf('dataset', datasetCodes, 'real');
  const history = r.statusHistory();
  if (r.problems.length || !source || (externalId === null) || (!externalId && pointId === null) || !location || !dataset) return { record: null, problems: r.problems };
  return {
    record: { line: row.line, source, external_id: externalId, point_id: pointId, ...location, products, network_external_id: network, network_source: network ? networkSource ?? source : null, dataset, status_history: history },
    problems: [],
  };
}

function readObservation(row: RawRow): { record: ObservationRecord | null; problems: FieldProblem[] } {
  const r = new RowReader(row);
  const source = r.oneOf('source', serviceCodes);
  const dealPointSource = r.raw('deal_point_source') !== undefined ? r.oneOf('deal_point_source', serviceCodes) : source;
  const dealPointExternalId = r.text('deal_point_external_id', { required: true, max: 100 });
  const observedOn = r.date('observed_on', true);
  const level = r.number('activity_level', { integer: true, min: 0, max: 4 });
  const transactions = r.number('estimated_daily_transactions', { integer: true, min: 0, max: 100000 });
  if (level === null && transactions === null && r.raw('activity_level') === undefined && r.raw('estimated_daily_transactions') === undefined) {
    r.problems.push({ line: row.line, field: 'activity_level', reason: 'give activity_level (0-4) or estimated_daily_transactions' });
  }
  if (r.problems.length || !source || !dealPointSource || !dealPointExternalId || !observedOn) return { record: null, problems: r.problems };
  return {
    record: { line: row.line, source, deal_point_source: dealPointSource, deal_point_external_id: dealPointExternalId, observed_on: observedOn, activity_level: level, estimated_daily_transactions: transactions },
    problems: [],
  };
}

function readOperation(row: RawRow): { record: OperationRecord | null; problems: FieldProblem[] } {
  const r = new RowReader(row);
  const source = r.oneOf('source', serviceCodes);
  const externalId = r.text('external_id', { required: true, max: 100 });
  const name = r.text('name', { required: true, max: 200 });
  const kind = r.oneOf('kind', operationKindCodes);
  const startedOn = r.date('started_on', true);
  const endedOn = r.date('ended_on', false);
  if (startedOn && endedOn && endedOn < startedOn) r.problems.push({ line: row.line, field: 'ended_on', reason: `${endedOn} is before started_on ${startedOn}` });
  const target = r.area(row.geometry);
  const dataset = r.oneOf('dataset', datasetCodes, 'real');
  const outcomes = {
    arrests: r.number('arrests', { integer: true, min: 0 }),
    officers_mobilised: r.number('officers_mobilised', { integer: true, min: 0 }),
    cannabis_seized_kg: r.number('cannabis_seized_kg', { min: 0 }),
    cocaine_seized_kg: r.number('cocaine_seized_kg', { min: 0 }),
    cash_seized_eur: r.number('cash_seized_eur', { min: 0 }),
    weapons_seized: r.number('weapons_seized', { integer: true, min: 0 }),
  };
  if (r.problems.length || !source || !externalId || !name || !kind || !startedOn || !target || !dataset) return { record: null, problems: r.problems };
  return {
    record: { line: row.line, source, external_id: externalId, name, kind, started_on: startedOn, ended_on: endedOn, target, dataset, ...outcomes },
    problems: [],
  };
}

const readers = { 'deal-points': readDealPoint, observations: readObservation, operations: readOperation } as const;

/** Key that must be unique within one file, so a file cannot contradict itself. */
function uniqueKey(kind: ImportKind, record: ImportRecord): string {
  if (kind === 'observations') {
    const o = record as ObservationRecord;
    return `${o.deal_point_source}/${o.deal_point_external_id}/${o.observed_on}/${o.source}`;
  }
  if (kind === 'deal-points' && (record as DealPointRecord).point_id !== null) return `#${(record as DealPointRecord).point_id}`;
  const r = record as DealPointRecord | OperationRecord;
  return `${r.source}/${r.external_id}`;
}

/**
 * Validates the rows of one file in order, remembering each key (source and external id, or the
 * observation's point, date and source) so that a file cannot contradict itself: a key given twice
 * refuses the later row. Memory grows with the keys only, never with the rows' contents.
 */
export class RowValidator {
  private readonly seen = new Map<string, number>();
  constructor(readonly kind: ImportKind) {}

  check(row: RawRow): { record: ImportRecord | null; problems: FieldProblem[] } {
    const { record, problems } = readers[this.kind](row);
    if (!record) return { record: null, problems };
    const key = uniqueKey(this.kind, record);
    const earlier = this.seen.get(key);
    if (earlier !== undefined) {
      return { record: null, problems: [{ line: row.line, field: this.kind === 'observations' ? 'observed_on' : 'external_id', reason: `duplicates line ${earlier} of this file` }] };
    }
    this.seen.set(key, row.line);
    return { record, problems };
  }
}

/** The key of a deal point or operation of a source, as the importer's maps and sets hold it. */
export function recordKey(source: string, externalId: string): string {
  return `${source}\u0000${externalId}`;
}

/** The source and external id of a key made by recordKey. */
export function splitKey(key: string): [source: string, externalId: string] {
  const at = key.indexOf('\u0000');
  return [key.slice(0, at), key.slice(at + 1)];
}
