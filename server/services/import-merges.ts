/**
 * What the importers share, and the deal point rows that do not simply upsert by key: rows naming a
 * point by its Sillage id (exports of points created in the UI) and rows naming a point merged from
 * several sources (applied by union). Also the refusal of keys that belong to another department.
 */
import type pg from 'pg';
import type { h3CellsAt } from '../domain/h3-cells.js';
import { recordKey, type DealPointRecord } from '../domain/import-rows.js';
import type { FieldProblem } from '../errors.js';
import * as sql from '../queries/imports.js';

/** Rows inserted, updated and left unchanged; the ids of new deal points (for the duplicate proposals). */
export interface Counts {
  inserted: number; updated: number; unchanged: number; newPointIds?: number[];
  /** Problems only the write could find (operations the database placed outside the analyst's departments). */
  late?: FieldProblem[];
}

/**
 * A batch checked against the database: its problems, and how to write it if the file has none;
 * `foreignKeys`: rows refused because their key is held outside the analyst's departments (counted
 * for the journal, where repeated probing of identifiers shows; the answer itself does not say it).
 */
export interface BatchCheck { problems: FieldProblem[]; write: () => Promise<Counts>; foreignKeys?: number }

/** Departments a departmental analyst may write in; null: everywhere. */
export type Allowed = string[] | null;

/** The H3 cells of each deal point row. */
export type Cells = Map<DealPointRecord, ReturnType<typeof h3CellsAt>>;

/** The network a deal point row names, as a key of the networks found (null: none). */
export const networkKey = (r: DealPointRecord) => (r.network_external_id ? recordKey(r.network_source!, r.network_external_id) : null);

export function outOfScope(allowed: Allowed, department: string): boolean {
  return allowed !== null && !allowed.includes(department);
}

const alreadyUsed = 'is already used by another record from this source';

/**
 * Rows whose (source, external id) already belongs to a record outside the analyst's departments
 * are refused with the same words as any key already taken: nothing tells where that record is.
 * Returns how many rows were refused so (the journal keeps the count).
 */
export async function refuseForeignKeys(client: pg.PoolClient, table: 'deal_points' | 'operations', records: { line: number; source: string; external_id: string }[], allowed: string[], problems: FieldProblem[]): Promise<number> {
  if (!records.length) return 0;
  const { rows } = await client.query<{ source_code: string; external_id: string }>(table === 'deal_points' ? sql.foreignDealPointKeys : sql.foreignOperationKeys,
    [records.map((r) => r.source), records.map((r) => r.external_id), allowed]);
  const foreign = new Set(rows.map((r) => recordKey(r.source_code, r.external_id)));
  const refused = records.filter((r) => foreign.has(recordKey(r.source, r.external_id)));
  for (const r of refused) problems.push({ line: r.line, field: 'external_id', reason: alreadyUsed });
  return refused.length;
}

/** A record's status history as the database's text form (`status:date[:operation id]|...`). */
export function historyText(record: DealPointRecord, operationIds: Map<string, number>): string {
  return record.status_history.map((e) => `${e.status}:${e.effective_on}${e.operation ? `:${operationIds.get(e.operation)}` : ''}`).join('|');
}

/**
 * Replaces the status histories of these points by their records'; the points not already given a
 * new version by the upsert (`versioned`) get one: a history change is a change of the point.
 */
export async function replaceHistories(client: pg.PoolClient, changed: { id: number; record: DealPointRecord }[], versioned: Set<number>, operationIds: Map<string, number>): Promise<void> {
  if (!changed.length) return;
  const ids = changed.map((c) => c.id);
  await client.query(sql.deleteStatusEvents, [ids]);
  const events = changed.flatMap(({ id, record }) => record.status_history.map((e) => ({ id, ...e })));
  await client.query(sql.insertStatusEvents,
    [events.map((e) => e.id), events.map((e) => e.status), events.map((e) => e.effective_on), events.map((e) => (e.operation ? operationIds.get(e.operation) : null))]);
  const untouched = ids.filter((id) => !versioned.has(id));
  if (untouched.length) await client.query(sql.bumpVersions, [untouched]);
}

