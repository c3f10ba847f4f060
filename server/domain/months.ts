/**
 * Month arithmetic and monthly counting (pure). A month is an integer index counted from
 * January 2000 (0), the same as the SQL function month_index(date).
 */
import type { FieldProblem } from './problems.js';

export const monthPattern = '^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$';

export function monthIndex(month: string): number {
  const [year, number] = month.split('-').map(Number);
  return (year - 2000) * 12 + number - 1;
}

export function monthLabel(index: number): string {
  const year = 2000 + Math.floor(index / 12);
  return `${year}-${String((((index % 12) + 12) % 12) + 1).padStart(2, '0')}`;
}

/** Last day of a month 'YYYY-MM', as YYYY-MM-DD. */
export function monthEnd(month: string): string {
  const [year, number] = month.split('-').map(Number);
  return new Date(Date.UTC(year, number, 0)).toISOString().slice(0, 10);
}

/** First day of the month, YYYY-MM-01. */
export function monthStart(index: number): string {
  return `${monthLabel(index)}-01`;
}

export function monthRange(from: number, to: number): string[] {
  const months: string[] = [];
  for (let index = from; index <= to; index += 1) months.push(monthLabel(index));
  return months;
}

/** One active period of a deal point, clipped to months: active in every month first..last (inclusive). */
export interface ActiveSpan { pointId: number; key: string; first: number; last: number; recordKey?: number }

export interface MonthlyCounts {
  /** Points active at some time during each month. */
  active: number[];
  /** Distinct points active at some time from the window's first month to each month. */
  cumulative: number[];
  /** Sums modulo 2^31 of the record keys of the points counted in `active` and `cumulative` (cell keys for disclosure control). */
  activeKeys: number[];
  cumulativeKeys: number[];
}

const keyModulus = 2 ** 31;

/**
 * Counts active points per key (an H3 cell, a size class...) and month over the window from..to.
 * A point counts once per month even when it was dismantled and reopened within that month, and
 * once in the cumulative count from the first month it is active in the window.
 */
export function monthlyCounts(spans: readonly ActiveSpan[], from: number, to: number): Map<string, MonthlyCounts> {
  const length = to - from + 1;
  const perPoint = new Map<string, { key: string; recordKey: number; months: Set<number> }>();
  for (const span of spans) {
    const first = Math.max(span.first, from);
    const last = Math.min(span.last, to);
    if (first > last) continue;
    const id = `${span.pointId}\u0000${span.key}`;
    let entry = perPoint.get(id);
    if (!entry) perPoint.set(id, (entry = { key: span.key, recordKey: span.recordKey ?? 0, months: new Set() }));
    for (let month = first; month <= last; month += 1) entry.months.add(month - from);
  }
  const result = new Map<string, MonthlyCounts>();
  const firstSeen = new Map<string, { count: number[]; keys: number[] }>();
  const zeros = () => new Array<number>(length).fill(0);
  for (const { key, recordKey, months } of perPoint.values()) {
    let counts = result.get(key);
    if (!counts) {
      counts = { active: zeros(), cumulative: zeros(), activeKeys: zeros(), cumulativeKeys: zeros() };
      result.set(key, counts);
      firstSeen.set(key, { count: zeros(), keys: zeros() });
    }
    let earliest = length;
    for (const offset of months) {
      counts.active[offset] += 1;
      counts.activeKeys[offset] = (counts.activeKeys[offset] + recordKey) % keyModulus;
      if (offset < earliest) earliest = offset;
    }
    const arrivals = firstSeen.get(key)!;
    arrivals.count[earliest] += 1;
    arrivals.keys[earliest] = (arrivals.keys[earliest] + recordKey) % keyModulus;
  }
  for (const [key, counts] of result) {
    const arrivals = firstSeen.get(key)!;
    let running = 0;
    let runningKeys = 0;
    for (let offset = 0; offset < length; offset += 1) {
      counts.cumulative[offset] = running += arrivals.count[offset];
      counts.cumulativeKeys[offset] = runningKeys = (runningKeys + arrivals.keys[offset]) % keyModulus;
    }
  }
  return result;
}

/** A window of months, inclusive, as indices. */
export interface MonthWindow { from: number; to: number }

/**
 * The one check of a window of months written YYYY-MM (from <= to, length within bounds): its
 * indices, or the problems naming `fields` (the names the caller's input uses).
 */
export function parseMonthWindow(
  from: string, to: string, options: { minMonths?: number; maxMonths?: number; fields?: { from: string; to: string } } = {},
): { window: MonthWindow; problems: FieldProblem[] } {
  const fields = options.fields ?? { from: 'querystring.from', to: 'querystring.to' };
  const window = { from: monthIndex(from), to: monthIndex(to) };
  const length = window.to - window.from + 1;
  const problems: FieldProblem[] = [];
  if (window.to < window.from) problems.push({ field: fields.to, reason: `must not be before from (${from})` });
  else if (options.minMonths !== undefined && length < options.minMonths) problems.push({ field: fields.to, reason: `the window must span at least ${options.minMonths} months` });
  else if (options.maxMonths !== undefined && length > options.maxMonths) problems.push({ field: fields.to, reason: `the window may span at most ${options.maxMonths} months` });
  return { window, problems };
}
