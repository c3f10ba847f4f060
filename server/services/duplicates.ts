/**
 * Duplicates across sources: the same place reported by two services. Proposals come from one
 * PostGIS query (points within a distance, reported by disjoint sets of sources, with compatible
 * products and overlapping lifetimes); a merge keeps one point with every source's identifiers and
 * the union of both histories and observations, and stores what undoing it needs; a pair judged
 * distinct is never proposed again.
 */
import type pg from 'pg';
import { DomainError, NotFoundError, UnprocessableError } from '../errors.js';
import { withTransaction } from './transactions.js';

export const defaultDuplicateDistanceMeters = 75;
/** Lifetimes must share at least this share of their joint span (intersection over union). */
export const defaultMinimumLifetimeOverlap = 0.7;
/** Farthest two points an analyst may merge by hand (beyond, they are not one place). */
export const maximumMergeDistanceMeters = 500;

export interface ProposalOptions {
  departments: string[] | null;
  distanceMeters?: number;
  minimumOverlap?: number;
  /** Only pairs with one of these points (an import's new points). */
  onlyIds?: number[] | null;
  limit?: number;
  asOf: string;
}

export interface PointSummary {
  id: number; source: string; external_id: string | null; sources: string[]; products: string[];
  longitude: number; latitude: number; commune_insee: string; commune_name: string; department_code: string;
  verification: string; first_on: string | null; end_on: string | null; status: string | null;
}

export interface DuplicateProposal { a: PointSummary; b: PointSummary; distance_m: number; lifetime_overlap: number; shared_products: string[] }

// Pairs first (the GiST index through `&&` before the geography test), then lifetimes and sources
// for the pairs only. Lifetime: first status event to the dismantling that ends the history, or
// the as-of date while the point is active; a point without history overlaps everything.
const proposalsSql = `
WITH pairs AS (
  SELECT a.id AS a_id, b.id AS b_id, ST_Distance(a.geom::geography, b.geom::geography) AS distance_m
  FROM deal_points a
  JOIN communes ca ON ca.insee = a.commune_insee
  JOIN deal_points b ON b.id <> a.id
    AND b.geom && ST_Expand(a.geom, $1::float8 / (111320 * cos(radians(ST_Y(a.geom)))))
    AND ST_DWithin(a.geom::geography, b.geom::geography, $1::float8)
  JOIN communes cb ON cb.insee = b.commune_insee
  WHERE ($2::text[] IS NULL OR (ca.department_code = ANY($2::text[]) AND cb.department_code = ANY($2::text[])))
    AND (($5::bigint[] IS NULL AND a.id < b.id) OR ($5::bigint[] IS NOT NULL AND a.id = ANY($5::bigint[]) AND (a.id < b.id OR NOT b.id = ANY($5::bigint[]))))
    AND (a.products && b.products OR cardinality(a.products) = 0 OR cardinality(b.products) = 0)
    AND NOT EXISTS (SELECT 1 FROM deal_point_distinct_pairs x WHERE x.low_id = least(a.id, b.id) AND x.high_id = greatest(a.id, b.id))
),
involved AS (SELECT a_id AS id FROM pairs UNION SELECT b_id FROM pairs),
points AS (
  SELECT d.id, d.source_code, d.external_id, d.products, d.verification, ST_X(d.geom) AS longitude, ST_Y(d.geom) AS latitude,
         d.commune_insee, c.name AS commune_name, c.department_code,
         (SELECT array_agg(DISTINCT s ORDER BY s) FROM (SELECT i.source_code AS s FROM deal_point_identifiers i WHERE i.deal_point_id = d.id UNION SELECT d.source_code) u) AS sources,
         (SELECT min(e.effective_on) FROM deal_point_status_events e WHERE e.deal_point_id = d.id) AS first_on,
         (SELECT e.status FROM deal_point_status_events e WHERE e.deal_point_id = d.id ORDER BY e.effective_on DESC LIMIT 1) AS status,
         (SELECT max(e.effective_on) FROM deal_point_status_events e WHERE e.deal_point_id = d.id) AS last_on
  FROM deal_points d JOIN involved USING (id) JOIN communes c ON c.insee = d.commune_insee
),
lifetimes AS (
  SELECT p.*, CASE WHEN p.status = 'dismantled' THEN p.last_on ELSE greatest($4::date, p.last_on) END AS end_on FROM points p
),
scored AS (
  SELECT pr.a_id, pr.b_id, pr.distance_m,
         CASE WHEN a.first_on IS NULL OR b.first_on IS NULL THEN 1.0
              ELSE greatest(0, least(a.end_on, b.end_on) - greatest(a.first_on, b.first_on))::float8
                   / greatest(1, greatest(a.end_on, b.end_on) - least(a.first_on, b.first_on)) END AS lifetime_overlap,
         ARRAY(SELECT unnest(a.products) INTERSECT SELECT unnest(b.products) ORDER BY 1) AS shared_products,
         to_jsonb(a) AS a, to_jsonb(b) AS b
  FROM pairs pr JOIN lifetimes a ON a.id = pr.a_id JOIN lifetimes b ON b.id = pr.b_id
  WHERE NOT (a.sources && b.sources)
)
SELECT * FROM scored WHERE lifetime_overlap >= $3::float8
ORDER BY lifetime_overlap DESC, distance_m, a_id, b_id
LIMIT $6`;

