import type pg from 'pg';
import { NotFoundError, UnprocessableError, InvalidInputError } from '../errors.js';
import { areaProblems } from '../domain/geojson-checks.js';
import type { Static } from 'typebox';
import { outcomeColumns, type OperationFeature, type OperationCreateInput, type OperationQueryInput, type OperationUpdateInput } from '../schemas/records.js';
import { updateVersionedRow, deleteVersionedRow, type Assignment } from './versioned-rows.js';
import { parseBbox } from './filters.js';
import { rfc7946Geometry } from '../domain/rfc7946.js';
import * as sql from '../queries/operations.js';
import { dateWindowProblems } from '../domain/dates.js';

type OperationAnswer = Static<typeof OperationFeature>;
/** A row of `operationColumns` (the database's types: see the query). */
type OperationRow = OperationAnswer['properties'] & { id: number; target: GeoJSON.MultiPolygon | null };

function operationFeature(row: OperationRow): OperationAnswer {
  const { id, target, ...properties } = row;
  return { type: 'Feature' as const, id, geometry: target ? rfc7946Geometry(target) as OperationAnswer['geometry'] : null, properties };
}

export async function getOperation(db: pg.Pool | pg.PoolClient, id: number) {
  const { rows } = await db.query(sql.getOperation, [id]);
  if (rows.length === 0) throw new NotFoundError('operation', id);
  return operationFeature(rows[0]);
}

/**
 * `departmentCodes`: restrict to these departments (null: all); `endedOnly`: leave out operations
 * still under way (for deputies).
 */
export async function listOperations(db: pg.Pool, query: OperationQueryInput, departmentCodes: string[] | null = null, endedOnly = false) {
  const windowProblems = dateWindowProblems(query.from, query.to);
  if (windowProblems.length) throw new InvalidInputError(windowProblems);
  const bbox = query.bbox ? parseBbox(query.bbox, 'bbox') : null;
  const limit = query.limit ?? 100;
  const { rows } = await db.query(
    sql.listOperations,
    [bbox?.[0] ?? null, bbox?.[1] ?? null, bbox?.[2] ?? null, bbox?.[3] ?? null, query.department ?? null, query.kind ?? null,
      query.from ?? null, query.to ?? null, query.dataset ?? null, query.after ?? 0, limit + 1, departmentCodes, endedOnly],
  );
  const page = rows.slice(0, limit);
  return { type: 'FeatureCollection' as const, features: page.map(operationFeature), next: rows.length > limit ? page[page.length - 1].id : null };
}

/** Structural checks here, geometric validity by PostGIS (ST_IsValidReason), so both databases agree. */
export async function checkedTarget(db: pg.Pool | pg.PoolClient, target: unknown, field: string): Promise<string> {
  const problems = areaProblems(target, field);
  if (problems.length) throw new UnprocessableError(problems);
  const geojson = JSON.stringify(target);
  const { rows } = await db.query<{ valid: boolean; reason: string }>(
    sql.geometryValidity, [geojson],
  );
  if (!rows[0].valid) throw new UnprocessableError([{ field, reason: `invalid geometry: ${rows[0].reason}` }]);
  return geojson;
}

const targetSql = sql.targetExpression;

function checkDates(started: string | undefined, ended: string | null | undefined) {
  if (started && ended && ended < started) throw new UnprocessableError([{ field: 'body.ended_on', reason: `must not be before started_on (${started})` }]);
}

/** Department an operation's target would be attributed to (as the database trigger does). */
export async function departmentOfTarget(db: pg.Pool, geojson: string): Promise<string | null> {
  const { rows } = await db.query<{ code: string }>(
    sql.departmentOfTarget, [geojson],
  );
  return rows[0]?.code ?? null;
}

export async function createOperation(pool: pg.Pool, input: OperationCreateInput, assertDepartment: (code: string) => void = () => {}) {
  checkDates(input.started_on, input.ended_on);
  const geojson = await checkedTarget(pool, input.target, 'body.target');
  const department = await departmentOfTarget(pool, geojson);
  if (department) assertDepartment(department);
  const { rows } = await pool.query<{ id: number }>(
    sql.insertOperation,
    [input.name, input.kind, input.started_on, input.ended_on ?? null, geojson, ...outcomeColumns.map((c) => input[c] ?? null),
      input.source ?? null, input.external_id ?? null, input.dataset ?? 'real'],
  );
  return getOperation(pool, rows[0].id);
}

export async function updateOperation(pool: pg.Pool, id: number, input: OperationUpdateInput, assertDepartment: (code: string) => void = () => {}) {
  const current = (await getOperation(pool, id)).properties as { started_on: string; ended_on: string | null };
  checkDates(input.started_on ?? current.started_on, input.ended_on === undefined ? current.ended_on : input.ended_on);
  const assignments: Assignment[] = [];
  for (const column of ['name', 'kind', 'started_on', 'ended_on', 'dataset', ...outcomeColumns] as const) {
    if (input[column] !== undefined) assignments.push({ column, sql: '?', value: input[column] });
  }
  if (input.target !== undefined) {
    const geojson = await checkedTarget(pool, input.target, 'body.target');
    const department = await departmentOfTarget(pool, geojson);
    if (department) assertDepartment(department);
    assignments.push({ column: 'target', sql: targetSql, value: geojson });
  }
  await updateVersionedRow(pool, 'operations', id, input.version, assignments);
  return getOperation(pool, id);
}

export async function deleteOperation(pool: pg.Pool, id: number, version: number) {
  await deleteVersionedRow(pool, 'operations', id, version);
}
