/**
 * The scenario's months: offsets from its first month, January 2019 (0) to December 2025 (83).
 * An offset is the registry's month index (server/domain/months.ts) minus `firstMonth`.
 */
import { monthIndex, monthLabel, monthOfDate } from '../months.js';

export const firstYear = 2019;
export const firstMonth = monthIndex(`${firstYear}-01`);
export const monthCount = 84;

/** The offset of month `month` (1-12) of `year`. */
export function scenarioMonth(year: number, month: number): number {
  return monthIndex(`${year}-${String(month).padStart(2, '0')}`) - firstMonth;
}

/** YYYY-MM-DD of day `day` (1-28) of the month at offset `m`. */
export function dateIn(m: number, day: number): string {
  return `${monthLabel(firstMonth + m)}-${String(day).padStart(2, '0')}`;
}

/** The offset of the month of a date YYYY-MM-DD. */
export function monthOf(date: string): number {
  return monthOfDate(date) - firstMonth;
}

/** Days from a to b (YYYY-MM-DD). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86400000);
}
