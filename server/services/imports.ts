/**
 * Imports a file all-or-nothing: parse and validate every row (domain/import-rows), then, in one
 * transaction, check what only the database knows (commune of each point, referenced records),
 * and upsert on (source, external id) in batches. Any rejected row rolls the whole file back and
 * the report lists every rejected row. Re-running the same file changes nothing (idempotent).
 */
import type pg from 'pg';
import { h3CellsAt } from '../domain/h3-cells.js';
import {
  parseImport, type DealPointRecord, type ImportFormat, type ImportKind, type ObservationRecord, type OperationRecord,
} from '../domain/import-rows.js';
import { UnprocessableError, describeProblems, type FieldProblem } from '../errors.js';
import { withTransaction } from '../database/transactions.js';
import { proposeDuplicates } from './duplicates.js';
import { today } from '../domain/dates.js';
import { historiesById, pointsNamedById, updatePointsById } from '../queries/imports.js';

export interface ImportReport {
  kind: ImportKind;
  format: ImportFormat;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  elapsed_ms: number;
  /** Deal points only: pairs of a new point and a point of another source that are likely one place. */
  likely_duplicates?: { count: number; pairs: LikelyDuplicate[] };
}

export interface LikelyDuplicate { new_id: number; new_external_id: string | null; other_id: number; other_source: string; other_external_id: string | null; distance_m: number }

export type ImportProgress = (phase: string, done: number, total: number) => void;

export class ImportRejectedError extends UnprocessableError {
  constructor(readonly problems: FieldProblem[], rows: number) {
    const rejectedRows = new Set(problems.map((p) => p.line)).size;
    super(problems, `import rejected, nothing stored: ${rejectedRows} of ${rows} row${rows > 1 ? 's' : ''} rejected (${problems.length} problem${problems.length > 1 ? 's' : ''}); first: ${describeProblems(problems.slice(0, 1))}`, 'import_rejected');
  }
}

const batchSize = 5000;

function batches<T>(items: T[], size = batchSize): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

interface Counts { inserted: number; updated: number; unchanged: number; newPointIds?: number[] }

/** Departments a departmental analyst may write in; null: everywhere. */
type Allowed = string[] | null;

function outOfScope(allowed: Allowed, department: string): boolean {
  return allowed !== null && !allowed.includes(department);
}

