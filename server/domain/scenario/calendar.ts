/** The scenario's months: index 0 = January 2019 ... 83 = December 2025. */
export const firstYear = 2019;
export const monthCount = 84;

export function monthIndex(year: number, month: number): number {
  return (year - firstYear) * 12 + (month - 1);
}

/** YYYY-MM-DD of day `day` (1-28) of month index `m`. */
export function dateIn(m: number, day: number): string {
  const year = firstYear + Math.floor(m / 12);
  const month = (m % 12) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function monthOf(date: string): number {
  return monthIndex(Number(date.slice(0, 4)), Number(date.slice(5, 7)));
}

/** Days from a to b (YYYY-MM-DD). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86400000);
}
