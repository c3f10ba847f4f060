/**
 * What a snapshot's area is made of: its communes and departments, outline, the whole H3 cells of
 * its map, and the series filter that counts it in one unit system (whole communes, or whole
 * resolution-7 cells for a drawn area), at the deputies' disclosure level.
 */
import type pg from 'pg';
import { cellSetArea, polygonCells, type CellArea } from '../domain/disclosure.js';
import { monthIndex } from '../domain/months.js';
import type { SnapshotData, SnapshotParameters } from '../domain/snapshots/document.js';
import { UnprocessableError } from '../errors.js';
import type { SeriesFilter } from './time-series.js';
import * as sql from '../queries/snapshots.js';

/** Snapshots are always made at the deputies' level, so any holder of the permalink may open one. */
export const snapshotDisclosure = Object.freeze({ unitResolution: 7, perturb: true });

export interface ResolvedArea {
  area: SnapshotData['area'];
  /** Counts the area itself (whole communes, or whole r7 cells of a drawn area). */
  filter: SeriesFilter;
  /** Whole cells of the map's resolution covering the area (null: all of France). */
  mapArea: CellArea | null;
  /** GeoJSON text of the area for distances (null: France). */
  geometryText: string | null;
}

export function baseFilter(parameters: { from: string; to: string }): SeriesFilter {
  // No operation under way shows anywhere: the deputies' rule.
  return { from: monthIndex(parameters.from), to: monthIndex(parameters.to), bbox: null, departments: null, dataset: null, region: null, commune: null, underWayVisibleIn: [] };
}

function cellsOf(outline: GeoJSON.Geometry | null, resolution: number): CellArea | null {
  if (!outline || (outline.type !== 'Polygon' && outline.type !== 'MultiPolygon')) return null;
  return cellSetArea(polygonCells(outline, resolution), resolution);
}

function communesLabel(communes: { insee: string; name: string }[]): string {
  if (communes.length === 1) return `${communes[0].name} (${communes[0].insee})`;
  const names = communes.slice(0, 4).map((c) => c.name).join(', ');
  return `${communes.length} communes : ${names}${communes.length > 4 ? ', …' : ''}`;
}

export async function resolveArea(db: pg.Pool, parameters: SnapshotParameters): Promise<ResolvedArea> {
  const base = baseFilter(parameters);
  const resolution = parameters.map_resolution;
  const { area } = parameters;
  if (area.kind === 'communes') {
    const { rows: communes } = await db.query<SnapshotData['area']['communes'][number]>(sql.communesOfList, [area.communes]);
    const unknown = area.communes.filter((code) => !communes.some((c) => c.insee === code));
    if (unknown.length) throw new UnprocessableError([{ field: 'body.area.communes', reason: `unknown commune ${unknown.slice(0, 5).join(', ')}` }]);
    const { rows: [{ outline }] } = await db.query<{ outline: SnapshotData['area']['outline'] }>(sql.communesOutline, [area.communes]);
    const { rows: departments } = await db.query<{ code: string; name: string }>(sql.departmentNames, [[...new Set(communes.map((c) => c.department_code))]]);
    return {
      area: { label: communesLabel(communes), kind: 'communes', communes, departments, outline },
      filter: { ...base, communes: area.communes }, mapArea: cellsOf(outline, resolution), geometryText: outline ? JSON.stringify(outline) : null,
    };
  }
  if (area.kind === 'department') {
    const { rows } = await db.query<{ code: string; name: string; outline: SnapshotData['area']['outline'] }>(sql.departmentWithOutline, [area.department]);
    if (!rows[0]) throw new UnprocessableError([{ field: 'body.area.department', reason: `unknown department ${area.department}` }]);
    const { code, name, outline } = rows[0];
    return {
      area: { label: `${name} (${code})`, kind: 'department', communes: [], departments: [{ code, name }], outline },
      filter: { ...base, departments: [code] }, mapArea: cellsOf(outline, resolution), geometryText: outline ? JSON.stringify(outline) : null,
    };
  }
  if (area.kind === 'france') {
    const { rows: [{ outline }] } = await db.query<{ outline: SnapshotData['area']['outline'] }>(sql.franceOutline);
    return { area: { label: 'France entière', kind: 'france', communes: [], departments: [], outline }, filter: base, mapArea: null, geometryText: null };
  }
  const text = JSON.stringify(area.polygon);
  const { rows: departments } = await db.query<{ code: string; name: string }>(sql.departmentsTouching, [text]);
  if (!departments.length) throw new UnprocessableError([{ field: 'body.area.polygon', reason: 'the drawn area touches no French department' }]);
  const cells = cellSetArea(polygonCells(area.polygon, 7), 7);
  return {
    area: { label: `Zone dessinée (${departments.map((d) => d.name).join(', ')})`, kind: 'drawn', communes: [], departments, outline: area.polygon },
    filter: { ...base, areas: [cells] }, mapArea: cellsOf(area.polygon, resolution), geometryText: text,
  };
}
