/**
 * Rankings of sectors: parameters completed with their documented defaults, computed on the
 * department's data, saved as immutable records (SHA-256 of parameters, data vintage and
 * result), compared, exported as CSV.
 */
import type pg from 'pg';
import { stringify } from 'csv-stringify/sync';
import * as sql from '../queries/sectors.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { criteria, criterionDefinitions, criterionLabels, defaultMonteCarlo, defaultThresholdNotes, defaultThresholds, defaultUnstableRankWidth, defaultWeights, type RankingParameters, type Threshold } from '../domain/ranking/criteria.js';
import { compareRankings, rankSectors, type RankingResult } from '../domain/ranking/rank.js';
import { rankingHash } from '../domain/ranking/record.js';
import { exportRows } from '../domain/ranking/export-rows.js';
import type { SectorKind } from '../domain/ranking/sector-geometry.js';
import { sectorTable, type DataVintage, type SectorTable } from './sectors.js';

export interface RankingRequest {
  department: string; kind: SectorKind; at: string;
  normalisation?: RankingParameters['normalisation']; aggregation?: RankingParameters['aggregation'];
  weights?: Partial<Record<'1' | '2' | '3' | '4', number>>; thresholds?: Record<string, Threshold>;
  min_active_points?: number; monte_carlo?: Partial<RankingParameters['monte_carlo']>; unstable_rank_width?: number;
}

/** The request completed with the defaults (weights: equal over the criteria with data). */
export function resolveParameters(request: RankingRequest, table: SectorTable): RankingParameters {
  const weights = { ...defaultWeights(table.criteriaWithData), ...(request.weights ?? {}) } as RankingParameters['weights'];
  if (!criteria.some((c) => weights[c] > 0)) throw new InvalidInputError([{ field: 'body.weights', reason: 'at least one criterion needs a weight above 0' }]);
  const thresholds = request.thresholds ?? defaultThresholds(table.indicators);
  const known = new Set(table.indicators.map((i) => i.code));
  const unknown = Object.keys(thresholds).filter((code) => !known.has(code));
  if (unknown.length) throw new InvalidInputError(unknown.map((code) => ({ field: `body.thresholds.${code}`, reason: `unknown indicator (known: ${[...known].join(', ')})` })));
  return {
    at: request.at, normalisation: request.normalisation ?? 'min_max', aggregation: request.aggregation ?? 'arithmetic', weights, thresholds,
    min_active_points: request.min_active_points ?? 1,
    monte_carlo: { ...defaultMonteCarlo, ...(request.monte_carlo ?? {}) },
    unstable_rank_width: request.unstable_rank_width ?? defaultUnstableRankWidth,
  };
}

export type ComputedRanking = {
  department: string; kind: SectorKind; parameters: RankingParameters; data_vintage: DataVintage;
  result: RankingResult & { indicators: SectorTable['indicators']; supplied: SectorTable['supplied'] };
  criteria: { criterion: number; label: string; definition: string; has_data: boolean }[];
  threshold_notes: string[];
};

export async function computeRanking(db: pg.Pool, request: RankingRequest, underWayVisibleIn: string[] | null): Promise<ComputedRanking> {
  const table = await sectorTable(db, request.department, request.kind, request.at, underWayVisibleIn);
  const parameters = resolveParameters(request, table);
  const result = rankSectors({ sectors: table.rows, indicators: table.indicators }, parameters);
  return {
    department: request.department, kind: request.kind, parameters, data_vintage: table.vintage,
    result: { ...result, indicators: table.indicators, supplied: table.supplied },
    criteria: criteria.map((c) => ({ criterion: c, label: criterionLabels[c], definition: criterionDefinitions[c], has_data: table.criteriaWithData.has(c) })),
    threshold_notes: defaultThresholdNotes,
  };
}

export async function saveRanking(db: pg.Pool, computed: ComputedRanking, title: string, userId: number) {
  const record = { parameters: computed.parameters, data_vintage: computed.data_vintage, result: computed.result };
  const sha256 = rankingHash(record);
  const { rows: [saved] } = await db.query<{ id: number; created_at: Date }>(sql.insertRanking, [
    computed.department, title, computed.kind, JSON.stringify(record.parameters), JSON.stringify(record.data_vintage), JSON.stringify(record.result), sha256, userId]);
  return { id: saved.id, created_at: saved.created_at.toISOString(), sha256, title, ...computed };
}

export async function listRankings(db: pg.Pool, departments: string[] | null) {
  const { rows } = await db.query(sql.listRankings, [departments]);
  return rows.map((r) => ({ ...r, created_at: (r.created_at as Date).toISOString() }));
}

export type SavedRanking = {
  id: number; department_code: string; title: string; sector_kind: SectorKind; parameters: RankingParameters;
  data_vintage: DataVintage; result: ComputedRanking['result']; sha256: string; created_at: string; created_by: string | null;
  /** Whether the stored content still gives the stored hash. */
  hash_verified: boolean;
};

/** A saved ranking in the principal's departments (another department's: not found, like a missing one). */
export async function getRanking(db: pg.Pool, id: number, departments: string[] | null): Promise<SavedRanking> {
  const { rows } = await db.query(sql.getRanking, [id]);
  const row = rows[0];
  if (!row || (departments && !departments.includes(row.department_code))) throw new NotFoundError('ranking', id);
  return { ...row, created_at: (row.created_at as Date).toISOString(), hash_verified: rankingHash(row) === row.sha256 };
}

export function compareSaved(a: SavedRanking, b: SavedRanking) {
  return {
    a: { id: a.id, title: a.title, created_at: a.created_at, sha256: a.sha256, parameters: a.parameters, data_vintage: a.data_vintage },
    b: { id: b.id, title: b.title, created_at: b.created_at, sha256: b.sha256, parameters: b.parameters, data_vintage: b.data_vintage },
    sectors: compareRankings(a.result, b.result),
    qualifying: { a: a.result.qualifying, b: b.result.qualifying },
  };
}

export function rankingCsv(ranking: SavedRanking): string {
  const { columns, rows } = exportRows(ranking.result, ranking.result.indicators, ranking.sector_kind === 'commune' || ranking.sector_kind === 'arrondissement' ? 'code_insee' : 'code_secteur');
  return stringify(rows, { header: true, columns, delimiter: ';', quoted_match: /[\r\n;"]/, record_delimiter: '\n', bom: true });
}
