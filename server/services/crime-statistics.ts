/** SSMSI statistics: all-or-nothing, idempotent imports and the reads the API serves. */
import type pg from 'pg';
import { parseCrimeStatistics, type StatisticsLevel } from '../domain/crime-statistics.js';
import { ImportRejectedError } from './imports.js';
import { withTransaction } from './transactions.js';

export interface StatisticsImportReport { level: StatisticsLevel; rows: number; inserted: number; updated: number; unchanged: number; withheld: number }

/** Imports inside the caller's transaction (the reference loader has one open). */
export async function importCrimeStatisticsWith(client: pg.PoolClient, text: string, level: StatisticsLevel): Promise<StatisticsImportReport> {
  const { rows, problems } = parseCrimeStatistics(text, level);
  if (problems.length) throw new ImportRejectedError(problems, rows.length + new Set(problems.map((p) => p.line)).size);
  const areaTable = level === 'departments' ? 'departments' : 'communes';
  const areaColumn = level === 'departments' ? 'code' : 'insee';
  const areas = [...new Set(rows.map((r) => r.area))];
  const { rows: known } = await client.query<{ area: string }>(`SELECT ${areaColumn} AS area FROM ${areaTable} WHERE ${areaColumn} = ANY($1::text[])`, [areas]);
  const knownAreas = new Set(known.map((k) => k.area));
  const unknown = rows.filter((r) => !knownAreas.has(r.area)).map((r) => ({ line: r.line, field: level === 'departments' ? 'code_departement' : 'CODGEO_2025', reason: `unknown ${level === 'departments' ? 'department' : 'commune'} ${r.area}` }));
  if (unknown.length) throw new ImportRejectedError(unknown, rows.length);

  const indicators = new Map(rows.map((r) => [r.indicatorCode, r]));
  await client.query(
    `INSERT INTO crime_indicators (code, label, unit, unit_label) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
     ON CONFLICT (code) DO UPDATE SET label = EXCLUDED.label, unit = EXCLUDED.unit, unit_label = EXCLUDED.unit_label`,
    [[...indicators.keys()], [...indicators.values()].map((r) => r.indicatorLabel), [...indicators.values()].map((r) => r.unit), [...indicators.values()].map((r) => r.unitLabel)],
  );
  const report: StatisticsImportReport = { level, rows: rows.length, inserted: 0, updated: 0, unchanged: 0, withheld: rows.filter((r) => !r.isPublished).length };
  const table = level === 'departments' ? 'department_crime_statistics' : 'commune_crime_statistics';
  const areaKey = level === 'departments' ? 'department_code' : 'insee';
  const publishedColumn = level === 'communes' ? ', is_published' : '';
  for (let start = 0; start < rows.length; start += 10000) {
    const batch = rows.slice(start, start + 10000);
    const { rows: written } = await client.query<{ inserted: boolean }>(
      `INSERT INTO ${table} AS s (${areaKey}, year, indicator_code, count, rate_per_1000, population${publishedColumn})
       SELECT area, year, indicator, count, rate, population${level === 'communes' ? ', published' : ''}
       FROM unnest($1::text[], $2::int[], $3::text[], $4::int[], $5::numeric[], $6::int[], $7::boolean[])
         AS t(area, year, indicator, count, rate, population, published)
       ON CONFLICT (${areaKey}, year, indicator_code) DO UPDATE
         SET count = EXCLUDED.count, rate_per_1000 = EXCLUDED.rate_per_1000, population = EXCLUDED.population${level === 'communes' ? ', is_published = EXCLUDED.is_published' : ''}
         WHERE (s.count, s.rate_per_1000, s.population${publishedColumn.replace(', ', ', s.')}) IS DISTINCT FROM
               (EXCLUDED.count, EXCLUDED.rate_per_1000::numeric(12, 6), EXCLUDED.population${publishedColumn.replace(', ', ', EXCLUDED.')})
       RETURNING (s.xmax = 0) AS inserted`,
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
  const { rows } = await db.query(`SELECT code, label, unit, unit_label FROM crime_indicators ORDER BY label`);
  return rows;
}

export async function departmentStatistics(db: pg.Pool, filter: { indicator?: string; year?: number; department?: string }) {
  const { rows } = await db.query(
    `SELECT s.department_code, d.name AS department_name, s.year, s.indicator_code AS indicator, i.unit, s.count,
            s.rate_per_1000, s.population
     FROM department_crime_statistics s JOIN departments d ON d.code = s.department_code JOIN crime_indicators i ON i.code = s.indicator_code
     WHERE ($1::text IS NULL OR s.indicator_code = $1) AND ($2::int IS NULL OR s.year = $2) AND ($3::text IS NULL OR s.department_code = $3)
     ORDER BY s.indicator_code, s.year, s.department_code`,
    [filter.indicator ?? null, filter.year ?? null, filter.department ?? null],
  );
  return rows;
}

export async function communeStatistics(db: pg.Pool, filter: { indicator?: string; year?: number; insee?: string; department?: string; limit: number }) {
  const { rows } = await db.query(
    `SELECT s.insee, c.name AS commune_name, c.department_code, s.year, s.indicator_code AS indicator, i.unit,
            s.is_published, s.count, s.rate_per_1000, s.population
     FROM commune_crime_statistics s JOIN communes c ON c.insee = s.insee JOIN crime_indicators i ON i.code = s.indicator_code
     WHERE ($1::text IS NULL OR s.indicator_code = $1) AND ($2::int IS NULL OR s.year = $2) AND ($3::text IS NULL OR s.insee = $3)
       AND ($4::text IS NULL OR c.department_code = $4)
     ORDER BY s.indicator_code, s.year, s.insee LIMIT $5`,
    [filter.indicator ?? null, filter.year ?? null, filter.insee ?? null, filter.department ?? null, filter.limit],
  );
  return rows;
}

/** National totals: sums over departments, France entière, metropolitan France and overseas. */
export async function nationalStatistics(db: pg.Pool, filter: { indicator?: string; year?: number }) {
  const { rows } = await db.query(
    `SELECT s.year, s.indicator_code AS indicator, i.label AS indicator_label, i.unit,
            sum(s.count)::int AS count,
            sum(s.count) FILTER (WHERE s.department_code NOT LIKE '97%')::int AS metropole,
            sum(s.count) FILTER (WHERE s.department_code LIKE '97%')::int AS drom,
            sum(s.population)::bigint AS population,
            round(1000.0 * sum(s.count) / nullif(sum(s.population), 0), 3)::float8 AS rate_per_1000,
            count(*)::int AS departments, count(s.count)::int AS departments_with_count
     FROM department_crime_statistics s JOIN crime_indicators i ON i.code = s.indicator_code
     WHERE ($1::text IS NULL OR s.indicator_code = $1) AND ($2::int IS NULL OR s.year = $2)
     GROUP BY s.year, s.indicator_code, i.label, i.unit ORDER BY s.indicator_code, s.year`,
    [filter.indicator ?? null, filter.year ?? null],
  );
  return rows.map((r) => ({ ...r, population: Number(r.population) }));
}
