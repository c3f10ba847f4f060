/**
 * Imports a batch of operation rows: valid target geometries, keys not belonging to another
 * department, upsert on (source, external id); the database derives each operation's department
 * from its target, which is then checked against the analyst's departments (before the commit).
 */
import type pg from 'pg';
import { recordKey, type OperationRecord } from '../domain/import-rows.js';
import type { FieldProblem } from '../errors.js';
import * as sql from '../queries/imports.js';
import { outOfScope, refuseForeignKeys, type Allowed, type BatchCheck } from './import-merges.js';

export async function checkOperations(client: pg.PoolClient, records: OperationRecord[], allowed: Allowed): Promise<BatchCheck> {
  const { rows: invalid } = await client.query<{ i: number; reason: string }>(sql.invalidTargets, [records.map((r) => JSON.stringify(r.target))]);
  const problems: FieldProblem[] = invalid.map(({ i, reason }) => ({ line: records[i - 1].line, field: 'target', reason: `invalid geometry: ${reason}` }));
  const foreignKeys = allowed ? await refuseForeignKeys(client, 'operations', records, allowed, problems) : 0;
  return {
    problems, foreignKeys,
    write: async () => {
      const { rows } = await client.query<{ inserted: boolean }>(sql.upsertOperations, [
        records.map((r) => r.name), records.map((r) => r.kind), records.map((r) => r.started_on), records.map((r) => r.ended_on),
        records.map((r) => JSON.stringify(r.target)), records.map((r) => r.arrests), records.map((r) => r.officers_mobilised),
        records.map((r) => r.cannabis_seized_kg), records.map((r) => r.cocaine_seized_kg), records.map((r) => r.cash_seized_eur),
        records.map((r) => r.weapons_seized), records.map((r) => r.source), records.map((r) => r.external_id), records.map((r) => r.dataset),
      ]);
      const inserted = rows.filter((r) => r.inserted).length;
      return { inserted, updated: rows.length - inserted, unchanged: records.length - rows.length, late: allowed ? await outsideDepartments(client, records, allowed) : [] };
    },
  };
}

/** Rows whose target the database placed in a department outside the analyst's (refused: the import rolls back). */
async function outsideDepartments(client: pg.PoolClient, records: OperationRecord[], allowed: string[]): Promise<FieldProblem[]> {
  const { rows } = await client.query<{ external_id: string; source_code: string; department_code: string }>(sql.operationDepartments,
    [records.map((r) => r.source), records.map((r) => r.external_id)]);
  const departmentOf = new Map(rows.map((p) => [recordKey(p.source_code, p.external_id), p.department_code]));
  return records.flatMap((r) => {
    const department = departmentOf.get(recordKey(r.source, r.external_id));
    return department && outOfScope(allowed, department) ? [{ line: r.line, field: 'target', reason: `in department ${department}, outside your departments` }] : [];
  });
}
