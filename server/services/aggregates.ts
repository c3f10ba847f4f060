/** Active deal points counted per H3 cell, commune or department on a date: never coordinates. */
import type pg from 'pg';
import { cellToParent } from 'h3-js';
import { cellPolygon } from '../domain/h3-cells.js';

export interface AggregateFilter { at: string; bbox: [number, number, number, number] | null; departments: string[] | null; dataset: string | null }

const activeOn = `
  FROM deal_points d
  JOIN deal_point_active_periods p ON p.deal_point_id = d.id AND p.active_from <= $1::date AND (p.active_until IS NULL OR p.active_until > $1::date)
  JOIN communes c ON c.insee = d.commune_insee
  WHERE ($2::float8 IS NULL OR d.geom && ST_MakeEnvelope($2, $3, $4, $5, 4326))
    AND ($6::text[] IS NULL OR c.department_code = ANY($6::text[]))
    AND ($7::text IS NULL OR d.dataset = $7)`;

function params(filter: AggregateFilter): unknown[] {
  return [filter.at, filter.bbox?.[0] ?? null, filter.bbox?.[1] ?? null, filter.bbox?.[2] ?? null, filter.bbox?.[3] ?? null, filter.departments, filter.dataset];
}

/** Counts per H3 cell at `resolution` (5-9); cells finer than 7 come from the stored columns. */
export async function countByCell(db: pg.Pool, resolution: number, filter: AggregateFilter): Promise<Map<string, number>> {
  const column = resolution >= 9 ? 'h3_r9' : resolution === 8 ? 'h3_r8' : 'h3_r7';
  const { rows } = await db.query<{ cell: string; count: number }>(`SELECT d.${column} AS cell, count(*)::int AS count ${activeOn} GROUP BY d.${column}`, params(filter));
  const counts = new Map<string, number>();
  for (const row of rows) {
    const cell = resolution < 7 ? cellToParent(row.cell, resolution) : row.cell;
    counts.set(cell, (counts.get(cell) ?? 0) + row.count);
  }
  return counts;
}

export function cellFeature(cell: string, properties: Record<string, unknown>) {
  return { type: 'Feature' as const, id: cell, geometry: cellPolygon(cell), properties: { h3: cell, ...properties } };
}

export async function countByCommune(db: pg.Pool, filter: AggregateFilter) {
  const { rows } = await db.query<{ insee: string; name: string; department_code: string; size_class: string; count: number }>(
    `SELECT c.insee, c.name, c.department_code, s.size_class, count(*)::int AS count ${activeOn.replace('JOIN communes c ON c.insee = d.commune_insee', 'JOIN communes c ON c.insee = d.commune_insee JOIN commune_size_classes s ON s.insee = c.insee')}
     GROUP BY c.insee, c.name, c.department_code, s.size_class ORDER BY c.insee`, params(filter),
  );
  return rows;
}

export async function countByDepartment(db: pg.Pool, filter: AggregateFilter) {
  const { rows } = await db.query<{ code: string; name: string; count: number }>(
    `SELECT c.department_code AS code, dep.name, count(*)::int AS count ${activeOn.replace('JOIN communes c ON c.insee = d.commune_insee', 'JOIN communes c ON c.insee = d.commune_insee JOIN departments dep ON dep.code = c.department_code')}
     GROUP BY c.department_code, dep.name ORDER BY c.department_code`, params(filter),
  );
  return rows;
}
