/** Deal points: reads and writes over the queries in queries/deal-points.ts. */
import type pg from 'pg';
import { h3CellsAt } from '../domain/h3-cells.js';
import { statusHistoryProblems, type StatusEvent } from '../domain/status-history.js';
import { pointProblems } from '../domain/geojson-checks.js';
import { NotFoundError, UnprocessableError, InvalidInputError, type FieldProblem } from '../errors.js';
import * as sql from '../queries/deal-points.js';
import type { DealPointCreateInput, DealPointQueryInput, DealPointUpdateInput, StatusChangeInput } from '../schemas/deal-points.js';
import { withTransaction } from '../database/transactions.js';
import { updateVersionedRow, deleteVersionedRow, throwMissingOrStale, type Assignment } from './versioned-rows.js';
import { parseBbox } from './filters.js';
import { dateWindowProblems, today } from '../domain/dates.js';

export interface DealPointRow {
  id: number; longitude: number; latitude: number; commune_insee: string; commune_name: string; department_code: string;
  size_class: string; h3_r7: string; h3_r8: string; h3_r9: string; products: string[]; source: string;
  external_id: string | null; network_id: number | null; dataset: string; version: number; created_at: Date; updated_at: Date;
  status: StatusEvent['status'] | null; status_history: { status: StatusEvent['status']; effective_on: string; operation_id: number | null }[];
}

const round7 = (value: number) => Math.round(value * 1e7) / 1e7 + 0;

export function dealPointFeature(row: DealPointRow) {
  const { id, longitude, latitude, ...properties } = row;
  return {
    type: 'Feature' as const,
    id,
    // 7 decimals (about 1 cm): the stored position, without the float noise of ST_X/ST_Y.
    geometry: { type: 'Point' as const, coordinates: [round7(longitude), round7(latitude)] },
    properties: { ...properties, created_at: row.created_at.toISOString(), updated_at: row.updated_at.toISOString() },
  };
}


export async function getDealPoint(db: pg.Pool | pg.PoolClient, id: number, at = today()) {
  const { rows } = await db.query<DealPointRow>(sql.selectDealPointById, [at, id]);
  if (rows.length === 0) throw new NotFoundError('deal point', id);
  return dealPointFeature(rows[0]);
}

/** Department of the commune holding a location, or null outside France. */
export async function departmentAt(db: pg.Pool, longitude: number, latitude: number): Promise<string | null> {
  const { rows } = await db.query<{ department_code: string }>(sql.departmentAt, [longitude, latitude]);
  return rows[0]?.department_code ?? null;
}

/** Which of operations `ids` lie in departments `scope` (a write may refer only to those). */
export async function operationsInScope(db: pg.Pool, ids: readonly number[], scope: readonly string[]): Promise<Set<number>> {
  const { rows } = await db.query<{ id: number }>(sql.scopedOperationIds, [ids, scope]);
  return new Set(rows.map((r) => Number(r.id)));
}

export async function listDealPoints(db: pg.Pool, query: DealPointQueryInput, departmentCodes: string[] | null = null) {
  const at = query.at ?? today();
  const bbox = query.bbox ? parseBbox(query.bbox, 'bbox') : [null, null, null, null];
  if (query.from || query.to) {
    const windowProblems = dateWindowProblems(query.from, query.to);
    if (windowProblems.length) throw new InvalidInputError(windowProblems);
  }
  const limit = query.limit ?? 100;
  const { rows } = await db.query<DealPointRow>(sql.listDealPoints, [
    at, ...bbox, query.commune || null, query.department || null, departmentCodes, query.source || null, query.dataset || null,
    query.network_id ?? null, query.product || null, query.min_sources ?? null, query.from || null, query.to || null,
    query.after ?? null, query.status?.length ? query.status : null, limit + 1,
  ]);
  const page = rows.slice(0, limit);
  return {
    type: 'FeatureCollection' as const,
    features: page.map(dealPointFeature),
    next: rows.length > limit ? page[page.length - 1].id : null,
  };
}

function locationOf(location: { coordinates: number[] }, field: string): { longitude: number; latitude: number } {
  const problems = pointProblems(location, field);
  if (problems.length) throw new UnprocessableError(problems);
  return { longitude: location.coordinates[0], latitude: location.coordinates[1] };
}

