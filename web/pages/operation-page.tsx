/**
 * What an operation did: hexbins before and after side by side with target and buffer drawn, the
 * effect card (WDQ, TNE, WDD and the tests behind the reading), the wake as arcs to destination towns, the size-class shift.
 */
import { useEffect, useRef, useState } from 'react';
import { get, type GetRoutes } from '../api/routes';
import { SillageMap } from '../map/map-adapter';
import { countsAt } from '../map/cube';
import { quantileBreaks } from '../map/view-state';
import { monthIndex, monthOfDate, monthLabel } from '../../server/domain/months';
import { LineChart } from '../components/chart';
import { frenchDate, frenchMonth, frenchNumber, frenchPValue, sizeClassNames } from '../format';
import { operationParametersQuery, parseOperationParameters, type Parameters } from '../operation-parameters';
import { DepartmentWakeView, type DepartmentWake } from '../components/department-wake';
import { ApiError } from '../api/client';

type Summary = GetRoutes['/api/analyses/operations/:id'];
type Shift = GetRoutes['/api/analyses/size-class-shift'];

const readings: Record<string, { label: string; tone: string }> = {
  deplacement: { label: 'Déplacement', tone: 'fr-callout--orange-terre-battue' },
  diffusion: { label: 'Diffusion des bénéfices', tone: 'fr-callout--green-emeraude' },
  effet_local: { label: 'Effet local', tone: 'fr-callout--blue-ecume' },
  pas_d_effet: { label: 'Pas d’effet mesurable', tone: 'fr-callout--beige-gris-galet' },
  indefini: { label: 'Indéfini', tone: 'fr-callout--beige-gris-galet' },
};
/** What the buffer was compared with (as the reading's text says it, server/domain/analytics/wake.ts). */
function bufferReference(b: NonNullable<Summary['effect']['buffer']>): string {
  const dates = `ses ${b.dates?.placebos ?? b.placebos} mois sans opération`;
  const places = `${b.places?.placebos ?? b.placebos} quartiers témoins de taille comparable aux mêmes dates`;
  return b.method === 'both' ? `comparée à ${dates} et à ${places}, retenue seulement si les deux comparaisons concordent` : b.method === 'places' ? `comparée à ${places}` : `comparée à ${dates} (trop peu de quartiers témoins aux mêmes dates)`;
}

const number = frenchNumber;
const pValue = frenchPValue;

