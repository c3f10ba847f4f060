/**
 * A month chosen in French: "mois" and "année" selects instead of `<input type="month">` (which
 * Chromium draws in the browser's language, or as a bare text field elsewhere). The value is a
 * YYYY-MM month, kept on the group's `data-value` (tests read it there); months outside
 * [min, max] are not offered.
 */
import { useId } from 'react';

export const frenchMonthNames = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

export function MonthField({ id, label, value, onChange, min = '2016-01', max = '2030-12' }: {
  id: string; label: string; value: string; onChange: (month: string) => void; min?: string; max?: string;
}) {
  const hint = useId();
  const [year, month] = value.split('-');
  const [minYear, maxYear] = [Number(min.slice(0, 4)), Number(max.slice(0, 4))];
  const years = Array.from({ length: maxYear - minYear + 1 }, (_, i) => String(minYear + i));
  if (!years.includes(year)) years.push(year);
  // A year change keeps the month, moved inside [min, max] when needed.
  const choose = (nextYear: string, nextMonth: string) => {
    let next = `${nextYear}-${nextMonth}`;
    if (next < min) next = min;
    if (next > max) next = max;
    onChange(next);
  };
  return (
    <fieldset id={id} className="sillage-month-field" data-value={value} aria-describedby={hint}>
      <legend className="fr-label fr-mb-1v">{label}</legend>
      <span id={hint} className="fr-sr-only">mois puis année</span>
      <select id={`${id}-month`} className="fr-select" aria-label={`${label} : mois`} value={month} onChange={(e) => choose(year, e.target.value)}>
        {frenchMonthNames.map((name, i) => {
          const m = String(i + 1).padStart(2, '0');
          const outside = `${year}-${m}` < min || `${year}-${m}` > max;
          return <option key={m} value={m} disabled={outside}>{name}</option>;
        })}
      </select>
      <select id={`${id}-year`} className="fr-select" aria-label={`${label} : année`} value={year} onChange={(e) => choose(e.target.value, month)}>
        {years.map((y) => <option key={y} value={y}>{y}</option>)}
      </select>
    </fieldset>
  );
}
