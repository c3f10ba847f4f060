/** SSMSI statistics: all-or-nothing, idempotent imports and the reads the API serves. */
import type pg from 'pg';
import { parseCrimeStatistics, type StatisticsLevel } from '../domain/crime-statistics.js';
import { ImportRejectedError } from './imports.js';
import { withTransaction } from '../database/transactions.js';
import * as sql from '../queries/crime-statistics.js';

export interface StatisticsImportReport { level: StatisticsLevel; rows: number; inserted: number; updated: number; unchanged: number; withheld: number }

/** Imports inside the caller's transaction (the reference loader has one open). */
export async function importCrimeStatisticsWith(client: pg.PoolClient, text: string, level: StatisticsLevel): Promise<StatisticsImportReport> {
  const { rows, problems } = parseCrimeStatistics(text, level);
  if (problems.length) throw new ImportRejectedError(problems, rows.length + new Set(problems.map((p) => p.line)).size);
  const areas = [...new Set(rows.map((r) => r.area))];
  const { rows: known } = await client.query<{ area: string }>(level === 'departments' ? sql.knownDepartments : sql.knownCommunes, [areas]);
  const knownAreas = new Set(known.map((k) => k.area));
  const unknown = rows.filter((r) => !knownAreas.has(r.area)).map((r) => ({ line: r.line, field: level === 'departments' ? 'code_departement' : 'CODGEO_2025', reason: `unknown ${level === 'departments' ? 'department' : 'commune'} ${r.area}` }));
  if (unknown.length) throw new ImportRejectedError(unknown, rows.length);

  const indicators = new Map(rows.map((r) => [r.indicatorCode, r]));
  await client.query(
    sql.upsertIndicators,
    [[...indicators.keys()], [...indicators.values()].map((r) => r.indicatorLabel), [...indicators.values()].map((r) => r.unit), [...indicators.values()].map((r) => r.unitLabel)],
  );
  const report: StatisticsImportReport = { level, rows: rows.length, inserted: 0, updated: 0, unchanged: 0, withheld: rows.filter((r) => !r.isPublished).length };
  for (let start = 0; start < rows.length; start += 10000) {
    const batch = rows.slice(start, start + 10000);
    const { rows: written } = await client.query<{ inserted: boolean }>(
      level === 'departments' ? sql.upsertDepartmentStatistics : sql.upsertCommuneStatistics,
      [batch.map((r) => r.area), batch.map((r) => r.year), batch.map((r) => r.indicatorCode), batch.map((r) => r.count),
        batch.map((r) => r.ratePer1000), batch.map((r) => r.population), batch.map((r) => r.isPublished)],
    );
    const inserted = written.filter((w) => w.inserted).length;
    report.inserted += inserted;
    report.updated += written.length - inserted;
    report.unchanged += batch.length - written.length;
  }
  return report;
}

export function importCrimeStatistics(pool: pg.Pool, text: string, level: StatisticsLevel): Promise<StatisticsImportReport> {
  return withTransaction(pool, (client) => importCrimeStatisticsWith(client, text, level));
}

export async function listIndicators(db: pg.Pool) {
  const { rows } = await db.query(sql.listIndicators);
  return rows;
}

export async function departmentStatistics(db: pg.Pool, filter: { indicator?: string; year?: number; department?: string }) {
  const { rows } = await db.query(
    sql.departmentStatistics,
    [filter.indicator ?? null, filter.year ?? null, filter.department ?? null],
  );
  return rows;
}

export async function communeStatistics(db: pg.Pool, filter: { indicator?: string; year?: number; insee?: string; department?: string; limit: number }) {
  const { rows } = await db.query(
    sql.communeStatistics,
    [filter.indicator ?? null, filter.year ?? null, filter.insee ?? null, filter.department ?? null, filter.limit],
  );
  return rows;
}

/** National totals: sums over departments, France entière, metropolitan France and overseas. */
export async function nationalStatistics(db: pg.Pool, filter: { indicator?: string; year?: number }) {
  const { rows } = await db.query(
    sql.nationalStatistics,
    [filter.indicator ?? null, filter.year ?? null],
  );
  return rows.map((r) => ({ ...r, population: Number(r.population) }));
}