function summary(row: Record<string, unknown>): PointSummary {
  return {
    id: Number(row.id), source: String(row.source_code), external_id: (row.external_id as string | null) ?? null,
    sources: row.sources as string[], products: row.products as string[],
    longitude: Number(row.longitude), latitude: Number(row.latitude), commune_insee: String(row.commune_insee), commune_name: String(row.commune_name),
    department_code: String(row.department_code), verification: String(row.verification),
    first_on: (row.first_on as string | null) ?? null, end_on: (row.end_on as string | null) ?? null, status: (row.status as string | null) ?? null,
  };
}

export async function proposeDuplicates(db: pg.Pool | pg.PoolClient, options: ProposalOptions): Promise<DuplicateProposal[]> {
  const { rows } = await db.query<{ a: Record<string, unknown>; b: Record<string, unknown>; distance_m: number; lifetime_overlap: number; shared_products: string[] }>(proposalsSql, [
    options.distanceMeters ?? defaultDuplicateDistanceMeters, options.departments, options.minimumOverlap ?? defaultMinimumLifetimeOverlap,
    options.asOf, options.onlyIds ?? null, options.limit ?? 500,
  ]);
  return rows.map((r) => ({
    a: summary(r.a), b: summary(r.b), distance_m: Math.round(Number(r.distance_m) * 10) / 10,
    lifetime_overlap: Math.round(Number(r.lifetime_overlap) * 1000) / 1000, shared_products: r.shared_products,
  }));
}

async function pointDepartment(db: pg.Pool | pg.PoolClient, id: number, lock = false): Promise<string | null> {
  const { rows } = await db.query<{ department_code: string }>(
    `SELECT c.department_code FROM deal_points d JOIN communes c ON c.insee = d.commune_insee WHERE d.id = $1 ${lock ? 'FOR UPDATE OF d' : ''}`, [id]);
  return rows[0]?.department_code ?? null;
}

function inScope(department: string | null, departments: string[] | null): department is string {
  return department !== null && (departments === null || departments.includes(department));
}

