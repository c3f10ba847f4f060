/**
 * What a prefecture supplies for its department: indicator values per sector (CSV, versioned,
 * all-or-nothing and idempotent), single criterion-4 entries, drawn or imported areas, schools.
 */
import type pg from 'pg';
import { createHash } from 'node:crypto';
import * as sql from '../queries/sectors.js';
import * as plans from '../queries/action-plans.js';
import { withTransaction } from '../database/transactions.js';
import { ImportRejectedError } from './imports.js';
import { InvalidInputError } from '../errors.js';
import { parseIndicatorValues, parseSchools, sectorCodePattern, type IndicatorValueRow } from '../domain/ranking/prefecture-files.js';
import { areaProblems } from '../domain/geojson-checks.js';
import type { SectorKind } from '../domain/ranking/sector-geometry.js';
import type { FieldProblem } from '../domain/problems.js';

export interface ValuesTarget { department: string; indicator: string; criterion: 3 | 4; kind: SectorKind }
export type ValuesReport = { rows: number; inserted: number; unchanged: number; indicator: string; criterion: number };

/** Sector codes known for a kind in a department (communes and arrondissements: the reference; areas: the drawn ones; H3: any cell). */
async function unknownSectors(client: pg.PoolClient, target: ValuesTarget, rows: IndicatorValueRow[]): Promise<FieldProblem[]> {
  if (target.kind === 'h3') return rows.filter((r) => !/^87[0-9a-f]{13}$/.test(r.code)).map((r) => ({ line: r.line, field: 'code', reason: `"${r.code}" is not an H3 resolution-7 cell` }));
  const text = target.kind === 'area' ? sql.areaSectors : target.kind === 'arrondissement' ? sql.arrondissementSectors : sql.communeSectors;
  const { rows: known } = await client.query<{ code: string }>(text, [target.department]);
  const codes = new Set(known.map((k) => k.code));
  return rows.filter((r) => !codes.has(r.code)).map((r) => ({ line: r.line, field: 'code', reason: `${r.code} is not a ${target.kind} of department ${target.department}` }));
}

/** Appends the values that differ from the version in force; the same file twice stores nothing the second time. */
async function appendValues(client: pg.PoolClient, target: ValuesTarget, rows: IndicatorValueRow[], sha256: string | null, userId: number): Promise<ValuesReport> {
  const { rows: existing } = await client.query<{ criterion: number }>(sql.indicatorCriterion, [target.department, target.indicator]);
  if (existing[0] && existing[0].criterion !== target.criterion) {
    throw new InvalidInputError([{ field: 'querystring.criterion', reason: `indicator ${target.indicator} belongs to criterion ${existing[0].criterion} in this department` }]);
  }
  const { rows: latest } = await client.query<{ sector_code: string; version: number; value: number; source: string; observed_on: string; justification: string | null }>(
    sql.latestVersions, [target.department, target.indicator, target.kind, rows.map((r) => r.code)]);
  const current = new Map(latest.map((l) => [l.sector_code, l]));
  const changed = rows.filter((r) => {
    const c = current.get(r.code);
    return !c || c.value !== r.value || c.source !== r.source || c.observed_on !== r.observedOn || (c.justification ?? null) !== r.justification;
  });
  if (changed.length) {
    await client.query(sql.insertPrefectureValues, [target.department, target.indicator, target.criterion, target.kind, sha256, userId,
      changed.map((r) => r.code), changed.map((r) => r.value), changed.map((r) => r.source), changed.map((r) => r.observedOn),
      changed.map((r) => r.justification), changed.map((r) => (current.get(r.code)?.version ?? 0) + 1)]);
  }
  return { rows: rows.length, inserted: changed.length, unchanged: rows.length - changed.length, indicator: target.indicator, criterion: target.criterion };
}

export function importIndicatorValues(pool: pg.Pool, target: ValuesTarget, text: string, userId: number): Promise<ValuesReport> {
  const { rows, problems } = parseIndicatorValues(text, target.criterion === 4);
  if (problems.length) throw new ImportRejectedError(problems, Math.max(rows.length, new Set(problems.map((p) => p.line)).size));
  const sha256 = createHash('sha256').update(text).digest('hex');
  return withTransaction(pool, async (client) => {
    const unknown = await unknownSectors(client, target, rows);
    if (unknown.length) throw new ImportRejectedError(unknown, rows.length);
    return appendValues(client, target, rows, sha256, userId);
  });
}

