import type { FieldProblem } from './problems.js';

/** True for a real calendar date written YYYY-MM-DD (rejects 2024-02-30). */
export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** Today's date (UTC), YYYY-MM-DD. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Adds days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Earliest event date accepted (records before Sillage's sources exist are typos). */
export const earliestEventDate = '2000-01-01';
/** Event dates may be at most this many days after today (a record dated for tomorrow's operation). */
export const eventDateMarginDays = 31;
/** Query dates (a date to evaluate statuses on) within these years. */
export const earliestQueryDate = '1990-01-01';
export const latestQueryDate = '2100-12-31';

/** Why an event date (a status change, an observation, an operation) is implausible, or null. */
export function eventDateProblem(date: string, now = today()): string | null {
  if (!isCalendarDate(date)) return `"${date}" is not a date YYYY-MM-DD`;
  if (date < earliestEventDate) return `must not be before ${earliestEventDate}`;
  const latest = addDays(now, eventDateMarginDays);
  if (date > latest) return `must not be after ${latest} (today plus ${eventDateMarginDays} days)`;
  return null;
}

/** The one check of a window of dates given as a query's from..to (either may be missing). */
export function dateWindowProblems(from: string | undefined, to: string | undefined, field = 'querystring.to'): FieldProblem[] {
  return from && to && from > to ? [{ field, reason: `must not be before from (${from})` }] : [];
}