/** One point as the review screen shows it: identifiers, status history, observations, linked reports. */
export async function pointRecord(db: pg.Pool | pg.PoolClient, id: number, departments: string[] | null) {
  const department = await pointDepartment(db, id);
  if (!inScope(department, departments)) throw new NotFoundError('deal point', id);
  const { rows: [point] } = await db.query(
    `SELECT d.id, d.source_code AS source, d.external_id, d.products, d.verification, d.version, ST_X(d.geom) AS longitude, ST_Y(d.geom) AS latitude,
            d.commune_insee, c.name AS commune_name, c.department_code, d.created_at
     FROM deal_points d JOIN communes c ON c.insee = d.commune_insee WHERE d.id = $1`, [id]);
  const { rows: identifiers } = await db.query('SELECT source_code AS source, external_id FROM deal_point_identifiers WHERE deal_point_id = $1 ORDER BY source_code, external_id', [id]);
  const { rows: history } = await db.query(
    `SELECT e.status, to_char(e.effective_on, 'YYYY-MM-DD') AS effective_on, o.name AS operation FROM deal_point_status_events e
     LEFT JOIN operations o ON o.id = e.operation_id WHERE e.deal_point_id = $1 ORDER BY e.effective_on`, [id]);
  const { rows: observations } = await db.query(
    `SELECT to_char(observed_on, 'YYYY-MM-DD') AS observed_on, source_code AS source, activity_level, estimated_daily_transactions
     FROM deal_point_observations WHERE deal_point_id = $1 ORDER BY observed_on, source_code`, [id]);
  return { ...point, longitude: Number(point.longitude), latitude: Number(point.latitude), identifiers, history, observations };
}

export async function pairRecord(pool: pg.Pool, aId: number, bId: number, departments: string[] | null) {
  const a = await pointRecord(pool, aId, departments);
  const b = await pointRecord(pool, bId, departments);
  const { rows: [d] } = await pool.query<{ distance_m: number }>(
    'SELECT ST_Distance(a.geom::geography, b.geom::geography) AS distance_m FROM deal_points a, deal_points b WHERE a.id = $1 AND b.id = $2', [aId, bId]);
  return { a, b, distance_m: Math.round(Number(d.distance_m) * 10) / 10 };
}

export async function markDistinct(pool: pg.Pool, aId: number, bId: number, userId: number, departments: string[] | null) {
  if (aId === bId) throw new UnprocessableError([{ field: 'b', reason: 'must be another deal point than a' }]);
  return withTransaction(pool, async (client) => {
    for (const id of [aId, bId]) if (!inScope(await pointDepartment(client, id), departments)) throw new NotFoundError('deal point', id);
    await client.query(
      `INSERT INTO deal_point_distinct_pairs (low_id, high_id, decided_by) VALUES (least($1::bigint, $2::bigint), greatest($1::bigint, $2::bigint), $3)
       ON CONFLICT DO NOTHING`, [aId, bId, userId]);
    return { a: aId, b: bId, distinct: true as const };
  });
}

/**
 * Merges `absorbedId` into `keptId`: the absorbed point's identifiers, status events and
 * observations move to the point kept (an event on a day the kept point already has, or an
 * observation by the same source on the same day, stays in the merge record only), products are
 * united, linked public reports follow; the absorbed row is deleted and kept whole in the merge
 * record for undo.
 */
