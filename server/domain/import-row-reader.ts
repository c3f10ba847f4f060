/**
 * Reads typed values from one raw row of an import file (text, codes, dates, numbers, lists, a
 * location in WGS84 or Lambert-93, a status history, an area), collecting a problem for each field
 * that does not read. Pure.
 */
import type { FieldProblem } from './problems.js';
import { coordinateProblem } from './france-extent.js';
import { lambert93ToLongitudeLatitude, parseDecimal } from './coordinates.js';
import { eventDateProblem, isCalendarDate } from './dates.js';
import { statusHistoryProblems, dealPointStatuses, type DealPointStatus } from './status-history.js';
import { areaProblems, pointProblems } from './geojson-checks.js';
import type { ImportedStatus } from './import-rows.js';

/** One raw row: its line in the file, its string values by lower-case column, and a geometry (GeoJSON). */
export interface RawRow { line: number; values: Record<string, string>; geometry?: unknown; fieldPrefix: string }

/** Collects problems for one row while reading typed values from it. */
export class RowReader {
  readonly problems: FieldProblem[] = [];
  constructor(private readonly row: RawRow) {}

  private problem(field: string, reason: string) { this.problems.push({ line: this.row.line, field, reason }); }

  raw(...names: string[]): string | undefined {
    for (const name of names) {
      const value = this.row.values[name];
      if (value !== undefined && value !== '') return value;
    }
    return undefined;
  }

  text(name: string, options: { required?: boolean; max?: number } = {}): string | null {
    const value = this.raw(name);
    if (value === undefined) { if (options.required) this.problem(name, 'is required'); return null; }
    if (options.max && value.length > options.max) { this.problem(name, `is longer than ${options.max} characters`); return null; }
    return value;
  }

  oneOf<T extends readonly string[]>(name: string, allowed: T, fallback?: T[number]): T[number] | null {
    const value = this.raw(name);
    if (value === undefined) { if (fallback === undefined) this.problem(name, 'is required'); return fallback ?? null; }
    if (!allowed.includes(value)) { this.problem(name, `"${value}" is not one of: ${allowed.join(', ')}`); return null; }
    return value;
  }

  date(name: string, required: boolean): string | null {
    const value = this.raw(name);
    if (value === undefined) { if (required) this.problem(name, 'is required'); return null; }
    const reason = eventDateProblem(value);
    if (reason) { this.problem(name, reason); return null; }
    return value;
  }

  number(name: string, options: { integer?: boolean; min?: number; max?: number } = {}): number | null {
    const value = this.raw(name);
    if (value === undefined) return null;
    const parsed = parseDecimal(value);
    if (parsed === null) { this.problem(name, `"${value}" is not a number`); return null; }
    if (options.integer && !Number.isInteger(parsed)) { this.problem(name, `"${value}" is not a whole number`); return null; }
    if (options.min !== undefined && parsed < options.min) { this.problem(name, `${parsed} is below ${options.min}`); return null; }
    if (options.max !== undefined && parsed > options.max) { this.problem(name, `${parsed} is above ${options.max}`); return null; }
    return parsed;
  }

  list<T extends readonly string[]>(name: string, allowed: T): T[number][] {
    const value = this.raw(name);
    if (value === undefined) return [];
    const items = value.split(/[|,]/).map((s) => s.trim()).filter(Boolean);
    const unknown = items.filter((item) => !allowed.includes(item));
    if (unknown.length) { this.problem(name, `unknown value(s) ${unknown.map((u) => `"${u}"`).join(', ')}; allowed: ${allowed.join(', ')}`); return []; }
    return [...new Set(items)];
  }

