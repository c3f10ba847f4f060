/**
 * /statistiques, for everyone: national and departmental SSMSI figures (trafficking, use) with
 * charts and a map by department, active deal points per department and year where at least 5,
 * method and sources. No location, ever.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { get, type GetRoutes } from '../api/routes';
import { LineChart } from '../components/chart';
import { colours } from '../map/map-adapter';
import { DepartmentMap } from '../map/department-map';
import { quantileBreaks } from '../map/view-state';
import { frenchNumber } from '../../server/domain/snapshots/document';

type NationalRow = GetRoutes['/api/statistics/national']['items'][number];
type DepartmentRow = GetRoutes['/api/statistics/departments']['items'][number];
type ActivePoints = GetRoutes['/api/statistics/active-points'];

const indicators = [
  { code: 'trafic_de_stupefiants', label: 'Trafic de stupéfiants' },
  { code: 'usage_de_stupefiants', label: 'Usage de stupéfiants' },
] as const;

const shown = (count: number | null) => (count === null ? '< 5' : frenchNumber(count));

export function StatisticsPage() {
  const [national, setNational] = useState<NationalRow[]>([]);
  const [departments, setDepartments] = useState<DepartmentRow[]>([]);
  const [active, setActive] = useState<ActivePoints | null>(null);
  const [indicator, setIndicator] = useState<string>(indicators[0].code);
  const [year, setYear] = useState(2024);
  const [breaks, setBreaks] = useState<number[]>([]);
  const [error, setError] = useState<string | null>(null);
  const container = useRef<HTMLElement>(null);
  const map = useRef<DepartmentMap | null>(null);

  useEffect(() => {
    Promise.all(indicators.map((i) => get('/api/statistics/national', { query: { indicator: i.code } })))
      .then((answers) => setNational(answers.flatMap((a) => a.items))).catch((e: Error) => setError(e.message));
    get('/api/statistics/active-points').then(setActive).catch((e: Error) => setError(e.message));
    const instance = new DepartmentMap(container.current!);
    map.current = instance;
    get('/api/departments/outlines').then((c) => instance.setOutlines(c)).catch((e: Error) => setError(e.message));
    return () => instance.destroy();
  }, []);

  useEffect(() => {
    get('/api/statistics/departments', { query: { indicator, year } }).then((r) => {
      setDepartments(r.items);
      const rates = new Map(r.items.filter((i) => i.rate_per_1000 !== null).map((i) => [i.department_code, Number(i.rate_per_1000)]));
      const classes = quantileBreaks(rates.values());
      setBreaks(classes);
      void map.current?.setRates(rates, classes);
    }).catch((e: Error) => setError(e.message));
  }, [indicator, year]);

  const years = useMemo(() => [...new Set(national.map((r) => r.year))].sort(), [national]);
  const chartSeries = (value: (r: Pick<NationalRow, 'count' | 'rate_per_1000'>) => number | null) => indicators.map((i, k) => ({
    label: i.label, colour: k ? '#e1000f' : '#000091', values: years.map((y) => value(national.find((r) => r.indicator === i.code && r.year === y) ?? { count: null, rate_per_1000: null })),
  }));
  const ranked = [...departments].filter((d) => d.rate_per_1000 !== null).sort((a, b) => Number(b.rate_per_1000) - Number(a.rate_per_1000)).slice(0, 10);

  return (
    <div>
      <h1>Statistiques publiques</h1>
      <p className="fr-text--lead">Les chiffres publics sur le trafic et l’usage de stupéfiants, et le nombre de points de deal actifs par département. Aucun lieu n’est jamais montré ici.</p>
      {error && <div className="fr-alert fr-alert--error fr-mb-2w" role="alert"><p>{error}</p></div>}
      <h2 className="fr-h4">France : personnes mises en cause (SSMSI)</h2>
      <div className="sillage-snapshot-grid">
        <LineChart months={years.map(String)} series={chartSeries((r) => r.count)} height={200} title="Personnes mises en cause par an, France entière" />
        <LineChart months={years.map(String)} series={chartSeries((r) => r.rate_per_1000)} height={200} title="Pour 1 000 habitants, France entière" />
      </div>
      <h2 className="fr-h4 fr-mt-4w">Par département</h2>
      <div className="sillage-row" style={{ maxWidth: '36rem' }}>
        <div className="fr-select-group"><label className="fr-label" htmlFor="stat-indicator">Indicateur</label>
          <select id="stat-indicator" className="fr-select" value={indicator} onChange={(e) => setIndicator(e.target.value)}>{indicators.map((i) => <option key={i.code} value={i.code}>{i.label}</option>)}</select></div>
        <div className="fr-select-group"><label className="fr-label" htmlFor="stat-year">Année</label>
          <select id="stat-year" className="fr-select" value={year} onChange={(e) => setYear(Number(e.target.value))}>{(years.length ? years : [2024]).map((y) => <option key={y} value={y}>{y}</option>)}</select></div>
      </div>
      <div className="sillage-snapshot-grid">
        <figure className="fr-m-0">
          <section ref={container} className="sillage-map" data-testid="statistics-map" style={{ height: 440 }} aria-label={`Carte des départements : ${indicators.find((i) => i.code === indicator)?.label} pour 1 000 habitants en ${year}`} />
          <ul className="sillage-swatches fr-mt-1w" aria-label="Légende (pour 1 000 habitants)">
            {breaks.map((upper, i) => <li key={upper}><span style={{ background: colours.rateRamp[i], border: '1px solid #ccc' }} />{i === 0 ? '≤ ' : `${frenchNumber(breaks[i - 1], 2)} – `}{frenchNumber(upper, 2)} ‰</li>)}
          </ul>
        </figure>
        <div>
          <h3 className="fr-h6">Les 10 taux les plus élevés en {year}</h3>
          <table className="sillage-table"><thead><tr><th>Département</th><th>Personnes</th><th>‰</th></tr></thead>
            <tbody>{ranked.map((d) => <tr key={d.department_code}><td>{d.department_name} ({d.department_code})</td><td>{d.count === null ? 'n.d.' : frenchNumber(d.count)}</td><td>{frenchNumber(Number(d.rate_per_1000), 2)}</td></tr>)}</tbody></table>
        </div>
      </div>
      <h2 className="fr-h4 fr-mt-4w">Points de deal actifs par département (en décembre)</h2>
      {!active ? <p role="status">Chargement…</p> : (
        <div className="fr-table fr-table--sm sillage-scroll" data-testid="active-points-table"><table>
          <thead><tr><th>Département</th>{active.years.map((y) => <th key={y}>{y}</th>)}</tr></thead>
          <tbody>
            <tr><td><strong>France entière</strong></td>{active.france.map((c, i) => <td key={active.years[i]}><strong>{shown(c)}</strong></td>)}</tr>
            {active.departments.filter((d) => d.counts.some((c) => c !== 0)).map((d) => (
              <tr key={d.code}><td>{d.name} ({d.code})</td>{d.counts.map((c, i) => <td key={active.years[i]}>{shown(c)}</td>)}</tr>
            ))}
          </tbody>
        </table></div>
      )}
      <h2 className="fr-h4 fr-mt-4w">Méthode et sources</h2>
      <p className="fr-text--sm">Statistiques SSMSI : personnes mises en cause pour trafic et pour usage de stupéfiants, base départementale du service statistique ministériel de la sécurité intérieure, taux pour 1 000 habitants (population Insee), Licence Ouverte Etalab 2.0.</p>
      <p className="fr-text--sm">Points de deal actifs : points dont le statut était « actif » ou « rouvert » au moins un jour de décembre de l’année, comptés par département entier. Les effectifs de 1 à 4 sont affichés « {"< 5"} » ; les autres sont légèrement perturbés (de −2 à +2, méthode de la clé de cellule), de sorte qu’un total n’est pas la somme des départements. Les opérations en cours ne sont pas comptées. Les départements sans aucun point ne figurent pas dans le tableau.</p>
      <p className="fr-text--sm">Contours : IGN Admin Express. Sillage enregistre des lieux et leur activité, jamais des personnes.</p>
    </div>
  );
}
