/** French wording shared by the pages: dates, months, commune size classes. */
export function frenchMonth(month: string): string {
  const [year, number] = month.split('-').map(Number);
  return new Date(Date.UTC(year, number - 1, 1)).toLocaleDateString('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** A YYYY-MM month as "janv. 2019" (chart axes). */
export function shortFrenchMonth(month: string): string {
  const [year, number] = month.split('-').map(Number);
  return new Date(Date.UTC(year, number - 1, 1)).toLocaleDateString('fr-FR', { month: 'short', year: 'numeric', timeZone: 'UTC' });
}

/** Axis labels in French: YYYY-MM months and YYYY-MM-DD dates; anything else as given. */
export function frenchAxisLabel(label: string): string {
  if (/^\d{4}-\d{2}$/.test(label)) return shortFrenchMonth(label);
  if (/^\d{4}-\d{2}-\d{2}/.test(label)) return frenchDate(label);
  return label;
}

/** A YYYY-MM-DD date as dd/mm/yyyy (read as a calendar date, whatever the browser's time zone). */
export function frenchDate(date: string): string {
  return new Date(`${date.slice(0, 10)}T00:00:00Z`).toLocaleDateString('fr-FR', { timeZone: 'UTC' });
}

export { sizeClassLabels as sizeClassNames } from './labels.js';

export function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A number in French (decimal comma), at most `digits` decimals; a dash when there is none. */
export function frenchNumber(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined ? '—' : value.toLocaleString('fr-FR', { maximumFractionDigits: digits });
}

/** A p-value in French: "< 0,001" below a thousandth, else four decimals at most; a dash when there is none. */
export function frenchPValue(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : value < 0.001 ? '< 0,001' : frenchNumber(value, 4);
}