async function importDealPoints(client: pg.PoolClient, fileRecords: DealPointRecord[], progress: ImportProgress, allowed: Allowed): Promise<Counts> {
  // Rows in spatial order (by H3 cell): consecutive point-in-polygon tests then hit the same commune
  // polygon, which PostGIS keeps prepared between calls (measured on 100k rows: 26.6 s -> 23.1 s).
  const cellsByRecord = new Map(fileRecords.map((r) => [r, h3CellsAt(r.longitude, r.latitude)]));
  const records = [...fileRecords].sort((a, b) => (cellsByRecord.get(a)!.h3_r9 < cellsByRecord.get(b)!.h3_r9 ? -1 : 1));
  // 1. What only the database can check: the commune of each location, the networks named.
  const problems: FieldProblem[] = [];
  const communes: (string | null)[] = [];
  let checked = 0;
  for (const batch of batches(records)) {
    const { rows } = await client.query<{ insee: string | null }>(
      `SELECT commune_at(ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)) AS insee
       FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS t(longitude, latitude, i) ORDER BY i`,
      [batch.map((r) => r.longitude), batch.map((r) => r.latitude)],
    );
    rows.forEach(({ insee }, i) => {
      communes.push(insee);
      if (insee !== null) return;
      const r = batch[i];
      problems.push({ line: r.line, field: 'location', reason: `(${r.longitude}, ${r.latitude}) is not inside any French commune (at sea, abroad?)` });
    });
    checked += batch.length;
    progress('checking locations', checked, records.length);
  }
  if (allowed) {
    const { rows } = await client.query<{ insee: string; department_code: string }>(
      'SELECT insee, department_code FROM communes WHERE insee = ANY($1::text[])', [[...new Set(communes.filter((c): c is string => c !== null))]],
    );
    const departmentOf = new Map(rows.map((r) => [r.insee, r.department_code]));
    records.forEach((r, i) => {
      const department = communes[i] ? departmentOf.get(communes[i]!) : undefined;
      if (department && outOfScope(allowed, department)) problems.push({ line: r.line, field: 'location', reason: `in department ${department}, outside your departments (${allowed.join(', ')})` });
    });
  }
  // 1b. A key already used by a point of another department: that point is not the analyst's to
  // overwrite (or move); the row is refused as a REST create with that key would be.
  const keyed = records.filter((r) => r.point_id === null);
  if (allowed) await refuseForeignKeys(client, 'deal_points', keyed, allowed, problems);
  // 1b'. Rows naming a point by its Sillage id (no external id): that point must exist, in scope,
  // from the row's source and without an external id; the row updates it, never creates one.
  await checkPointsNamedById(client, records.filter((r) => r.point_id !== null), allowed, problems);
  const networkKeys = [...new Set(records.filter((r) => r.network_external_id).map((r) => `${r.network_source}\u0000${r.network_external_id}`))];
  const networkIds = new Map<string, number>();
  if (networkKeys.length) {
    const { rows } = await client.query<{ source_code: string; external_id: string; id: number }>(
      `SELECT k.source AS source_code, k.external_id, n.id FROM networks n
       JOIN unnest($1::text[], $2::text[]) AS k(source, external_id) ON (n.source_code = k.source AND n.external_id = k.external_id) OR '#' || n.id = k.external_id
       WHERE $3::text[] IS NULL OR n.department_code = ANY($3::text[]) OR EXISTS (
         SELECT 1 FROM deal_points d JOIN communes c ON c.insee = d.commune_insee WHERE d.network_id = n.id AND c.department_code = ANY($3::text[]))`,
      [networkKeys.map((k) => k.split('\u0000')[0]), networkKeys.map((k) => k.split('\u0000')[1]), allowed],
    );
    for (const row of rows) networkIds.set(`${row.source_code}\u0000${row.external_id}`, row.id);
    for (const r of records) {
      if (r.network_external_id && !networkIds.has(`${r.network_source}\u0000${r.network_external_id}`)) {
        problems.push({ line: r.line, field: 'network_external_id', reason: `no network "${r.network_external_id}" from source ${r.network_source}` });
      }
    }
  }
  // Operations named in status histories, by external id.
  const operationNames = [...new Set(records.flatMap((r) => r.status_history.map((e) => e.operation).filter((o): o is string => !!o)))];
  const operationIds = new Map<string, number>();
  if (operationNames.length) {
    const { rows } = await client.query<{ external_id: string; ids: number[] }>(
      `SELECT k.name AS external_id, array_agg(o.id ORDER BY o.id) AS ids FROM unnest($1::text[]) AS k(name)
       JOIN operations o ON o.external_id = k.name OR '#' || o.id = k.name
       WHERE $2::text[] IS NULL OR o.department_code = ANY($2::text[]) GROUP BY k.name`, [operationNames, allowed],
    );
    for (const row of rows) if (row.ids.length === 1) operationIds.set(row.external_id, Number(row.ids[0]));
    for (const r of records) {
      for (const e of r.status_history) {
        if (e.operation && !operationIds.has(e.operation)) {
          const ambiguous = rows.some((row) => row.external_id === e.operation);
          problems.push({ line: r.line, field: 'status_history', reason: ambiguous ? `operation "${e.operation}" is ambiguous (several sources use it)` : `no operation "${e.operation}"` });
        }
      }
    }
  }
  // 1c. Rows naming a point merged from several sources (through any of its identifiers) are
  // applied by union: they add the status events and products they bring, never remove what another
  // source brought, never move the point (its place was chosen at the merge).
  const mergedTargets = await mergedPointsOf(client, keyed, allowed, problems);
  if (problems.length) throw new ImportRejectedError(problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)), records.length);

  // 2. Upsert points; a point whose fields are unchanged is left alone (version kept).
  const counts: Counts = { inserted: 0, updated: 0, unchanged: 0, newPointIds: [] };
  const isPlain = (r: DealPointRecord) => r.point_id === null && !mergedTargets.has(`${r.source}\u0000${r.external_id}`);
  const plain = records.filter(isPlain);
  const plainCommunes = communes.filter((_c, i) => isPlain(records[i]));
  if (mergedTargets.size) await applyToMergedPoints(client, keyed.filter((r) => mergedTargets.has(`${r.source}\u0000${r.external_id}`)), mergedTargets, operationIds, counts);
  const byId = records.filter((r) => r.point_id !== null);
  if (byId.length) await updatePointsNamedById(client, byId, cellsByRecord, networkIds, operationIds, counts);
  let written = records.length - plain.length;
  for (const [batchIndex, batch] of batches(plain).entries()) {
    const cells = batch.map((r) => cellsByRecord.get(r)!);
    const batchCommunes = plainCommunes.slice(batchIndex * batchSize, batchIndex * batchSize + batch.length);
    const { rows } = await client.query<{ id: number; external_id: string; source_code: string; inserted: boolean }>(
      `INSERT INTO deal_points AS d (geom, commune_insee, h3_r7, h3_r8, h3_r9, products, source_code, external_id, network_id, dataset)
       SELECT ST_SetSRID(ST_MakePoint(longitude, latitude), 4326), commune_insee, h3_r7, h3_r8, h3_r9,
              CASE WHEN products = '' THEN '{}'::text[] ELSE string_to_array(products, '|') END,
              source_code, external_id, network_id, dataset
       FROM unnest($1::float8[], $2::float8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::text[], $11::text[])
         AS t(longitude, latitude, h3_r7, h3_r8, h3_r9, products, source_code, external_id, network_id, dataset, commune_insee)
       ON CONFLICT (source_code, external_id) DO UPDATE
         SET geom = EXCLUDED.geom, h3_r7 = EXCLUDED.h3_r7, h3_r8 = EXCLUDED.h3_r8, h3_r9 = EXCLUDED.h3_r9,
             products = EXCLUDED.products, network_id = EXCLUDED.network_id, dataset = EXCLUDED.dataset,
             version = d.version + 1, updated_at = now()
         WHERE (ST_AsBinary(d.geom), d.products, d.network_id, d.dataset)
               IS DISTINCT FROM (ST_AsBinary(EXCLUDED.geom), EXCLUDED.products, EXCLUDED.network_id, EXCLUDED.dataset)
       RETURNING d.id, d.external_id, d.source_code, (d.xmax = 0) AS inserted`,
      [
        batch.map((r) => r.longitude), batch.map((r) => r.latitude),
        cells.map((c) => c.h3_r7), cells.map((c) => c.h3_r8), cells.map((c) => c.h3_r9),
        batch.map((r) => r.products.join('|')), batch.map((r) => r.source), batch.map((r) => r.external_id),
        batch.map((r) => (r.network_external_id ? networkIds.get(`${r.network_source}\u0000${r.network_external_id}`) : null)),
        batch.map((r) => r.dataset), batchCommunes,
      ],
    );
    const touched = new Map(rows.map((row) => [`${row.source_code}\u0000${row.external_id}`, row]));
    // 3. Status histories: replace those that differ from the file.
    const { rows: current } = await client.query<{ id: number; source_code: string; external_id: string; history: string | null }>(
      `SELECT d.id, d.source_code, d.external_id,
              (SELECT string_agg(e.status || ':' || e.effective_on || coalesce(':' || e.operation_id, ''), '|' ORDER BY e.effective_on)
                 FROM deal_point_status_events e WHERE e.deal_point_id = d.id) AS history
       FROM deal_points d JOIN unnest($1::text[], $2::text[]) AS k(source_code, external_id)
         ON d.source_code = k.source_code AND d.external_id = k.external_id`,
      [batch.map((r) => r.source), batch.map((r) => r.external_id)],
    );
    const byKey = new Map(current.map((row) => [`${row.source_code}\u0000${row.external_id}`, row]));
    const changedHistories: { id: number; record: DealPointRecord }[] = [];
    for (const record of batch) {
      const key = `${record.source}\u0000${record.external_id}`;
      const row = byKey.get(key)!;
      const historyChanged = row.history !== historyText(record, operationIds);
      if (historyChanged) changedHistories.push({ id: row.id, record });
      const upserted = touched.get(key);
      if (upserted?.inserted) counts.newPointIds!.push(Number(upserted.id));
      if (upserted?.inserted) counts.inserted++;
      else if (upserted || historyChanged) counts.updated++;
      else counts.unchanged++;
    }
    // A history change on an otherwise unchanged point is still a new version.
    await replaceHistories(client, changedHistories, new Set(changedHistories.filter(({ record }) => touched.has(`${record.source}\u0000${record.external_id}`)).map((c) => c.id)), operationIds);
    written += batch.length;
    progress('writing deal points', written, records.length);
  }
  return counts;
}

