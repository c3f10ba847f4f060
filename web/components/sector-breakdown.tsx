/**
 * One sector's panel: its rank and interval, the conjunctive rule, each criterion's score, weight
 * and contribution, each indicator's raw and normalised value with its definition, the values the
 * prefecture supplied (source, justification) and the sector's deal-point trend.
 */
import { frenchAxisLabel } from '../format';
import { useEffect, useState } from 'react';
import { get } from '../api/routes';
import { criterionNames, number, type Indicator, type RankedSector, type ExcludedSector, type SectorKind, type Supplied } from '../api/desk';
import { LineChart } from './chart';

const outcomeLabels: Record<string, string> = { pass: 'atteint', fail: 'non atteint', missing: 'donnée manquante', not_tested: 'non testé' };

export function SectorBreakdown({ sector, excluded, indicators, supplied, trend: { department, kind, code, at } }: {
  sector: RankedSector | null; excluded: ExcludedSector | null; indicators: Indicator[]; supplied: Record<string, Supplied>; trend: { department: string; kind: SectorKind; code: string; at: string };
}) {
  const [trend, setTrend] = useState<{ months: string[]; active: number[] } | null>(null);
  useEffect(() => {
    let cancelled = false;
    setTrend(null);
    get('/api/sectors/trend', { query: { department, kind, code, at } }).then((t) => { if (!cancelled) setTrend(t); }).catch(() => {});
    return () => { cancelled = true; };
  }, [department, kind, code, at]);
  const name = sector?.name ?? excluded?.name ?? '';
  const label = (code: string) => indicators.find((i) => i.code === code)?.label ?? (code.startsWith('critere_') ? `Critère ${code.slice(8)} : aucune valeur` : code);
  return (
    <section className="fr-card fr-p-2w" data-testid="sector-breakdown" aria-label={`Détail du secteur ${name}`}>
      <h3 className="fr-h5 fr-mb-1w">{name} <span className="fr-text--sm">({sector?.code ?? excluded?.code})</span></h3>
      {sector ? (
        <p className="fr-mb-1w" data-testid="sector-rank">
          Rang <strong>{sector.rank}</strong> — score {number(sector.score, 3)}
          {sector.monte_carlo && <> — rang médian {sector.monte_carlo.median} (5-95 % : {sector.monte_carlo.p5} à {sector.monte_carlo.p95}){sector.monte_carlo.unstable && <span className="fr-badge fr-badge--warning fr-badge--sm fr-ml-1w">instable</span>}</>}
        </p>
      ) : (
        <p className="fr-mb-1w">Non classé : {excluded?.reason === 'inactive' ? 'aucun point actif à la date' : `il manque ${excluded?.missing.map(label).join(', ')}`}.</p>
      )}
      {(sector?.conjunctive ?? excluded?.conjunctive) && (
        <p className="fr-text--sm fr-mb-1w">
          Règle conjonctive : <strong>{(sector?.conjunctive ?? excluded!.conjunctive)!.qualifies ? 'retenu' : 'non retenu'}</strong> —{' '}
          {Object.entries((sector?.conjunctive ?? excluded!.conjunctive)!.criteria).map(([c, o]) => `critère ${c} ${outcomeLabels[o]}`).join(' ; ')}
        </p>
      )}
      {sector && (
        <div className="fr-table fr-table--sm fr-mb-1w"><table data-testid="criteria-breakdown">
          <caption className="fr-sr-only">Critères</caption>
          <thead><tr><th>Critère</th><th>Poids</th><th>Score</th><th>Contribution</th></tr></thead>
          <tbody>{sector.criteria.map((c) => (
            <tr key={c.criterion}><td>{c.criterion}. {criterionNames[c.criterion]}</td><td>{number(c.weight * 100, 0)} %</td><td>{number(c.score, 3)}</td><td>{number(c.contribution, 3)}</td></tr>
          ))}</tbody>
        </table></div>
      )}
      <div className="fr-table fr-table--sm fr-mb-1w"><table data-testid="indicator-breakdown">
        <caption className="fr-sr-only">Indicateurs</caption>
        <thead><tr><th>Indicateur (définition au survol)</th><th>Brut</th><th>Normalisé</th></tr></thead>
        <tbody>{indicators.map((indicator) => {
          const value = sector?.indicators.find((i) => i.code === indicator.code);
          const given = supplied[indicator.code];
          return (
            <tr key={indicator.code} data-code={indicator.code}>
              <td><abbr title={indicator.definition}>{indicator.criterion}. {indicator.label}</abbr>
                {given && <div className="fr-text--xs fr-mb-0">Source : {given.source}, {frenchAxisLabel(given.observed_on)} (version {given.version}){given.justification && <> — justification : {given.justification}</>}</div>}</td>
              <td>{number(value?.raw ?? given?.value ?? null, 3)}</td><td>{number(value?.normalised ?? null, 3)}</td>
            </tr>
          );
        })}</tbody>
      </table></div>
      {trend ? <LineChart months={trend.months} series={[{ label: 'Points actifs', values: trend.active, colour: '#e1000f' }]} height={140} title={`Points de deal actifs par mois — ${name}`} /> : <p className="fr-text--xs">Chargement de la tendance…</p>}
    </section>
  );
}