export async function mergePoints(pool: pg.Pool, keptId: number, absorbedId: number, userId: number, departments: string[] | null) {
  if (keptId === absorbedId) throw new UnprocessableError([{ field: 'absorbed_id', reason: 'must be another deal point than kept_id' }]);
  return withTransaction(pool, async (client) => {
    // Lock in id order so two concurrent merges cannot deadlock.
    const departmentsOf = new Map<number, string | null>();
    for (const id of [keptId, absorbedId].sort((x, y) => x - y)) departmentsOf.set(id, await pointDepartment(client, id, true));
    for (const id of [keptId, absorbedId]) if (!inScope(departmentsOf.get(id)!, departments)) throw new NotFoundError('deal point', id);
    const { rows: [{ distance_m }] } = await client.query<{ distance_m: number }>(
      'SELECT ST_Distance(a.geom::geography, b.geom::geography) AS distance_m FROM deal_points a, deal_points b WHERE a.id = $1 AND b.id = $2', [keptId, absorbedId]);
    if (Number(distance_m) > maximumMergeDistanceMeters) {
      throw new UnprocessableError([{ field: 'absorbed_id', reason: `is ${Math.round(Number(distance_m))} m from the point kept: only points within ${maximumMergeDistanceMeters} m can be one place` }]);
    }
    const { rows: [absorbed] } = await client.query<{ row: Record<string, unknown> }>(
      `SELECT jsonb_build_object(
         'id', d.id, 'longitude', ST_X(d.geom), 'latitude', ST_Y(d.geom), 'commune_insee', d.commune_insee,
         'h3_r7', d.h3_r7, 'h3_r8', d.h3_r8, 'h3_r9', d.h3_r9, 'products', d.products, 'source_code', d.source_code,
         'external_id', d.external_id, 'network_id', d.network_id, 'dataset', d.dataset, 'version', d.version,
         'created_at', d.created_at, 'updated_at', d.updated_at, 'verification', d.verification, 'record_key', d.record_key,
         'events', (SELECT coalesce(jsonb_agg(to_jsonb(e) ORDER BY e.id), '[]') FROM deal_point_status_events e WHERE e.deal_point_id = d.id),
         'observations', (SELECT coalesce(jsonb_agg(to_jsonb(o) ORDER BY o.id), '[]') FROM deal_point_observations o WHERE o.deal_point_id = d.id),
         'report_ids', (SELECT coalesce(jsonb_agg(r.id ORDER BY r.id), '[]') FROM public_reports r WHERE r.deal_point_id = d.id)
       ) AS row FROM deal_points d WHERE d.id = $1`, [absorbedId]);
    const { rows: [keptBefore] } = await client.query<{ row: Record<string, unknown> }>(
      `SELECT jsonb_build_object('products', products, 'verification', verification, 'network_id', network_id, 'version', version) AS row
       FROM deal_points WHERE id = $1`, [keptId]);
    const { rows: movedEvents } = await client.query<{ id: number }>(
      `UPDATE deal_point_status_events e SET deal_point_id = $1 WHERE e.deal_point_id = $2
         AND NOT EXISTS (SELECT 1 FROM deal_point_status_events k WHERE k.deal_point_id = $1 AND k.effective_on = e.effective_on)
       RETURNING e.id`, [keptId, absorbedId]);
    const { rows: movedObservations } = await client.query<{ id: number }>(
      `UPDATE deal_point_observations o SET deal_point_id = $1 WHERE o.deal_point_id = $2
         AND NOT EXISTS (SELECT 1 FROM deal_point_observations k WHERE k.deal_point_id = $1 AND k.observed_on = o.observed_on AND k.source_code = o.source_code)
       RETURNING o.id`, [keptId, absorbedId]);
    const { rows: movedIdentifiers } = await client.query<{ source_code: string; external_id: string }>(
      'UPDATE deal_point_identifiers SET deal_point_id = $1 WHERE deal_point_id = $2 RETURNING source_code, external_id', [keptId, absorbedId]);
    await client.query('UPDATE public_reports SET deal_point_id = $1 WHERE deal_point_id = $2', [keptId, absorbedId]);
    await client.query(
      `UPDATE deal_points k SET
         products = ARRAY(SELECT DISTINCT unnest(k.products || a.products) ORDER BY 1),
         verification = CASE WHEN 'confirmed' IN (k.verification, a.verification) THEN 'confirmed' ELSE k.verification END,
         network_id = coalesce(k.network_id, a.network_id), version = k.version + 1, updated_at = now()
       FROM deal_points a WHERE k.id = $1 AND a.id = $2`, [keptId, absorbedId]);
    await client.query('DELETE FROM deal_points WHERE id = $1', [absorbedId]);
    const { rows: [merge] } = await client.query<{ id: number; merged_at: string }>(
      `INSERT INTO deal_point_merges (kept_id, absorbed_id, department_code, absorbed, kept_before, moved_event_ids, moved_observation_ids, moved_identifiers, distance_m, merged_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id, merged_at`,
      [keptId, absorbedId, departmentsOf.get(keptId), absorbed.row, keptBefore.row, movedEvents.map((e) => e.id), movedObservations.map((o) => o.id),
        JSON.stringify(movedIdentifiers), Number(distance_m), userId]);
    return { merge_id: Number(merge.id), kept_id: keptId, absorbed_id: absorbedId, identifiers: movedIdentifiers.length, moved_events: movedEvents.length, moved_observations: movedObservations.length };
  });
}

