/**
 * /secteurs — the prefect's desk: a department's sectors ranked for the "villes de sécurité
 * renforcée" (circular of 12 February 2025), after the OECD/JRC Handbook: the conjunctive rule
 * beside a composite score whose weights move with sliders, Monte Carlo rank intervals, sectors
 * lacking data listed apart, a map by rank, each sector's breakdown and trend, saved rankings.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { bbox as turfBbox } from '@turf/turf';
import type { Me } from '../api/client';
import { get } from '../api/routes';
import { send } from '../api/send';
import { kindLabels, number, type RankingResponse, type SectorCollection, type SectorKind } from '../api/desk';
import { SillageMap } from '../map/map-adapter';
import { RankingControls, type Controls } from '../components/ranking-controls';
import { RankIntervalChart } from '../components/rank-interval-chart';
import { SectorBreakdown } from '../components/sector-breakdown';
import { PrefectureForms } from '../components/prefecture-forms';
import { SavedRankings } from '../components/saved-rankings';

const today = () => new Date().toISOString().slice(0, 10);

export function SectorsPage({ me }: { me: Me }) {
  const user = me.user!;
  const canWrite = user.role === 'prefect' || user.role === 'national_analyst';
  const [department, setDepartment] = useState(user.departments[0] ?? '84');
  const [kind, setKind] = useState<SectorKind>('commune');
  const [at, setAt] = useState(today());
  const [controls, setControls] = useState<Controls>({ weights: {}, normalisation: 'min_max', aggregation: 'arithmetic', thresholds: null, draws: 1000, seed: 20250212, minActive: 1 });
  const [weightsSet, setWeightsSet] = useState(false);
  const [ranking, setRanking] = useState<RankingResponse | null>(null);
  const [sectors, setSectors] = useState<SectorCollection | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const mapElement = useRef<HTMLDivElement>(null);
  const map = useRef<SillageMap | null>(null);

  const body = useMemo(() => ({
    department, kind, at, normalisation: controls.normalisation, aggregation: controls.aggregation, min_active_points: controls.minActive,
    monte_carlo: { draws: controls.draws, seed: controls.seed },
    ...(weightsSet ? { weights: controls.weights } : {}), ...(controls.thresholds ? { thresholds: controls.thresholds } : {}),
  }), [department, kind, at, controls, weightsSet]);

  // The body the last answer already stands for (the first answer fills in the default weights).
  const answered = useRef<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    if (answered.current === `${version}|${JSON.stringify(body)}`) return;
    setLoading(true);
    const timer = setTimeout(() => {
      send('POST', '/api/sectors/ranking', { body })
        .then((r) => {
          if (cancelled) return;
          setLoading(false);
          setRanking(r);
          setError(null);
          answered.current = `${version}|${JSON.stringify(body)}`;
          if (!weightsSet) {
            answered.current = `${version}|${JSON.stringify({ ...body, weights: r.parameters.weights })}`;
            setControls((c) => ({ ...c, weights: r.parameters.weights }));
            setWeightsSet(true);
          }
        })
        .catch((e: Error) => { if (!cancelled) setError(e.message); })
        .finally(() => { if (!cancelled) setLoading(false); });
    }, 250);
    return () => { cancelled = true; clearTimeout(timer); };
  }, [body, version, weightsSet]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: version is raised when a form below changed the sectors, so they are read again
  useEffect(() => {
    get('/api/sectors', { query: { department, kind, at } }).then(setSectors).catch((e: Error) => setError(e.message));
  }, [department, kind, at, version]);

  useEffect(() => {
    map.current = new SillageMap(mapElement.current!, { center: [5.1, 43.95], zoom: 8 });
    get('/api/departments/outlines').then((d) => map.current?.setDepartments(d)).catch(() => {});
    return () => map.current?.destroy();
  }, []);

  useEffect(() => {
    if (!sectors || !ranking || !map.current) return;
    const ranks = new Map(ranking.result.ranked.map((s) => [s.code, s.rank]));
    const n = Math.max(1, ranking.result.ranked.length);
    const features = sectors.features.filter((f) => f.geometry).map((f) => {
      const rank = ranks.get(f.properties.code);
      return { ...f, properties: { code: f.properties.code, name: f.properties.name, rank: rank ?? null, rank_class: rank === undefined ? -1 : Math.min(4, Math.floor(((rank - 1) / n) * 5)), selected: f.properties.code === selected } };
    });
    const collection = { type: 'FeatureCollection' as const, features } as GeoJSON.FeatureCollection;
    void map.current.setSectors(collection, setSelected);
  }, [sectors, ranking, selected]);

  useEffect(() => {
    if (!sectors || !map.current || sectors.features.length === 0) return;
    const box = turfBbox({ type: 'FeatureCollection', features: sectors.features.filter((f) => f.geometry) } as GeoJSON.FeatureCollection);
    if (box.every(Number.isFinite)) map.current.fitBounds(box as [number, number, number, number]);
  }, [sectors]);

  const changed = useCallback(() => setVersion((v) => v + 1), []);
  const result = ranking?.result;
  const chosen = result?.ranked.find((s) => s.code === selected) ?? null;
  const chosenExcluded = result?.excluded.find((s) => s.code === selected) ?? null;
  const missing = result?.excluded.filter((s) => s.reason === 'missing') ?? [];
  const inactive = result?.excluded.filter((s) => s.reason === 'inactive') ?? [];
  const label = (code: string) => result?.indicators.find((i) => i.code === code)?.label ?? (code.startsWith('critere_') ? `critère ${code.slice(8)} (aucune valeur)` : code);

  return (
    <div className="sillage-desk">
      <h1 className="fr-h3 fr-mb-1w">Classement des secteurs — villes de sécurité renforcée</h1>
      <p className="fr-text--sm fr-mb-2w">Quatre critères de la circulaire du 12 février 2025, règle conjonctive et score composite (Manuel OCDE/JRC des indicateurs composites). Le critère 4 n’est jamais calculé : il vient de la préfecture. <a className="fr-link fr-text--sm" href="/plan-d-action">Plans d’action</a></p>
      <div className="fr-grid-row fr-grid-row--gutters fr-mb-1w">
        <div className="fr-col-6 fr-col-md-2"><label className="fr-label" htmlFor="department">Département</label>
          {user.role === 'national_analyst'
            ? <input className="fr-input" id="department" value={department} maxLength={3} onChange={(e) => { if (/^(\d{2}|2[AB]|97\d)$/.test(e.target.value)) setDepartment(e.target.value); }} />
            : <select className="fr-select" id="department" value={department} onChange={(e) => setDepartment(e.target.value)}>{user.departments.map((d) => <option key={d} value={d}>{d}</option>)}</select>}
        </div>
        <div className="fr-col-6 fr-col-md-4"><label className="fr-label" htmlFor="kind">Secteurs</label>
          <select className="fr-select" id="kind" value={kind} onChange={(e) => { setKind(e.target.value as SectorKind); setSelected(null); }}>{Object.entries(kindLabels).map(([k, v]) => <option key={k} value={k}>{v}</option>)}</select></div>
        <div className="fr-col-6 fr-col-md-3"><label className="fr-label" htmlFor="at">Date de référence</label><input className="fr-input" id="at" type="date" value={at} onChange={(e) => e.target.value && setAt(e.target.value)} /></div>
        <div className="fr-col-6 fr-col-md-3" style={{ alignSelf: 'flex-end' }}><p className="fr-text--sm fr-mb-1w" role="status" data-testid="ranking-status">{loading ? 'Calcul du classement…' : result ? `${result.ranked.length} secteurs classés, ${result.qualifying.length} retenus par la règle conjonctive` : ''}</p></div>
      </div>
      {error && <div className="fr-alert fr-alert--error fr-alert--sm fr-mb-2w" role="alert"><p>{error}</p></div>}
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-lg-3"><RankingControls controls={controls} onChange={setControls} ranking={ranking} /></div>
        <div className="fr-col-12 fr-col-lg-5">
          <div ref={mapElement} className="sillage-desk-map" data-testid="sector-map" style={{ height: 380, border: "1px solid #ddd" }} />
          <p className="fr-text--xs fr-mb-2w">Couleur : cinquième du classement (le plus foncé : premiers rangs) ; gris : non classé. Cliquez un secteur pour son détail.</p>
          {result && <RankIntervalChart sectors={result.ranked} selected={selected} onSelect={setSelected} />}
        </div>
        <div className="fr-col-12 fr-col-lg-4">
          {(chosen || chosenExcluded) && result
            ? <SectorBreakdown sector={chosen} excluded={chosenExcluded} indicators={result.indicators} supplied={result.supplied[selected!] ?? {}} trend={{ department, kind, code: selected!, at }} />
            : <p className="fr-text--sm">Choisissez un secteur dans le tableau, le graphique ou la carte pour voir sa décomposition.</p>}
        </div>
      </div>
      {result && (
        <>
          <div className="fr-table fr-table--sm fr-mt-2w" data-testid="ranking-table"><table>
            <caption>Secteurs classés</caption>
            <thead><tr><th>Rang</th><th>Secteur</th><th>Code</th><th>Score</th><th>Rang médian (5-95 %)</th><th>Règle conjonctive</th></tr></thead>
            <tbody>{result.ranked.map((s) => (
              <tr key={s.code} data-code={s.code} aria-selected={s.code === selected}>
                <td>{s.rank}</td><td><button type="button" className="fr-link" onClick={() => setSelected(s.code)}>{s.name}</button></td><td>{s.code}</td><td>{number(s.score, 3)}</td>
                <td>{s.monte_carlo ? `${s.monte_carlo.median} (${s.monte_carlo.p5}–${s.monte_carlo.p95})` : '—'}{s.monte_carlo?.unstable && <span className="fr-badge fr-badge--warning fr-badge--sm fr-ml-1w">instable</span>}</td>
                <td>{s.conjunctive.qualifies ? <span className="fr-badge fr-badge--success fr-badge--sm">retenu</span> : 'non'}</td>
              </tr>
            ))}</tbody>
          </table></div>
          <h2 className="fr-h5">Secteurs non classés</h2>
          {missing.length > 0 ? (
            <div className="fr-table fr-table--sm" data-testid="missing-table"><table>
              <caption>Données manquantes (jamais estimées)</caption>
              <thead><tr><th>Secteur</th><th>Ce qui manque</th></tr></thead>
              <tbody>{missing.map((s) => <tr key={s.code}><td><button type="button" className="fr-link" onClick={() => setSelected(s.code)}>{s.name}</button> ({s.code})</td><td>{s.missing.map(label).join(', ')}</td></tr>)}</tbody>
            </table></div>
          ) : <p className="fr-text--sm">Aucun secteur actif ne manque de données pour les critères pondérés.</p>}
          <details className="fr-mb-2w"><summary>{inactive.length} secteurs sans point actif à la date</summary><p className="fr-text--xs">{inactive.map((s) => s.name).join(', ')}</p></details>
          <h2 className="fr-h5">Règles et définitions</h2>
          <ul className="fr-text--sm">{result.rules.map((rule) => <li key={rule}>{rule}</li>)}</ul>
          <dl className="fr-text--sm sillage-definitions">{result.indicators.map((i) => <div key={i.code}><dt><strong>{i.criterion}. {i.label}</strong> ({i.unit})</dt><dd>{i.definition}</dd></div>)}</dl>
          <p className="fr-text--xs">Données : {String(ranking!.data_vintage.deal_points)} points de deal du département ; dernier changement de statut enregistré {String(ranking!.data_vintage.last_status_recorded_at ?? '—')} ; critère 3 : {ranking!.data_vintage.criterion_3_source === 'ssmsi' ? 'SSMSI' : 'indicateurs de la préfecture'}.</p>
        </>
      )}
      <h2 className="fr-h5 fr-mt-2w">Classements enregistrés</h2>
      <SavedRankings department={department} canWrite={canWrite} parameters={ranking ? body : null} />
      <h2 className="fr-h5 fr-mt-2w">Indicateurs de la préfecture</h2>
      <PrefectureForms department={department} kind={kind} canWrite={canWrite} onChanged={changed} />
    </div>
  );
}