  /** Location from a GeoJSON Point, lat/lon columns, or x/y Lambert-93 columns. */
  location(geometry: unknown): { longitude: number; latitude: number } | null {
    if (geometry !== undefined && geometry !== null) {
      const problems = pointProblems(geometry, 'geometry');
      if (problems.length) { this.problems.push(...problems.map((p) => ({ ...p, line: this.row.line }))); return null; }
      const [longitude, latitude] = (geometry as GeoJSON.Point).coordinates;
      return { longitude, latitude };
    }
    const present = (...names: string[]) => names.find((n) => this.row.values[n] !== undefined && this.row.values[n] !== '');
    const latName = present('lat', 'latitude');
    const lonName = present('lon', 'lng', 'longitude');
    const x = this.raw('x');
    const y = this.raw('y');
    let longitude: number | null;
    let latitude: number | null;
    let field: string;
    if (latName || lonName) {
      field = 'lat/lon';
      if (!latName || !lonName) { this.problem(field, 'both lat and lon are required'); return null; }
      longitude = this.number(lonName);
      latitude = this.number(latName);
      if (longitude !== null && latitude !== null && (Math.abs(longitude) > 1000 || Math.abs(latitude) > 1000)) {
        this.problem(field, `(${longitude}; ${latitude}) look like projected metres: name Lambert-93 columns x and y`);
        return null;
      }
    } else if (x !== undefined || y !== undefined) {
      field = 'x/y';
      const easting = this.number('x');
      const northing = this.number('y');
      if (x === undefined || y === undefined) { this.problem(field, 'both x and y (Lambert-93 metres) are required'); return null; }
      if (easting === null || northing === null) return null;
      if (easting < 0 || easting > 1300000 || northing < 6000000 || northing > 7200000) {
        this.problem(field, `(${x}; ${y}) is outside the Lambert-93 (EPSG:2154) extent of metropolitan France`);
        return null;
      }
      [longitude, latitude] = lambert93ToLongitudeLatitude(easting, northing);
    } else {
      this.problem('location', 'give lat and lon (WGS84), x and y (Lambert-93), or a GeoJSON Point geometry');
      return null;
    }
    if (longitude === null || latitude === null) return null;
    const reason = coordinateProblem(longitude, latitude);
    if (reason) { this.problem(field, reason); return null; }
    return { longitude, latitude };
  }

  statusHistory(): ImportedStatus[] {
    const written = this.raw('status_history');
    let history: ImportedStatus[];
    if (written !== undefined) {
      history = [];
      for (const part of written.split('|').map((s) => s.trim()).filter(Boolean)) {
        const [status, date, operation, ...rest] = part.split(':').map((s) => s.trim());
        if (!dealPointStatuses.includes(status as DealPointStatus) || !date || !isCalendarDate(date) || rest.length || operation === '') {
          this.problem('status_history', `"${part}" is not status:YYYY-MM-DD[:operation external id] with status one of ${dealPointStatuses.join(', ')}`);
          return [];
        }
        const dateReason = eventDateProblem(date);
        if (dateReason) { this.problem('status_history', `"${part}": the date ${dateReason}`); return []; }
        history.push(operation ? { status: status as DealPointStatus, effective_on: date, operation } : { status: status as DealPointStatus, effective_on: date });
      }
    } else {
      const first = this.date('first_seen_on', true);
      const dismantled = this.date('dismantled_on', false);
      const reopened = this.date('reopened_on', false);
      if (!first) return [];
      history = [{ status: 'active', effective_on: first }];
      if (dismantled) history.push({ status: 'dismantled', effective_on: dismantled });
      if (reopened) {
        if (!dismantled) { this.problem('reopened_on', 'a point reopens only after dismantled_on'); return []; }
        history.push({ status: 'reopened', effective_on: reopened });
      }
    }
    const problems = statusHistoryProblems(history);
    for (const p of problems) this.problem(written !== undefined ? 'status_history' : p.field, p.reason);
    return problems.length ? [] : history;
  }

  area(geometry: unknown): GeoJSON.Polygon | GeoJSON.MultiPolygon | null {
    let candidate = geometry;
    let field = 'geometry';
    if (candidate === undefined || candidate === null) {
      const written = this.raw('target_geojson');
      field = 'target_geojson';
      if (written === undefined) { this.problem('target_geojson', 'is required: the target area as a GeoJSON Polygon or MultiPolygon'); return null; }
      try { candidate = JSON.parse(written); } catch { this.problem(field, 'is not valid JSON'); return null; }
    }
    const problems = areaProblems(candidate, field);
    if (problems.length) { this.problems.push(...problems.map((p) => ({ ...p, line: this.row.line }))); return null; }
    return candidate as GeoJSON.Polygon | GeoJSON.MultiPolygon;
  }
}