/** Undoes a merge: the absorbed point comes back with its id, key, history and observations. */
export async function undoMerge(pool: pg.Pool, mergeId: number, userId: number, departments: string[] | null) {
  return withTransaction(pool, async (client) => {
    const { rows: [merge] } = await client.query(
      'SELECT * FROM deal_point_merges WHERE id = $1 FOR UPDATE', [mergeId]);
    if (!merge || !inScope(merge.department_code, departments)) throw new NotFoundError('merge', mergeId);
    if (merge.undone_at) throw new DomainError(409, 'already_undone', `merge ${mergeId} was already undone`, [{ field: 'id', reason: 'already undone' }]);
    const { rows: later } = await client.query(
      'SELECT id FROM deal_point_merges WHERE kept_id = $1 AND id > $2 AND undone_at IS NULL', [merge.kept_id, mergeId]);
    if (later.length) throw new DomainError(409, 'later_merges', `undo the later merges of deal point ${merge.kept_id} first (${later.map((m) => m.id).join(', ')})`, [{ field: 'id', reason: 'later merges of the same point are in force' }]);
    await pointDepartment(client, Number(merge.kept_id), true);
    const a = merge.absorbed as Record<string, unknown> & { events: Record<string, unknown>[]; observations: Record<string, unknown>[]; report_ids: number[] };
    const identifiers = merge.moved_identifiers as { source_code: string; external_id: string }[];
    await client.query(
      `DELETE FROM deal_point_identifiers i USING unnest($1::text[], $2::text[]) AS k(source_code, external_id)
       WHERE i.source_code = k.source_code AND i.external_id = k.external_id AND i.deal_point_id = $3`,
      [identifiers.map((i) => i.source_code), identifiers.map((i) => i.external_id), merge.kept_id]);
    await client.query(
      `INSERT INTO deal_points (id, geom, commune_insee, h3_r7, h3_r8, h3_r9, products, source_code, external_id, network_id, dataset, version,
                                created_at, updated_at, verification, record_key)
       OVERRIDING SYSTEM VALUE
       SELECT $1, ST_SetSRID(ST_MakePoint($2, $3), 4326), $4, $5, $6, $7, $8::text[], $9, $10, $11, $12, $13 + 1, $14, now(), $15, $16`,
      [a.id, a.longitude, a.latitude, a.commune_insee, a.h3_r7, a.h3_r8, a.h3_r9, a.products, a.source_code, a.external_id, a.network_id, a.dataset,
        a.version, a.created_at, a.verification, a.record_key]);
    await client.query(
      `INSERT INTO deal_point_identifiers (source_code, external_id, deal_point_id)
       SELECT * FROM unnest($1::text[], $2::text[]) AS k(source_code, external_id), (SELECT $3::bigint) p ON CONFLICT DO NOTHING`,
      [identifiers.map((i) => i.source_code), identifiers.map((i) => i.external_id), a.id]);
    await client.query('UPDATE deal_point_status_events SET deal_point_id = $1 WHERE id = ANY($2::bigint[])', [a.id, merge.moved_event_ids]);
    await client.query('UPDATE deal_point_observations SET deal_point_id = $1 WHERE id = ANY($2::bigint[])', [a.id, merge.moved_observation_ids]);
    const moved = new Set((merge.moved_event_ids as string[]).map(Number));
    const keptEvents = a.events.filter((e) => !moved.has(Number(e.id)));
    if (keptEvents.length) {
      await client.query(
        `INSERT INTO deal_point_status_events (id, deal_point_id, status, effective_on, operation_id, recorded_at) OVERRIDING SYSTEM VALUE
         SELECT e.id, e.deal_point_id, e.status, e.effective_on, e.operation_id, e.recorded_at
         FROM jsonb_populate_recordset(NULL::deal_point_status_events, $1::jsonb) e`, [JSON.stringify(keptEvents)]);
    }
    const movedObservations = new Set((merge.moved_observation_ids as string[]).map(Number));
    const keptObservations = a.observations.filter((o) => !movedObservations.has(Number(o.id)));
    if (keptObservations.length) {
      await client.query(
        `INSERT INTO deal_point_observations (id, deal_point_id, observed_on, activity_level, estimated_daily_transactions, source_code, version, created_at, updated_at)
         OVERRIDING SYSTEM VALUE
         SELECT o.id, o.deal_point_id, o.observed_on, o.activity_level, o.estimated_daily_transactions, o.source_code, o.version, o.created_at, o.updated_at
         FROM jsonb_populate_recordset(NULL::deal_point_observations, $1::jsonb) o`, [JSON.stringify(keptObservations)]);
    }
    // Observations that the absorbed point's sources sent through its identifiers after the merge
    // go back with it (their source is none of the kept point's own).
    await client.query(
      `UPDATE deal_point_observations SET deal_point_id = $1
       WHERE deal_point_id = $2 AND created_at >= $3 AND source_code = ANY($4::text[])
         AND NOT source_code IN (SELECT source_code FROM deal_point_identifiers WHERE deal_point_id = $2 UNION SELECT source_code FROM deal_points WHERE id = $2)`,
      [a.id, merge.kept_id, merge.merged_at, [...new Set(identifiers.map((i) => i.source_code))]]);
    await client.query('UPDATE public_reports SET deal_point_id = $1 WHERE id = ANY($2::bigint[]) AND deal_point_id = $3', [a.id, a.report_ids, merge.kept_id]);
    const before = merge.kept_before as { products: string[]; verification: string; network_id: number | null };
    await client.query(
      'UPDATE deal_points SET products = $2::text[], verification = $3, network_id = $4, version = version + 1, updated_at = now() WHERE id = $1',
      [merge.kept_id, before.products, before.verification, before.network_id]);
    await client.query('UPDATE deal_point_merges SET undone_at = now(), undone_by = $2 WHERE id = $1', [mergeId, userId]);
    return { merge_id: mergeId, kept_id: Number(merge.kept_id), restored_id: Number(a.id) };
  });
}

export async function listMerges(pool: pg.Pool, departments: string[] | null, limit: number) {
  const { rows } = await pool.query(
    `SELECT m.id, m.kept_id, m.absorbed_id, m.department_code, m.distance_m, m.merged_at, u.username AS merged_by, m.undone_at,
            m.absorbed->>'source_code' AS absorbed_source, m.absorbed->>'external_id' AS absorbed_external_id,
            (m.undone_at IS NULL AND NOT EXISTS (SELECT 1 FROM deal_point_merges l WHERE l.kept_id = m.kept_id AND l.id > m.id AND l.undone_at IS NULL)) AS undoable
     FROM deal_point_merges m JOIN users u ON u.id = m.merged_by
     WHERE $1::text[] IS NULL OR m.department_code = ANY($1::text[])
     ORDER BY m.id DESC LIMIT $2`, [departments, limit]);
  return rows.map((r) => ({ ...r, id: Number(r.id), kept_id: Number(r.kept_id), absorbed_id: Number(r.absorbed_id), distance_m: Math.round(Number(r.distance_m) * 10) / 10 }));
}