/** One criterion-4 value entered on screen: a new version, with its source and justification. */
export function enterValue(pool: pg.Pool, target: ValuesTarget, entry: { code: string; value: number; source: string; observed_on: string; justification: string }, userId: number): Promise<ValuesReport> {
  const row: IndicatorValueRow = { line: 0, code: entry.code, value: entry.value, source: entry.source, observedOn: entry.observed_on, justification: entry.justification };
  return withTransaction(pool, async (client) => {
    const unknown = await unknownSectors(client, target, [row]);
    if (unknown.length) throw new InvalidInputError([{ field: 'body.code', reason: unknown[0].reason }]);
    return appendValues(client, target, [row], null, userId);
  });
}

export async function valueHistory(db: pg.Pool, department: string, kind: SectorKind | null, limit: number) {
  const { rows } = await db.query(sql.prefectureValueHistory, [department, kind, limit]);
  return rows.map((r) => ({ ...r, created_at: (r.created_at as Date).toISOString() }));
}

/** Drawn or imported areas (a GeoJSON FeatureCollection with `code` and `name` properties), all or nothing. */
export async function importAreas(pool: pg.Pool, department: string, collection: { features: { geometry: unknown; properties?: Record<string, unknown> | null }[] }, userId: number) {
  const problems: FieldProblem[] = [];
  collection.features.forEach((feature, i) => {
    const code = feature.properties?.code;
    const name = feature.properties?.name ?? feature.properties?.nom;
    if (typeof code !== 'string' || !sectorCodePattern.test(code)) problems.push({ field: `body.features.${i}.properties.code`, reason: 'a code of 1-40 letters, digits, _ or -' });
    if (typeof name !== 'string' || name.length < 1 || name.length > 200) problems.push({ field: `body.features.${i}.properties.name`, reason: 'a name of 1-200 characters' });
    problems.push(...areaProblems(feature.geometry, `body.features.${i}.geometry`));
  });
  if (problems.length) throw new InvalidInputError(problems);
  const geometries = collection.features.map((f) => JSON.stringify(f.geometry));
  return withTransaction(pool, async (client) => {
    const { rows: shares } = await client.query<{ index: number; share: number; valid: boolean }>(sql.areaShareInDepartment, [department, geometries]);
    const outside = shares.filter((s) => !s.valid || s.share < 0.5).map((s) => ({ field: `body.features.${s.index - 1}.geometry`, reason: s.valid ? `less than half of the area lies in department ${department}` : 'not a valid polygon (self-intersection?)' }));
    if (outside.length) throw new InvalidInputError(outside);
    const saved = [];
    for (const [i, feature] of collection.features.entries()) {
      const { rows } = await client.query(sql.upsertArea, [department, feature.properties!.code, feature.properties!.name ?? feature.properties!.nom, geometries[i], userId]);
      saved.push(rows[0]);
    }
    return { items: saved };
  });
}

export async function importSchools(pool: pg.Pool, department: string, text: string) {
  const { rows, problems } = parseSchools(text);
  if (problems.length) throw new ImportRejectedError(problems, Math.max(rows.length, new Set(problems.map((p) => p.line)).size));
  return withTransaction(pool, async (client) => {
    const { rows: placed } = await client.query<{ uai: string; department_code: string | null }>(plans.schoolDepartments, [rows.map((r) => r.uai), rows.map((r) => r.longitude), rows.map((r) => r.latitude)]);
    const where = new Map(placed.map((p) => [p.uai, p.department_code]));
    const outside = rows.filter((r) => where.get(r.uai) !== department).map((r) => ({ line: r.line, field: 'longitude', reason: `${r.uai} does not lie in department ${department}` }));
    if (outside.length) throw new ImportRejectedError(outside, rows.length);
    const { rows: written } = await client.query<{ inserted: boolean }>(plans.upsertSchools, [department, rows.map((r) => r.uai), rows.map((r) => r.name), rows.map((r) => r.longitude), rows.map((r) => r.latitude)]);
    const inserted = written.filter((w) => w.inserted).length;
    return { rows: rows.length, inserted, updated: written.length - inserted, unchanged: rows.length - written.length };
  });
}