export function OperationPage({ id }: { id: number }) {
  const [params, setParams] = useState<Parameters>(() => parseOperationParameters(location.search));
  useEffect(() => {
    const next = operationParametersQuery(params);
    if (next !== location.search) history.replaceState(null, '', `${location.pathname}${next}`);
  }, [params]);
  const [summary, setSummary] = useState<Summary | null>(null);
  const [shift, setShift] = useState<Shift | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [departmentWake, setDepartmentWake] = useState<DepartmentWake | null>(null);

  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    setError(null);
    setDepartmentWake(null);
    Promise.all([
      get('/api/analyses/operations/:id', { params: { id }, query: { ...params } }),
      get('/api/analyses/size-class-shift', { query: { operation: id, window_months: params.after_months } }),
    ])
      .then(([s, sh]) => { if (!cancelled) { setSummary(s); setShift(sh); } })
      // Another department's ended operation: a departmental role reads its wake in its own departments.
      .catch(async (e: Error) => {
        if (!(e instanceof ApiError && e.status === 404)) throw e;
        const wake = await get('/api/analyses/operations/:id/department-wake', { params: { id }, query: { distance_km: params.distance_km, lag_months: params.lag_months } }).catch(() => { throw e; });
        if (!cancelled) setDepartmentWake(wake);
      })
      .catch((e: Error) => { if (!cancelled) setError(e.message); })
      .finally(() => { if (!cancelled) setLoading(false); });
    return () => { cancelled = true; };
  }, [id, params]);

  const e = summary?.effect;
  const w = summary?.wake;
  return (
    <div className="sillage-operation">
      <p className="fr-mb-1w"><a className="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={`/?sel=operation:${id}`}>Retour à la carte</a></p>
      <h1 className="fr-h3 fr-mb-1w">{e ? e.operation.name : departmentWake ? departmentWake.operation.name : `Opération n° ${id}`}</h1>
      {departmentWake && <DepartmentWakeView wake={departmentWake} />}
      {e && summary && <p className="fr-text--sm" data-testid="as-of">Début le {frenchDate(e.operation.started_on)}, département {e.operation.department}. Données lues au {frenchDate(summary.as_of)} (dernier changement enregistré ; méthode du {frenchDate(summary.method_version)}). Fenêtres : {e.parameters.before_months} mois avant (en laissant de côté les {e.parameters.gap_months} derniers mois, où les sites ciblés sont souvent au plus haut), {e.parameters.after_months} mois après ; zone tampon de {e.parameters.buffer_rings} anneaux H3 (≈ {number(e.parameters.buffer_km, 1)} km) ; contrôle : {e.control}.</p>}
      {e?.control_warning && <div className="fr-alert fr-alert--warning fr-alert--sm fr-mb-2w"><p>{e.control_warning}</p></div>}

      <form className="sillage-row fr-mb-2w" onSubmit={(event) => { event.preventDefault(); const f = new FormData(event.currentTarget); setParams(parseOperationParameters(`?${new URLSearchParams([...f.entries()].map(([k, v]) => [k, String(v)]))}`)); }}>
        {([['buffer_rings', 'Zone tampon (anneaux)', 1, 10], ['before_months', 'Mois avant', 1, 24], ['after_months', 'Mois après', 1, 24], ['distance_km', 'Sillage : distance (km)', 1, 300], ['lag_months', 'Sillage : délai (mois)', 1, 24]] as const).map(([name, label, min, max]) => (
          <label key={name} className="fr-label fr-text--xs" htmlFor={name}>{label}
            <input id={name} name={name} className="fr-input" type="number" min={min} max={max} defaultValue={params[name]} />
          </label>
        ))}
        <button type="submit" className="fr-btn fr-btn--sm">Recalculer</button>
      </form>

      {error && <div className="fr-alert fr-alert--error fr-mb-2w" role="alert"><p>{error}</p></div>}
      {loading && <div role="status" className="fr-mb-2w" data-testid="analysis-progress">Analyse en cours : sillage ({params.distance_km} km, {params.lag_months} mois), effet, puis les mêmes mesures aux mois de comparaison sans opération… <progress /></div>}

      {summary && e && w && (
        <>
          <div className={`fr-callout ${readings[summary.reading]?.tone ?? ''} fr-mb-2w`} data-testid="reading">
            <h2 className="fr-callout__title fr-h5">{readings[summary.reading]?.label ?? summary.reading}</h2>
            <p className="fr-callout__text fr-text--md">{summary.text}</p>
          </div>

          <div className="sillage-before-after">
            <BeforeAfterMap title={`Avant : ${frenchMonth(monthLabel(monthOfDate(e.operation.started_on) - 1))}`} operation={e} offset={-1} />
            <BeforeAfterMap title={`Après : ${frenchMonth(monthLabel(monthOfDate(e.operation.started_on) + e.parameters.after_months))}`} operation={e} offset={e.parameters.after_months} />
          </div>
          <p className="fr-text--xs">Hexagones H3 (résolution 8) des points actifs ; zone ciblée (A) en vert, zone tampon (B) en orange ; zone de contrôle (C) : {e.control}.</p>

          <div className="sillage-cards">
            <section className="fr-card fr-p-2w" data-testid="wdq-card">
              <h2 className="fr-h6">Effet sur place : zones ciblée, tampon et de contrôle</h2>
              <table className="sillage-table fr-text--sm">
                <thead><tr><th>Zone</th><th>Avant</th><th>Après</th></tr></thead>
                <tbody>
                  <tr><td>A — ciblée</td><td>{number(e.counts.a0)}</td><td>{number(e.counts.a1)}</td></tr>
                  <tr><td>B — tampon</td><td>{number(e.counts.b0)}</td><td>{number(e.counts.b1)}</td></tr>
                  <tr><td>C — contrôle</td><td>{number(e.counts.c0)}</td><td>{number(e.counts.c1)}</td></tr>
                </tbody>
              </table>
              <p className="fr-text--xs fr-mb-1w">Moyenne des points actifs aux dates mensuelles de chaque fenêtre.</p>
              <dl className="sillage-facts">
                <div><dt>WDQ (Bowers et Johnson)</dt><dd>{e.wdq.value === null ? e.wdq.undefined_reason : number(e.wdq.value)}</dd></div>
                <div><dt>Effet net total (TNE)</dt><dd>{e.tne.value === null ? e.tne.undefined_reason : number(e.tne.value)}</dd></div>
                {e.wdd && <div><dt>WDD (Wheeler et Ratcliffe, 2018)</dt><dd>{number(e.wdd.value)} ± {number(e.wdd.standard_error)} (IC 95 % : {number(e.wdd.low, 1)} à {number(e.wdd.high, 1)} ; z = {number(e.wdd.z)}) dont zone ciblée {number(e.wdd.local)}, zone tampon {number(e.wdd.displacement)}</dd></div>}
                <div><dt>Effet direct</dt><dd>{e.direct.significant ? 'significatif' : 'non significatif'} ({e.direct.placebos ? <>baisse de la zone ciblée rapportée à toute la zone de contrôle, rangée parmi {e.direct.placebos} mois de comparaison sans opération</> : 'test unilatéral du WDD de la zone ciblée'}, p = {pValue(e.direct.p_value)}{e.direct.material ? '' : ' ; la baisse retire moins d’un cinquième des points, en deçà de ce qui compte comme un effet'})</dd></div>
                <div><dt>Zone tampon</dt><dd>{e.buffer ? <>{e.buffer.significant === 'baisse' ? 'baisse significative' : e.buffer.significant === 'hausse' ? 'hausse significative' : 'pas d’écart significatif'} : {bufferReference(e.buffer)} (p = {pValue(e.buffer.p_lower)} pour une baisse, {pValue(e.buffer.p_upper)} pour une hausse{e.buffer.method === 'both' ? ', le moins net des deux tests' : ''} ; seuils : {number(e.parameters.alpha * 100, 2)} % pour une baisse (test unilatéral), {number(e.parameters.alpha * 25, 2)} % pour une hausse, l’une des deux voies vers un déplacement){e.buffer.method === 'places' && e.buffer.dates ? <> ; à titre indicatif, par rapport à ses {e.buffer.dates.placebos} mois sans opération : p = {pValue(e.buffer.dates.p_lower)} pour une baisse, {pValue(e.buffer.dates.p_upper)} pour une hausse</> : null}</> : 'trop peu de mois de comparaison et de quartiers témoins'}</dd></div>
              </dl>
              <p className="fr-text--xs">Les tests ne se prononcent qu’au seuil de 5 % ; en dessous, la lecture dit « pas d’effet mesurable » ou « effet local ». Comptes de points actifs (stocks) : le WDD et sa variance de Poisson sont donnés pour référence ; les lectures reposent sur le rang parmi les mois de comparaison et, pour la zone tampon, parmi des quartiers témoins aux mêmes dates.</p>
            </section>

            <section className="fr-card fr-p-2w" data-testid="wake-card">
              <h2 className="fr-h6">Sillage : où sont allés les points ?</h2>
              <p className="fr-text--sm">{w.dismantled} points démantelés ; {w.candidates} communes d’au moins {number(w.parameters.min_population, 0)} habitants à moins de {w.parameters.distance_km} km, toutes testées ; {w.linked_appearances} apparitions dans les {w.parameters.lag_months} mois pour {number(w.expected_appearances, 1)} attendues d’après leur passé ({w.parameters.history_months} mois) et la tendance des communes de même taille hors de portée (hors zones ciblée et tampon : {w.local_appearances} de plus).
                {' '}Test placebo : {w.placebo.p_value === null ? 'trop peu de mois de comparaison' : <>la concentration observée est rangée parmi {w.placebo.placebos} mois sans opération, p = {pValue(w.placebo.p_value)}{w.placebo.significant ? ' (significatif)' : ''}</>}.
                {w.midsize_share !== null && <> Part de l’excédent dans les villes moyennes : <strong>{Math.round(w.midsize_share * 100)} %</strong>.</>}
                {w.partial_window && <> Fenêtre incomplète : les données s’arrêtent avant sa fin.</>}</p>
              <table className="sillage-table fr-text--xs" data-testid="destinations">
                <thead><tr><th>Commune</th><th>Taille</th><th>Apparitions</th><th>Attendues</th><th>p</th><th>Destination (FDR {number(w.parameters.fdr * 100, 1)} % ; {number(w.parameters.fdr * 200, 1)} % si le test placebo du sillage est significatif)</th></tr></thead>
                <tbody>
                  {w.destinations.slice(0, 14).map((d) => (
                    <tr key={d.commune} className={d.flagged ? 'sillage-flagged' : ''}><td>{d.name} ({d.commune})</td><td>{sizeClassNames[d.size_class] ?? d.size_class}</td><td>{d.linked}</td><td>{number(d.expected)}</td><td>{pValue(d.p_value)}</td><td>{d.flagged ? 'oui' : ''}</td></tr>
                  ))}
                </tbody>
              </table>
            </section>
          </div>

          <h2 className="fr-h5 fr-mt-2w">Le sillage sur la carte</h2>
          <WakeMap wake={w} areas={e.areas} />

          {shift && (
            <section className="fr-mt-2w" data-testid="shift">
              <h2 className="fr-h5">Glissement entre tailles de communes — {shift.region_name}</h2>
              <table className="sillage-table fr-text--sm">
                <thead><tr><th>Taille</th><th>Avant</th><th>Après</th><th>Évolution</th><th>Évolution nationale</th><th>Écart à la tendance nationale</th></tr></thead>
                <tbody>{shift.classes.map((c) => (
                  <tr key={c.size_class}><td>{c.label}</td><td>{number(c.before, 1)}</td><td>{number(c.after, 1)}</td><td>{c.change_pct === null ? '—' : `${number(c.change_pct, 1)} %`}</td><td>{c.national_change_pct === null ? '—' : `${number(c.national_change_pct, 1)} %`}</td><td><strong>{c.excess_points === null ? '—' : `${c.excess_points > 0 ? '+' : ''}${number(c.excess_points, 1)} points`}</strong></td></tr>
                ))}</tbody>
              </table>
              <LineChart title={`Points actifs en villes moyennes : ${shift.region_name} (trait plein) et France (pointillés, échelle ÷ 10) ; trait vertical : début de l’opération`}
                months={shift.months} markerIndex={shift.months.indexOf(e.operation.started_on.slice(0, 7))} height={200}
                series={[
                  { label: `Villes moyennes, ${shift.region_name}`, values: shift.series.find((s) => s.key === 'ville_moyenne')!.region, colour: '#fc5d00' },
                  { label: 'Villes moyennes, France ÷ 10', values: shift.series.find((s) => s.key === 'ville_moyenne')!.national.map((v) => Math.round(v / 10)), colour: '#929292', dashed: true },
                  { label: `Métropoles, ${shift.region_name}`, values: shift.series.find((s) => s.key === 'metropole')!.region, colour: '#000091' },
                ]} />
            </section>
          )}
        </>
      )}
    </div>
  );
}

