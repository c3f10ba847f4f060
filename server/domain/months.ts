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

/** The month index of a date YYYY-MM-DD (or of a timestamp starting so). */
export function monthOfDate(date: string): number {
  return monthIndex(date.slice(0, 7));
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
  // Each point's clipped periods under each key, as offsets in the window [first, last].
  const perKey = new Map<string, Map<number, { recordKey: number; periods: number[] }>>();
  for (const span of spans) {
    const first = Math.max(span.first, from);
    const last = Math.min(span.last, to);
    if (first > last) continue;
    let points = perKey.get(span.key);
    if (!points) perKey.set(span.key, (points = new Map()));
    let entry = points.get(span.pointId);
    if (!entry) points.set(span.pointId, (entry = { recordKey: span.recordKey ?? 0, periods: [] }));
    entry.periods.push(first - from, last - from);
  }
  const result = new Map<string, MonthlyCounts>();
  for (const [key, points] of perKey) {
    // Differences: +1 at a period's first month, -1 after its last; periods of one point sharing
    // or touching a month are merged first, so the point counts once in that month.
    const activeChange = new Array<number>(length + 1).fill(0);
    const keyChange = new Array<number>(length + 1).fill(0);
    const arrivals = new Array<number>(length).fill(0);
    const arrivalKeys = new Array<number>(length).fill(0);
    for (const { recordKey, periods } of points.values()) {
      const pairs: [number, number][] = [];
      for (let i = 0; i < periods.length; i += 2) pairs.push([periods[i], periods[i + 1]]);
      if (pairs.length > 1) pairs.sort((a, b) => a[0] - b[0]);
      let [start, end] = pairs[0];
      const close = () => {
        activeChange[start] += 1;
        activeChange[end + 1] -= 1;
        keyChange[start] = (keyChange[start] + recordKey) % keyModulus;
        keyChange[end + 1] = (keyChange[end + 1] - recordKey + keyModulus) % keyModulus;
      };
      for (let i = 1; i < pairs.length; i += 1) {
        if (pairs[i][0] <= end + 1) { end = Math.max(end, pairs[i][1]); continue; }
        close();
        [start, end] = pairs[i];
      }
      close();
      const earliest = pairs[0][0];
      arrivals[earliest] += 1;
      arrivalKeys[earliest] = (arrivalKeys[earliest] + recordKey) % keyModulus;
    }
    const counts: MonthlyCounts = { active: new Array(length), cumulative: new Array(length), activeKeys: new Array(length), cumulativeKeys: new Array(length) };
    let active = 0, activeKeys = 0, cumulative = 0, cumulativeKeys = 0;
    for (let offset = 0; offset < length; offset += 1) {
      counts.active[offset] = active += activeChange[offset];
      counts.activeKeys[offset] = activeKeys = (activeKeys + keyChange[offset]) % keyModulus;
      counts.cumulative[offset] = cumulative += arrivals[offset];
      counts.cumulativeKeys[offset] = cumulativeKeys = (cumulativeKeys + arrivalKeys[offset]) % keyModulus;
    }
    result.set(key, counts);
  }
  return result;
}

/** A key's changes at one month offset of the window (from SQL: queries/time-series.ts, activeMonthChanges). */
export interface MonthChange { key: string; offset: number; active: number; activeKeys: number; arrivals: number; arrivalKeys: number }

/**
 * The monthly counts from their changes, as `monthlyCounts` gives them from the spans: changes
 * of keys that `keyOf` maps together (H3 cells to a coarser parent) add up, since each point has
 * one key. Key sums stay modulo 2^31.
 */
export function countsFromChanges(changes: Iterable<MonthChange>, from: number, to: number, keyOf: (key: string) => string = (k) => k): Map<string, MonthlyCounts> {
  const length = to - from + 1;
  const perKey = new Map<string, { active: number[]; activeKeys: number[]; arrivals: number[]; arrivalKeys: number[] }>();
  for (const change of changes) {
    const key = keyOf(change.key);
    let entry = perKey.get(key);
    if (!entry) perKey.set(key, (entry = { active: new Array(length + 1).fill(0), activeKeys: new Array(length + 1).fill(0), arrivals: new Array(length + 1).fill(0), arrivalKeys: new Array(length + 1).fill(0) }));
    entry.active[change.offset] += change.active;
    entry.activeKeys[change.offset] = (entry.activeKeys[change.offset] + change.activeKeys) % keyModulus;
    entry.arrivals[change.offset] += change.arrivals;
    entry.arrivalKeys[change.offset] = (entry.arrivalKeys[change.offset] + change.arrivalKeys) % keyModulus;
  }
  const result = new Map<string, MonthlyCounts>();
  const modulo = (v: number) => ((v % keyModulus) + keyModulus) % keyModulus;
  for (const [key, entry] of perKey) {
    const counts: MonthlyCounts = { active: new Array(length), cumulative: new Array(length), activeKeys: new Array(length), cumulativeKeys: new Array(length) };
    let active = 0, activeKeys = 0, cumulative = 0, cumulativeKeys = 0;
    for (let offset = 0; offset < length; offset += 1) {
      counts.active[offset] = active += entry.active[offset];
      counts.activeKeys[offset] = activeKeys = modulo(activeKeys + entry.activeKeys[offset]);
      counts.cumulative[offset] = cumulative += entry.arrivals[offset];
      counts.cumulativeKeys[offset] = cumulativeKeys = modulo(cumulativeKeys + entry.arrivalKeys[offset]);
    }
    result.set(key, counts);
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