/** A record's status history as the database's text form (`status:date[:operation id]|...`). */
function historyText(record: DealPointRecord, operationIds: Map<string, number>): string {
  return record.status_history.map((e) => `${e.status}:${e.effective_on}${e.operation ? `:${operationIds.get(e.operation)}` : ''}`).join('|');
}

/**
 * Replaces the status histories of these points by their records'; the points not already given a
 * new version by the upsert (`versioned`) get one: a history change is a change of the point.
 */
async function replaceHistories(client: pg.PoolClient, changed: { id: number; record: DealPointRecord }[], versioned: Set<number>, operationIds: Map<string, number>): Promise<void> {
  if (!changed.length) return;
  const ids = changed.map((c) => c.id);
  await client.query('DELETE FROM deal_point_status_events WHERE deal_point_id = ANY($1::bigint[])', [ids]);
  const events = changed.flatMap(({ id, record }) => record.status_history.map((e) => ({ id, ...e })));
  await client.query(
    `INSERT INTO deal_point_status_events (deal_point_id, status, effective_on, operation_id)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::date[], $4::bigint[])`,
    [events.map((e) => e.id), events.map((e) => e.status), events.map((e) => e.effective_on), events.map((e) => (e.operation ? operationIds.get(e.operation) : null))],
  );
  const untouched = ids.filter((id) => !versioned.has(id));
  if (untouched.length) await client.query('UPDATE deal_points SET version = version + 1, updated_at = now() WHERE id = ANY($1::bigint[])', [untouched]);
}