function areaBounds(collection: GeoJSON.FeatureCollection): [number, number, number, number] {
  const bounds: [number, number, number, number] = [180, 90, -180, -90];
  for (const f of collection.features) for (const [x, y] of (f.geometry as GeoJSON.Polygon).coordinates[0]) {
    bounds[0] = Math.min(bounds[0], x); bounds[1] = Math.min(bounds[1], y); bounds[2] = Math.max(bounds[2], x); bounds[3] = Math.max(bounds[3], y);
  }
  return bounds;
}

function BeforeAfterMap({ title, operation, offset }: { title: string; operation: Summary['effect']; offset: number }) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const bounds = areaBounds(operation.areas);
    const pad = 0.03;
    const box = [bounds[0] - pad, bounds[1] - pad, bounds[2] + pad, bounds[3] + pad];
    const map = new SillageMap(container.current!, { center: [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2], zoom: 11, analyst: true });
    const month = monthLabel(monthOfDate(operation.operation.started_on) + offset);
    get('/api/departments/outlines').then((o) => map.setDepartments(o)).catch(() => {});
    map.setLayers(['hexagones']);
    map.setAreas(operation.areas);
    map.fitBounds(box as [number, number, number, number]);
    get('/api/aggregates/deal-points/cube', { query: { resolution: 8, from: month, to: month, bbox: box.map((v) => v.toFixed(4)).join(',') } }).then(async (cube) => {
      await map.setHexCells(cube.cells.map((c) => c.h3));
      await map.setHexBreaks(quantileBreaks([1, 2, 3, 5, 8]));
      map.showMonth(monthIndex(month), monthIndex(month), false, countsAt(cube, 0, false));
    }).catch(() => {});
    return () => map.destroy();
  }, [operation, offset]);
  return (
    <figure className="sillage-small-map">
      <figcaption className="fr-text--sm fr-text--bold">{title}</figcaption>
      <div ref={container} className="sillage-map" data-testid="before-after-map" style={{ height: 320 }} />
    </figure>
  );
}

function WakeMap({ wake, areas }: { wake: Summary['wake']; areas: GeoJSON.FeatureCollection }) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const map = new SillageMap(container.current!, { center: wake.origin ? [wake.origin[0], wake.origin[1]] : [2.5, 46.6], zoom: 7, analyst: true });
    get('/api/departments/outlines').then((o) => map.setDepartments(o)).catch(() => {});
    map.setLayers([]);
    map.setAreas(areas);
    map.setArcs(wake.arcs);
    if (wake.origin && wake.arcs.features.length) {
      const xs = wake.arcs.features.flatMap((f) => (f.geometry as GeoJSON.LineString).coordinates.map((c) => c[0]));
      const ys = wake.arcs.features.flatMap((f) => (f.geometry as GeoJSON.LineString).coordinates.map((c) => c[1]));
      map.fitBounds([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]);
    }
    return () => map.destroy();
  }, [wake, areas]);
  return <div ref={container} className="sillage-map" data-testid="wake-map" style={{ height: 420 }} />;
}
