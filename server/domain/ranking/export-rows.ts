/**
 * The rows of a ranking's CSV export (pure): one line per sector ranked, then one per sector
 * listed apart, with INSEE (or sector) codes, ranks, Monte Carlo intervals, the conjunctive rule
 * and the raw and normalised value of every indicator.
 */
import type { IndicatorDefinition } from './criteria.js';
import type { RankingResult } from './rank.js';

/** A cell that would start a spreadsheet formula (=, +, -, @, tab, CR) gets a leading apostrophe. */
export function neutralisedCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'number' ? String(value).replace('.', ',') : String(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export function exportRows(result: RankingResult, indicators: readonly IndicatorDefinition[], codeColumn: string): { columns: string[]; rows: string[][] } {
  const columns = [
    'rang', codeColumn, 'nom', 'score', 'rang_median_mc', 'rang_p5', 'rang_p95', 'rang_instable', 'regle_conjonctive',
    'critere_1_score', 'critere_2_score', 'critere_3_score', 'critere_4_score',
    ...indicators.flatMap((i) => [`${i.code}_brut`, `${i.code}_normalise`]), 'statut', 'manquants',
  ];
  const rows = result.ranked.map((s) => [
    s.rank, s.code, s.name, s.score, s.monte_carlo?.median, s.monte_carlo?.p5, s.monte_carlo?.p95, s.monte_carlo?.unstable ? 'oui' : 'non',
    s.conjunctive.qualifies ? 'retenu' : 'non retenu',
    ...s.criteria.map((c) => c.score),
    ...indicators.flatMap((i) => { const v = s.indicators.find((x) => x.code === i.code); return [v?.raw, v?.normalised]; }),
    'classé', '',
  ]);
  for (const s of result.excluded) {
    rows.push(['', s.code, s.name, '', '', '', '', '', s.conjunctive?.qualifies ? 'retenu' : 'non retenu', '', '', '', '',
      ...indicators.flatMap(() => ['', '']), s.reason === 'inactive' ? 'sans point actif' : 'données manquantes', s.missing.join(' ')]);
  }
  return { columns, rows: rows.map((row) => row.map(neutralisedCell)) };
}