function checkedHistory(history: StatusEvent[], field: string): StatusEvent[] {
  const problems: FieldProblem[] = statusHistoryProblems(history, field);
  if (problems.length) throw new UnprocessableError(problems);
  return history;
}

async function writeHistory(client: pg.PoolClient, id: number, history: StatusEvent[]): Promise<void> {
  await client.query(sql.insertStatusEvents, [
    id, history.map((e) => e.status), history.map((e) => e.effective_on), history.map((e) => e.operation_id ?? null),
  ]);
}

export async function createDealPoint(pool: pg.Pool, input: DealPointCreateInput) {
  const { longitude, latitude } = locationOf(input.location, 'body.location');
  const history = checkedHistory(input.status_history, 'body.status_history');
  const cells = h3CellsAt(longitude, latitude);
  const id = await withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ id: number }>(sql.insertDealPoint, [
      longitude, latitude, cells.h3_r7, cells.h3_r8, cells.h3_r9, input.products ?? [], input.source,
      input.external_id ?? null, input.network_id ?? null, input.dataset ?? 'real',
    ]);
    await writeHistory(client, rows[0].id, history);
    return rows[0].id;
  });
  return getDealPoint(pool, id);
}

export async function updateDealPoint(pool: pg.Pool, id: number, input: DealPointUpdateInput) {
  const assignments: Assignment[] = [];
  if (input.location) {
    const { longitude, latitude } = locationOf(input.location, 'body.location');
    const cells = h3CellsAt(longitude, latitude);
    assignments.push(
      { column: 'geom', sql: `ST_SetSRID(ST_GeomFromGeoJSON(?), 4326)`, value: JSON.stringify({ type: 'Point', coordinates: [longitude, latitude] }) },
      { column: 'h3_r7', sql: '?', value: cells.h3_r7 }, { column: 'h3_r8', sql: '?', value: cells.h3_r8 }, { column: 'h3_r9', sql: '?', value: cells.h3_r9 },
    );
  }
  if (input.source !== undefined) assignments.push({ column: 'source_code', sql: '?', value: input.source });
  if (input.external_id !== undefined) assignments.push({ column: 'external_id', sql: '?', value: input.external_id });
  if (input.products !== undefined) assignments.push({ column: 'products', sql: '?::text[]', value: input.products });
  if (input.network_id !== undefined) assignments.push({ column: 'network_id', sql: '?', value: input.network_id });
  if (input.dataset !== undefined) assignments.push({ column: 'dataset', sql: '?', value: input.dataset });
  const history = input.status_history ? checkedHistory(input.status_history, 'body.status_history') : null;
  await withTransaction(pool, async (client) => {
    await updateVersionedRow(client, 'deal_points', id, input.version, assignments);
    if (history) {
      await client.query(sql.deleteStatusEvents, [id]);
      await writeHistory(client, id, history);
    }
  });
  return getDealPoint(pool, id);
}

/** Appends one dated status (dismantled, reopened...) after checking it against the history. */
export async function changeDealPointStatus(pool: pg.Pool, id: number, input: StatusChangeInput) {
  await withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ version: number; status: StatusEvent['status']; effective_on: string; operation_id: number | null }>(
      sql.selectStatusHistoryForUpdate, [id],
    );
    if (rows.length === 0) throw new NotFoundError('deal point', id);
    if (rows[0].version !== input.version) await throwMissingOrStale(client, 'deal_points', id, input.version);
    const history = rows.filter((r) => r.status !== null).map((r) => ({ status: r.status, effective_on: r.effective_on, operation_id: r.operation_id }));
    const next = { status: input.status, effective_on: input.effective_on, operation_id: input.operation_id ?? null };
    const problems = statusHistoryProblems([...history, next]).filter((p) => p.field.startsWith(`status_history.${history.length}`));
    if (problems.length) throw new UnprocessableError(problems.map((p) => ({ ...p, field: `body.${p.field.split('.').pop()}` })));
    await writeHistory(client, id, [next]);
    await updateVersionedRow(client, 'deal_points', id, input.version, []);
  });
  return getDealPoint(pool, id);
}

export async function deleteDealPoint(pool: pg.Pool, id: number, version: number): Promise<void> {
  await deleteVersionedRow(pool, 'deal_points', id, version);
}