/** Problems of the rows naming a point by Sillage id: unknown (or out of scope), another source's, or one with an external id. */
export async function checkPointsNamedById(client: pg.PoolClient, records: DealPointRecord[], allowed: Allowed, problems: FieldProblem[]): Promise<void> {
  if (!records.length) return;
  const { rows } = await client.query<{ id: string; source_code: string; external_id: string | null; department_code: string }>(sql.pointsNamedById, [records.map((r) => r.point_id)]);
  const points = new Map(rows.map((row) => [Number(row.id), row]));
  for (const r of records) {
    const point = points.get(r.point_id!);
    // A point of another department is as unknown as a missing one.
    if (!point || outOfScope(allowed, point.department_code)) problems.push({ line: r.line, field: 'id', reason: `no deal point #${r.point_id}: give external_id to create a point` });
    else if (point.external_id !== null) problems.push({ line: r.line, field: 'external_id', reason: `is required: point #${r.point_id} is known by its external id "${point.external_id}"` });
    else if (point.source_code !== r.source) problems.push({ line: r.line, field: 'source', reason: `point #${r.point_id} comes from ${point.source_code}, not ${r.source}` });
  }
}

/** Applies the rows naming a point by Sillage id: place and fields where they differ, then histories. */
export async function updatePointsNamedById(
  client: pg.PoolClient, batch: DealPointRecord[], cells: Cells, networkIds: Map<string, number>, operationIds: Map<string, number>, counts: Counts,
): Promise<void> {
  const cellsOf = batch.map((r) => cells.get(r)!);
  const { rows: updated } = await client.query<{ id: string }>(sql.updatePointsById, [
    batch.map((r) => r.point_id), batch.map((r) => r.longitude), batch.map((r) => r.latitude),
    cellsOf.map((c) => c.h3_r7), cellsOf.map((c) => c.h3_r8), cellsOf.map((c) => c.h3_r9), batch.map((r) => r.products.join('|')),
    batch.map((r) => { const key = networkKey(r); return key ? networkIds.get(key) : null; }), batch.map((r) => r.dataset),
  ]);
  const versioned = new Set(updated.map((row) => Number(row.id)));
  const { rows: current } = await client.query<{ id: string; history: string | null }>(sql.historiesById, [batch.map((r) => r.point_id)]);
  const histories = new Map(current.map((row) => [Number(row.id), row.history]));
  const changed = batch.filter((r) => histories.get(r.point_id!) !== historyText(r, operationIds)).map((record) => ({ id: record.point_id!, record }));
  await replaceHistories(client, changed, versioned, operationIds);
  const changedIds = new Set(changed.map((c) => c.id));
  for (const r of batch) {
    if (versioned.has(r.point_id!) || changedIds.has(r.point_id!)) counts.updated++;
    else counts.unchanged++;
  }
}

/**
 * The rows whose key names a point merged from several sources (key -> point id). A merged point
 * outside the analyst's departments gets the same "already used" as any foreign key.
 */
export async function mergedPointsOf(client: pg.PoolClient, records: DealPointRecord[], allowed: Allowed, problems: FieldProblem[]): Promise<{ targets: Map<string, number>; foreignKeys: number }> {
  const targets = new Map<string, number>();
  if (!records.length) return { targets, foreignKeys: 0 };
  const { rows } = await client.query<{ source_code: string; external_id: string; deal_point_id: number; department_code: string }>(sql.mergedPointsByKey,
    [records.map((r) => r.source), records.map((r) => r.external_id)]);
  const foreign = new Set<string>();
  for (const row of rows) {
    const key = recordKey(row.source_code, row.external_id);
    if (outOfScope(allowed, row.department_code)) foreign.add(key);
    else targets.set(key, Number(row.deal_point_id));
  }
  let foreignKeys = 0;
  for (const r of records) {
    if (foreign.has(recordKey(r.source, r.external_id)) && !problems.some((p) => p.line === r.line && p.field === 'external_id')) {
      problems.push({ line: r.line, field: 'external_id', reason: alreadyUsed });
      foreignKeys++;
    }
  }
  return { targets, foreignKeys };
}

/** Applies rows to merged points by union: the status events and products they add, nothing removed, the place kept. */
export async function applyToMergedPoints(client: pg.PoolClient, records: DealPointRecord[], targets: Map<string, number>, operationIds: Map<string, number>, counts: Counts): Promise<void> {
  for (const record of records) {
    const id = targets.get(recordKey(record.source, record.external_id))!;
    const events = await client.query(sql.addStatusEventsToMerged, [id, record.status_history.map((e) => e.status), record.status_history.map((e) => e.effective_on),
      record.status_history.map((e) => (e.operation ? operationIds.get(e.operation) ?? null : null))]);
    const products = await client.query(sql.addProductsToMerged, [id, record.products]);
    if ((events.rowCount ?? 0) > 0 && !products.rowCount) await client.query(sql.bumpVersions, [[id]]);
    if ((events.rowCount ?? 0) > 0 || products.rowCount) counts.updated++;
    else counts.unchanged++;
  }
}
