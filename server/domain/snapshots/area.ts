/**
 * Checks a snapshot request (pure): the area (communes, a department, France or a drawn polygon),
 * the period and the map resolution. Problems name the field and the reason.
 */
import { areaProblems } from '../geojson-checks.js';
import { coordinateProblem } from '../france-extent.js';
import { parseMonthWindow } from '../months.js';
import type { FieldProblem } from '../problems.js';
import type { SnapshotArea, SnapshotParameters } from './document.js';

export const maxCommunes = 300;
/** Largest drawn area, as the span of its box in degrees (about 220 x 160 km in metropolitan France). */
export const maxDrawnSpanDegrees = 2;
export const maxPeriodMonths = 240;

export interface SnapshotRequest {
  area: { kind: string; communes?: string[]; department?: string; polygon?: unknown };
  from: string; to: string;
}

/** The map's H3 resolution: 7 (the finest a deputy gets) for communes and drawn areas, coarser for large areas. */
export function mapResolutionFor(area: SnapshotArea): number {
  return area.kind === 'france' ? 5 : area.kind === 'department' ? 6 : 7;
}

function drawnProblems(polygon: unknown): FieldProblem[] {
  const field = 'body.area.polygon';
  if (!polygon || typeof polygon !== 'object' || (polygon as { type?: unknown }).type !== 'Polygon') return [{ field: `${field}.type`, reason: 'must be a GeoJSON Polygon' }];
  const problems = areaProblems(polygon, field);
  if (problems.length) return problems;
  const ring = (polygon as GeoJSON.Polygon).coordinates[0];
  if (ring.length > 1000) return [{ field: `${field}.coordinates`, reason: 'at most 1,000 vertices' }];
  for (const [i, position] of ring.entries()) {
    const problem = coordinateProblem(position[0], position[1]);
    if (problem) return [{ field: `${field}.coordinates.0.${i}`, reason: problem }];
  }
  const lons = ring.map((p) => p[0]);
  const lats = ring.map((p) => p[1]);
  if (Math.max(...lons) - Math.min(...lons) > maxDrawnSpanDegrees || Math.max(...lats) - Math.min(...lats) > maxDrawnSpanDegrees) {
    return [{ field: `${field}.coordinates`, reason: `the drawn area may span at most ${maxDrawnSpanDegrees} degrees each way (ask for a department instead)` }];
  }
  return [];
}

/** The parameters of a valid request, or the problems; `currentMonth` (YYYY-MM) bounds the period. */
export function checkSnapshotRequest(request: SnapshotRequest, currentMonth: string): { parameters: SnapshotParameters | null; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const { area } = request;
  const extra = (allowed: string[]) => ['communes', 'department', 'polygon'].filter((k) => !allowed.includes(k) && (area as Record<string, unknown>)[k] !== undefined)
    .map((k) => ({ field: `body.area.${k}`, reason: `not allowed with kind "${area.kind}"` }));
  let parsed: SnapshotArea | null = null;
  if (area.kind === 'communes') {
    problems.push(...extra(['communes']));
    const communes = area.communes ?? [];
    if (communes.length === 0) problems.push({ field: 'body.area.communes', reason: 'give at least one INSEE code' });
    else if (communes.length > maxCommunes) problems.push({ field: 'body.area.communes', reason: `at most ${maxCommunes} communes` });
    else if (new Set(communes).size !== communes.length) problems.push({ field: 'body.area.communes', reason: 'an INSEE code is repeated' });
    else parsed = { kind: 'communes', communes: [...communes].sort() };
  } else if (area.kind === 'department') {
    problems.push(...extra(['department']));
    if (!area.department) problems.push({ field: 'body.area.department', reason: 'give the department code' });
    else parsed = { kind: 'department', department: area.department };
  } else if (area.kind === 'france') {
    problems.push(...extra([]));
    parsed = { kind: 'france' };
  } else if (area.kind === 'drawn') {
    problems.push(...extra(['polygon']));
    const drawn = drawnProblems(area.polygon);
    problems.push(...drawn);
    if (!drawn.length) parsed = { kind: 'drawn', polygon: { type: 'Polygon', coordinates: (area.polygon as GeoJSON.Polygon).coordinates.map((ring) => ring.map((p) => [p[0], p[1]])) } };
  } else {
    problems.push({ field: 'body.area.kind', reason: 'must be one of communes, department, france, drawn' });
  }
  const { problems: windowProblems } = parseMonthWindow(request.from, request.to, { maxMonths: maxPeriodMonths, fields: { from: 'body.from', to: 'body.to' } });
  problems.push(...windowProblems);
  if (request.to > currentMonth) problems.push({ field: 'body.to', reason: `must not be after the current month (${currentMonth})` });
  if (request.from < '2000-01') problems.push({ field: 'body.from', reason: 'must not be before 2000-01' });
  if (problems.length || !parsed) return { parameters: null, problems };
  return { parameters: { area: parsed, from: request.from, to: request.to, map_resolution: mapResolutionFor(parsed) }, problems };
}
