/** Imports a batch of observation rows: each must name a known deal point of the analyst's departments; upsert on (point, date, source). */
import type pg from 'pg';
import { recordKey, splitKey, type ObservationRecord } from '../domain/import-rows.js';
import type { FieldProblem } from '../errors.js';
import * as sql from '../queries/imports.js';
import { outOfScope, type Allowed, type BatchCheck, type Counts } from './import-merges.js';

const pointKey = (r: ObservationRecord) => recordKey(r.deal_point_source, r.deal_point_external_id);

export async function checkObservations(client: pg.PoolClient, records: ObservationRecord[], allowed: Allowed): Promise<BatchCheck> {
  const keys = [...new Set(records.map(pointKey))];
  const { rows: points } = await client.query<{ source_code: string; external_id: string; id: number; department_code: string }>(sql.pointsByIdentifier,
    [keys.map((k) => splitKey(k)[0]), keys.map((k) => splitKey(k)[1])]);
  // A point of another department is as unknown as a missing one.
  const pointIds = new Map(points.filter((p) => !outOfScope(allowed, p.department_code)).map((p) => [recordKey(p.source_code, p.external_id), p.id]));
  const problems: FieldProblem[] = records.filter((r) => !pointIds.has(pointKey(r)))
    .map((r) => ({ line: r.line, field: 'deal_point_external_id', reason: `no deal point "${r.deal_point_external_id}" from source ${r.deal_point_source}` }));
  return {
    problems,
    write: async () => {
      const { rows } = await client.query<{ inserted: boolean }>(sql.upsertObservations, [
        records.map((r) => pointIds.get(pointKey(r))), records.map((r) => r.observed_on),
        records.map((r) => r.activity_level), records.map((r) => r.estimated_daily_transactions), records.map((r) => r.source),
      ]);
      const inserted = rows.filter((r) => r.inserted).length;
      return { inserted, updated: rows.length - inserted, unchanged: records.length - rows.length } satisfies Counts;
    },
  };
}