/** Problems of the rows naming a point by Sillage id: unknown (or out of scope), another source's, or one with an external id. */
async function checkPointsNamedById(client: pg.PoolClient, records: DealPointRecord[], allowed: Allowed, problems: FieldProblem[]): Promise<void> {
  if (!records.length) return;
  const { rows } = await client.query<{ id: string; source_code: string; external_id: string | null; department_code: string }>(pointsNamedById, [records.map((r) => r.point_id)]);
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
async function updatePointsNamedById(
  client: pg.PoolClient, records: DealPointRecord[], cellsByRecord: Map<DealPointRecord, ReturnType<typeof h3CellsAt>>,
  networkIds: Map<string, number>, operationIds: Map<string, number>, counts: Counts,
): Promise<void> {
  for (const batch of batches(records)) {
    const cells = batch.map((r) => cellsByRecord.get(r)!);
    const { rows: updated } = await client.query<{ id: string }>(updatePointsById, [
      batch.map((r) => r.point_id), batch.map((r) => r.longitude), batch.map((r) => r.latitude),
      cells.map((c) => c.h3_r7), cells.map((c) => c.h3_r8), cells.map((c) => c.h3_r9), batch.map((r) => r.products.join('|')),
      batch.map((r) => (r.network_external_id ? networkIds.get(`${r.network_source}\u0000${r.network_external_id}`) : null)), batch.map((r) => r.dataset),
    ]);
    const versioned = new Set(updated.map((row) => Number(row.id)));
    const { rows: current } = await client.query<{ id: string; history: string | null }>(historiesById, [batch.map((r) => r.point_id)]);
    const histories = new Map(current.map((row) => [Number(row.id), row.history]));
    const changed = batch.filter((r) => histories.get(r.point_id!) !== historyText(r, operationIds)).map((record) => ({ id: record.point_id!, record }));
    await replaceHistories(client, changed, versioned, operationIds);
    const changedIds = new Set(changed.map((c) => c.id));
    for (const r of batch) {
      if (versioned.has(r.point_id!) || changedIds.has(r.point_id!)) counts.updated++;
      else counts.unchanged++;
    }
  }
}

async function importObservations(client: pg.PoolClient, records: ObservationRecord[], progress: ImportProgress, allowed: Allowed): Promise<Counts> {
  const keys = [...new Set(records.map((r) => `${r.deal_point_source}\u0000${r.deal_point_external_id}`))];
  const { rows: points } = await client.query<{ source_code: string; external_id: string; id: number; department_code: string }>(
    `SELECT i.source_code, i.external_id, d.id, c.department_code FROM deal_point_identifiers i
     JOIN deal_points d ON d.id = i.deal_point_id JOIN communes c ON c.insee = d.commune_insee
     JOIN unnest($1::text[], $2::text[]) AS k(source_code, external_id) ON i.source_code = k.source_code AND i.external_id = k.external_id`,
    [keys.map((k) => k.split('\u0000')[0]), keys.map((k) => k.split('\u0000')[1])],
  );
  // A point of another department is as unknown as a missing one.
  const pointIds = new Map(points.filter((p) => !outOfScope(allowed, p.department_code)).map((p) => [`${p.source_code}\u0000${p.external_id}`, p.id]));
  const problems: FieldProblem[] = records
    .filter((r) => !pointIds.has(`${r.deal_point_source}\u0000${r.deal_point_external_id}`))
    .map((r) => ({ line: r.line, field: 'deal_point_external_id', reason: `no deal point "${r.deal_point_external_id}" from source ${r.deal_point_source}` }));
  if (problems.length) throw new ImportRejectedError(problems, records.length);
  const counts: Counts = { inserted: 0, updated: 0, unchanged: 0 };
  let written = 0;
  for (const batch of batches(records)) {
    const { rows } = await client.query<{ inserted: boolean }>(
      `INSERT INTO deal_point_observations AS o (deal_point_id, observed_on, activity_level, estimated_daily_transactions, source_code)
       SELECT * FROM unnest($1::bigint[], $2::date[], $3::smallint[], $4::int[], $5::text[])
       ON CONFLICT (deal_point_id, observed_on, source_code) DO UPDATE
         SET activity_level = EXCLUDED.activity_level, estimated_daily_transactions = EXCLUDED.estimated_daily_transactions,
             version = o.version + 1, updated_at = now()
         WHERE (o.activity_level, o.estimated_daily_transactions) IS DISTINCT FROM (EXCLUDED.activity_level, EXCLUDED.estimated_daily_transactions)
       RETURNING (o.xmax = 0) AS inserted`,
      [
        batch.map((r) => pointIds.get(`${r.deal_point_source}\u0000${r.deal_point_external_id}`)), batch.map((r) => r.observed_on),
        batch.map((r) => r.activity_level), batch.map((r) => r.estimated_daily_transactions), batch.map((r) => r.source),
      ],
    );
    const inserted = rows.filter((r) => r.inserted).length;
    counts.inserted += inserted;
    counts.updated += rows.length - inserted;
    counts.unchanged += batch.length - rows.length;
    written += batch.length;
    progress('writing observations', written, records.length);
  }
  return counts;
}

async function importOperations(client: pg.PoolClient, records: OperationRecord[], progress: ImportProgress, allowed: Allowed): Promise<Counts> {
  const { rows: validity } = await client.query<{ i: number; reason: string }>(
    `SELECT i, ST_IsValidReason(g) AS reason
     FROM (SELECT i, ST_SetSRID(ST_GeomFromGeoJSON(geojson), 4326) AS g FROM unnest($1::text[]) WITH ORDINALITY AS t(geojson, i)) s
     WHERE NOT ST_IsValid(g)`,
    [records.map((r) => JSON.stringify(r.target))],
  );
  const problems: FieldProblem[] = validity.map(({ i, reason }) => ({ line: records[i - 1].line, field: 'target', reason: `invalid geometry: ${reason}` }));
  if (allowed) await refuseForeignKeys(client, 'operations', records, allowed, problems);
  if (problems.length) throw new ImportRejectedError(problems, records.length);
  const counts: Counts = { inserted: 0, updated: 0, unchanged: 0 };
  const { rows } = await client.query<{ inserted: boolean }>(
    `INSERT INTO operations AS o (name, kind, started_on, ended_on, target, arrests, officers_mobilised, cannabis_seized_kg,
                                 cocaine_seized_kg, cash_seized_eur, weapons_seized, source_code, external_id, dataset)
     SELECT name, kind, started_on, ended_on, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(target), 4326)), arrests, officers_mobilised,
            cannabis_seized_kg, cocaine_seized_kg, cash_seized_eur, weapons_seized, source_code, external_id, dataset
     FROM unnest($1::text[], $2::text[], $3::date[], $4::date[], $5::text[], $6::int[], $7::int[], $8::numeric[], $9::numeric[],
                 $10::numeric[], $11::int[], $12::text[], $13::text[], $14::text[])
       AS t(name, kind, started_on, ended_on, target, arrests, officers_mobilised, cannabis_seized_kg, cocaine_seized_kg,
            cash_seized_eur, weapons_seized, source_code, external_id, dataset)
     ON CONFLICT (source_code, external_id) DO UPDATE
       SET name = EXCLUDED.name, kind = EXCLUDED.kind, started_on = EXCLUDED.started_on, ended_on = EXCLUDED.ended_on,
           target = EXCLUDED.target, arrests = EXCLUDED.arrests, officers_mobilised = EXCLUDED.officers_mobilised,
           cannabis_seized_kg = EXCLUDED.cannabis_seized_kg, cocaine_seized_kg = EXCLUDED.cocaine_seized_kg,
           cash_seized_eur = EXCLUDED.cash_seized_eur, weapons_seized = EXCLUDED.weapons_seized, dataset = EXCLUDED.dataset,
           version = o.version + 1, updated_at = now()
       WHERE (o.name, o.kind, o.started_on, o.ended_on, ST_AsBinary(o.target), o.arrests, o.officers_mobilised, o.cannabis_seized_kg,
              o.cocaine_seized_kg, o.cash_seized_eur, o.weapons_seized, o.dataset)
             IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.kind, EXCLUDED.started_on, EXCLUDED.ended_on, ST_AsBinary(EXCLUDED.target),
              EXCLUDED.arrests, EXCLUDED.officers_mobilised, EXCLUDED.cannabis_seized_kg, EXCLUDED.cocaine_seized_kg,
              EXCLUDED.cash_seized_eur, EXCLUDED.weapons_seized, EXCLUDED.dataset)
     RETURNING (o.xmax = 0) AS inserted`,
    [
      records.map((r) => r.name), records.map((r) => r.kind), records.map((r) => r.started_on), records.map((r) => r.ended_on),
      records.map((r) => JSON.stringify(r.target)), records.map((r) => r.arrests), records.map((r) => r.officers_mobilised),
      records.map((r) => r.cannabis_seized_kg), records.map((r) => r.cocaine_seized_kg), records.map((r) => r.cash_seized_eur),
      records.map((r) => r.weapons_seized), records.map((r) => r.source), records.map((r) => r.external_id), records.map((r) => r.dataset),
    ],
  );
  counts.inserted = rows.filter((r) => r.inserted).length;
  counts.updated = rows.length - counts.inserted;
  counts.unchanged = records.length - rows.length;
  if (allowed) {
    // Departments are derived by the database from the targets: check them before committing.
    const { rows: placed } = await client.query<{ external_id: string; source_code: string; department_code: string }>(
      `SELECT o.external_id, o.source_code, o.department_code FROM operations o
       JOIN unnest($1::text[], $2::text[]) AS k(source_code, external_id) ON o.source_code = k.source_code AND o.external_id = k.external_id`,
      [records.map((r) => r.source), records.map((r) => r.external_id)],
    );
    const outside = records.flatMap((r) => {
      const department = placed.find((p) => p.external_id === r.external_id && p.source_code === r.source)?.department_code;
      return department && outOfScope(allowed, department) ? [{ line: r.line, field: 'target', reason: `in department ${department}, outside your departments` }] : [];
    });
    if (outside.length) throw new ImportRejectedError(outside, records.length);
  }
  progress('writing operations', records.length, records.length);
  return counts;
}

/**
 * The rows whose key names a point merged from several sources (key -> point id). A merged point
 * outside the analyst's departments gets the same "already used" as any foreign key.
 */
async function mergedPointsOf(client: pg.PoolClient, records: DealPointRecord[], allowed: Allowed, problems: FieldProblem[]): Promise<Map<string, number>> {
  const { rows } = await client.query<{ source_code: string; external_id: string; deal_point_id: number; department_code: string }>(
    `SELECT k.source_code, k.external_id, i.deal_point_id, c.department_code
     FROM unnest($1::text[], $2::text[]) AS k(source_code, external_id)
     JOIN deal_point_identifiers i ON i.source_code = k.source_code AND i.external_id = k.external_id
     JOIN deal_points d ON d.id = i.deal_point_id JOIN communes c ON c.insee = d.commune_insee
     WHERE (d.source_code, d.external_id) IS DISTINCT FROM (k.source_code, k.external_id)
        OR (SELECT count(*) FROM deal_point_identifiers j WHERE j.deal_point_id = d.id) > 1`,
    [records.map((r) => r.source), records.map((r) => r.external_id)],
  );
  const targets = new Map<string, number>();
  const foreign = new Set<string>();
  for (const row of rows) {
    const key = `${row.source_code}\u0000${row.external_id}`;
    if (outOfScope(allowed, row.department_code)) foreign.add(key);
    else targets.set(key, Number(row.deal_point_id));
  }
  for (const r of records) {
    const key = `${r.source}\u0000${r.external_id}`;
    if (foreign.has(key) && !problems.some((p) => p.line === r.line && p.field === 'external_id')) {
      problems.push({ line: r.line, field: 'external_id', reason: 'is already used by another record from this source' });
    }
  }
  return targets;
}

async function applyToMergedPoints(client: pg.PoolClient, records: DealPointRecord[], targets: Map<string, number>, operationIds: Map<string, number>, counts: Counts): Promise<void> {
  for (const record of records) {
    const id = targets.get(`${record.source}\u0000${record.external_id}`)!;
    const events = await client.query(
      `INSERT INTO deal_point_status_events (deal_point_id, status, effective_on, operation_id)
       SELECT $1::bigint, * FROM unnest($2::text[], $3::date[], $4::bigint[]) ON CONFLICT (deal_point_id, effective_on) DO NOTHING`,
      [id, record.status_history.map((e) => e.status), record.status_history.map((e) => e.effective_on),
        record.status_history.map((e) => (e.operation ? operationIds.get(e.operation) ?? null : null))],
    );
    const products = await client.query(
      `UPDATE deal_points SET products = ARRAY(SELECT DISTINCT unnest(products || $2::text[]) ORDER BY 1), version = version + 1, updated_at = now()
       WHERE id = $1 AND NOT (products @> $2::text[])`, [id, record.products],
    );
    if ((events.rowCount ?? 0) > 0 && !products.rowCount) await client.query('UPDATE deal_points SET version = version + 1, updated_at = now() WHERE id = $1', [id]);
    if ((events.rowCount ?? 0) > 0 || products.rowCount) counts.updated++;
    else counts.unchanged++;
  }
}

/**
 * Rows whose (source, external id) already belongs to a record outside the analyst's departments
 * are refused with the same words as any key already taken: nothing tells where that record is.
 */
async function refuseForeignKeys(client: pg.PoolClient, table: 'deal_points' | 'operations', records: { line: number; source: string; external_id: string }[], allowed: string[], problems: FieldProblem[]): Promise<void> {
  const text = table === 'deal_points'
    ? `SELECT d.source_code, d.external_id FROM deal_points d JOIN communes c ON c.insee = d.commune_insee
       JOIN unnest($1::text[], $2::text[]) AS k(source_code, external_id) ON d.source_code = k.source_code AND d.external_id = k.external_id
       WHERE NOT (c.department_code = ANY($3::text[]))`
    : `SELECT o.source_code, o.external_id FROM operations o
       JOIN unnest($1::text[], $2::text[]) AS k(source_code, external_id) ON o.source_code = k.source_code AND o.external_id = k.external_id
       WHERE NOT (o.department_code = ANY($3::text[]))`;
  const { rows } = await client.query<{ source_code: string; external_id: string }>(text, [records.map((r) => r.source), records.map((r) => r.external_id), allowed]);
  const foreign = new Set(rows.map((r) => `${r.source_code}\u0000${r.external_id}`));
  for (const r of records) {
    if (foreign.has(`${r.source}\u0000${r.external_id}`)) problems.push({ line: r.line, field: 'external_id', reason: 'is already used by another record from this source' });
  }
}

export async function importFile(
  pool: pg.Pool, text: string, options: { kind?: ImportKind; format?: ImportFormat; onProgress?: ImportProgress; allowedDepartments?: string[] | null } = {},
): Promise<ImportReport> {
  const started = performance.now();
  const progress = options.onProgress ?? (() => {});
  const parsed = parseImport(text, options);
  progress('reading rows', parsed.records.length, parsed.records.length);
  const rowCount = parsed.problems.length ? parsed.rowCount : parsed.records.length;
  // The rows that parsed still go through the database checks, so that the report lists every
  // rejected row at once; with any problem the transaction is rolled back.
  const counts = await withTransaction(pool, async (client) => {
    let written: Counts | null = null;
    const problems = [...parsed.problems];
    if (parsed.records.length) {
      try {
        const allowed = options.allowedDepartments ?? null;
        if (parsed.kind === 'deal-points') written = await importDealPoints(client, parsed.records as DealPointRecord[], progress, allowed);
        else if (parsed.kind === 'observations') written = await importObservations(client, parsed.records as ObservationRecord[], progress, allowed);
        else written = await importOperations(client, parsed.records as OperationRecord[], progress, allowed);
      } catch (error) {
        if (!(error instanceof ImportRejectedError)) throw error;
        problems.push(...error.problems);
      }
    }
    if (problems.length || !written) {
      throw new ImportRejectedError(problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)), rowCount);
    }
    return written;
  });
  // Large imports refresh the planner's statistics (PGlite has no autovacuum to do it).
  if (parsed.records.length >= 1000) await pool.query('ANALYZE deal_points, deal_point_status_events, deal_point_observations, operations');
  const { newPointIds, ...written } = counts;
  const report: ImportReport = { kind: parsed.kind, format: parsed.format, rows: parsed.records.length, ...written, elapsed_ms: 0 };
  if (parsed.kind === 'deal-points') {
    const proposals = newPointIds?.length
      ? await proposeDuplicates(pool, { departments: options.allowedDepartments ?? null, onlyIds: newPointIds, asOf: today(), limit: 100000 })
      : [];
    const fresh = new Set(newPointIds ?? []);
    report.likely_duplicates = {
      count: proposals.length,
      pairs: proposals.slice(0, 100).map((p) => {
        const [created, other] = fresh.has(p.a.id) ? [p.a, p.b] : [p.b, p.a];
        return { new_id: created.id, new_external_id: created.external_id, other_id: other.id, other_source: other.source, other_external_id: other.external_id, distance_m: p.distance_m };
      }),
    };
  }
  report.elapsed_ms = Math.round(performance.now() - started);
  return report;
}
