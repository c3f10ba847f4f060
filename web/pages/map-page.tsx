/**
 * The analysts' map: deal points (tiles), H3 hexbins over time, communes by size class,
 * departments by an SSMSI rate, operations; a month window with playback; click panels.
 * The view lives in the URL.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, type Me } from '../api/client';
import { get, type GetRoutes } from '../api/routes';
import { send } from '../api/send';
import { SillageMap, colours, type Selection } from '../map/map-adapter';
import { finestResolutionFor, layerNames, parseView, quantileBreaks, resolutionForZoom, serializeView, type LayerName, type ViewState } from '../map/view-state';
import { countsAt, cubeValues, totalAt, type Cube } from '../map/cube';
import { monthIndex, monthOfDate, monthLabel } from '../../server/domain/months';
import { LineChart } from '../components/chart';
import { capitalised, frenchDate, frenchMonth, sizeClassNames } from '../format';
import { DetailsPanel } from '../components/details-panel';
import { WatchPanel } from '../components/watch-panel';
import { MapControlsSheet } from '../components/map-controls-sheet';
import { MonthField } from '../components/month-field';
import { VisibleLists } from '../components/visible-lists';
import { HotSpotLegend, Legend, type Indicator } from '../components/map-legend';
import { CommuneSearch } from '../components/commune-search';
import { HexbinExport, MapViewExport } from '../components/map-exports';
import { playbackSpeeds, realRate as rateOf, seek, setSpeed as withSpeed, tick, toggle, type Playback } from '../map/playback';


const layerLabels: Record<LayerName, string> = {
  hexagones: 'Hexagones H3 (points actifs)', points: 'Points de deal', communes: 'Communes par taille',
  departements: 'Départements : indicateur SSMSI', operations: 'Opérations', tendances: 'Tendances émergentes (points chauds et froids)',
};

export function MapPage({ me, basemapUrl = null, basemapPmtiles = null }: { me: Me; basemapUrl?: string | null; basemapPmtiles?: string | null }) {
  const role = me.user!.role;
  const precise = role !== 'deputy';
  const finest = finestResolutionFor(role);
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<SillageMap | null>(null);
  const [view, setView] = useState<ViewState>(() => parseView(location.search));
  const [mapView, setMapView] = useState<{ zoom: number; bounds: [number, number, number, number] }>({ zoom: view.zoom, bounds: [-5, 41, 10, 51] });
  const [cube, setCube] = useState<Cube | null>(null);
  const [cubeStatus, setCubeStatus] = useState<string>('');
  const [error, setError] = useState<string | null>(null);
  const [run, setRun] = useState<Pick<Playback, 'speed' | 'playing' | 'anchor'>>({ speed: 2, playing: false, anchor: null });
  const { playing, speed } = run;
  const [sizeSeries, setSizeSeries] = useState<GetRoutes['/api/aggregates/deal-points/series'] | null>(null);
  const [indicators, setIndicators] = useState<Indicator[]>([]);
  const [operations, setOperations] = useState<GetRoutes['/api/operations'] | null>(null);
  const [selection, setSelection] = useState<Selection | null>(() => parseSelection(view.selection));
  const [hotSpots, setHotSpots] = useState<{ status: string; done: number; total: number; patterns?: Record<string, number>; key: string } | null>(null);
  const [watchOpen, setWatchOpen] = useState(false);
  const [rateBreaks, setRateBreaks] = useState<number[]>([]);

  const resolution = view.resolution === 'auto' ? resolutionForZoom(mapView.zoom, finest) : Math.min(view.resolution, finest);
  // Cubes finer than 7 cover the view (padded), coarser ones all of France: refetched only when needed.
  const cubeArea = useMemo(() => (resolution <= 7 ? null : padBounds(mapView.bounds)), [resolution, resolution <= 7 ? '' : mapView.bounds.map((v) => v.toFixed(1)).join()]); // eslint-disable-line react-hooks/exhaustive-deps
  const from = monthIndex(view.from);
  const to = monthIndex(view.to);
  const month = monthIndex(view.month);

  const update = useCallback((patch: Partial<ViewState>) => setView((current) => ({ ...current, ...patch })), []);
  const fail = useCallback((e: unknown) => setError(e instanceof ApiError || e instanceof Error ? e.message : String(e)), []);

  // The map, once.
  useEffect(() => {
    const pointTiles = precise ? pointTileTemplate(view.from, view.to, view.minSources) : null;
    const instance = new SillageMap(container.current!, { center: view.center, zoom: view.zoom, analyst: true, pointTiles, basemapUrl, basemapPmtiles });
    map.current = instance;
    (window as unknown as { sillageMap: SillageMap }).sillageMap = instance;
    instance.onViewChange((v) => {
      setMapView({ zoom: v.zoom, bounds: v.bounds });
      setView((current) => ({ ...current, center: v.center, zoom: Number(v.zoom.toFixed(2)) }));
    });
    instance.onSelect((s) => setSelection(s));
    instance.whenReady().then(() => setMapView({ zoom: instance.view().zoom, bounds: instance.view().bounds }));
    get('/api/departments/outlines').then((outlines) => instance.setDepartments(outlines)).catch(fail);
    get('/api/operations').then(setOperations).catch(fail);
    get('/api/statistics/indicators').then((r) => setIndicators(r.items)).catch(fail);
    return () => instance.destroy();
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  // The URL follows the view.
  useEffect(() => {
    const next = serializeView({ ...view, selection: selectionKey(selection) });
    if (next !== location.search) history.replaceState(null, '', `${location.pathname}${next}`);
  }, [view, selection]);

  useEffect(() => { map.current?.setLayers(view.layers); }, [view.layers]);
  useEffect(() => { if (precise) map.current?.setPointWindow(pointTileTemplate(view.from, view.to, view.minSources)); }, [view.from, view.to, view.minSources, precise]);

  useEffect(() => {
    if (!operations) return;
    map.current?.setOperations({
      ...operations,
      // An operation without a target area has nothing to draw (maplibre is handed geometries only).
      features: operations.features.flatMap(({ geometry, ...f }) => {
        if (!geometry) return [];
        const p = f.properties;
        return { ...f, geometry, properties: { ...p, start_month: monthOfDate(p.started_on), period: `${frenchDate(p.started_on)}${p.ended_on ? ` → ${frenchDate(p.ended_on)}` : ' (en cours)'}` } };
      }),
    });
  }, [operations]);

  // The cube for the view: fetched when the window, the resolution or the area changes, never per tick.
  useEffect(() => {
    let cancelled = false;
    const started = performance.now();
    setCubeStatus(`Chargement des hexagones (résolution ${resolution}, ${to - from + 1} mois)…`);
    // K filters the hexbins too, for precise roles only (the server refuses it for deputies).
    get('/api/aggregates/deal-points/cube', { query: {
      resolution, from: view.from, to: view.to, bbox: cubeArea?.map((v) => v.toFixed(4)).join(','), min_sources: precise && view.minSources > 1 ? view.minSources : null,
    } })
      .then(async (loaded) => {
        if (cancelled) return;
        await map.current?.setHexCells(loaded.cells.map((c) => c.h3));
        setCube(loaded);
        setError(null);
        setCubeStatus(`${loaded.cells.length.toLocaleString('fr-FR')} hexagones × ${loaded.months.length} mois chargés en ${Math.round(performance.now() - started)} ms`);
      })
      .catch((e) => { if (!cancelled) { setCubeStatus(''); fail(e); } });
    return () => { cancelled = true; };
  }, [resolution, view.from, view.to, cubeArea, fail, precise, view.minSources]);

  // Each tick: a lookup in the cube, feature-state and global state on the map.
  useEffect(() => {
    if (!cube || !map.current) return;
    const offset = month - monthIndex(cube.from);
    if (offset < 0 || offset >= cube.months.length) return;
    map.current.showMonth(month, from, view.cumulative, countsAt(cube, offset, view.cumulative));
  }, [cube, month, from, view.cumulative]);

  // Playback (web/map/playback.ts): each animation frame asks the clock which month the wall
  // clock has reached at the speed asked, so the rate shown is the rate played; months the map
  // had no time to draw are counted and said.
  const latest = useRef({ view, run });
  latest.current = { view, run };
  const playbackNow = (): Playback => {
    const { view: v, run: r } = latest.current;
    return { ...r, first: monthIndex(v.from), last: monthIndex(v.to), month: monthIndex(v.month) };
  };
  const samples = useRef<{ at: number; month: number }[]>([]);
  const [played, setPlayed] = useState<{ rate: number | null; skipped: number }>({ rate: null, skipped: 0 });
  const applyPlayback = (next: Playback, now = performance.now()) => {
    const before = monthIndex(latest.current.view.month);
    const reanchored = next.anchor !== latest.current.run.anchor;
    const nextRun = { speed: next.speed, playing: next.playing, anchor: next.anchor };
    setRun(nextRun);
    if (next.month !== before) update({ month: monthLabel(next.month) });
    // Until React renders, the next frame reads what was just decided.
    latest.current = { view: { ...latest.current.view, month: monthLabel(next.month) }, run: nextRun };
    // The rate reached, over the last two seconds of months reached by the clock; months the map skipped, counted.
    if (!next.playing) { samples.current = []; setPlayed({ rate: null, skipped: 0 }); return; }
    if (reanchored) samples.current = [];
    const previous = samples.current.at(-1);
    samples.current = [...samples.current.filter((x) => x.at >= now - 2000), { at: now, month: next.month }];
    const skipped = previous && next.month > previous.month + 1 ? next.month - previous.month - 1 : 0;
    setPlayed((current) => ({ rate: rateOf(samples.current), skipped: current.skipped + skipped }));
  };
  useEffect(() => {
    if (!run.playing) return;
    let frame = requestAnimationFrame(function step() {
      const state = playbackNow();
      const now = performance.now();
      const next = tick(state, now);
      if (next !== state) applyPlayback(next, now);
      if (next.playing) frame = requestAnimationFrame(step);
    });
    return () => cancelAnimationFrame(frame);
  }, [run.playing, run.anchor]); // eslint-disable-line react-hooks/exhaustive-deps

  // Emerging hot spots: a server job (Gi* with permutations over the cube), polled with progress.
  const hotSpotKey = `${Math.min(resolution, precise ? 7 : 6)}|${view.from}|${view.to}`;
  useEffect(() => {
    if (!view.layers.includes('tendances') || !precise || hotSpots?.key === hotSpotKey) return;
    let cancelled = false;
    const [r, from, to] = hotSpotKey.split('|');
    setHotSpots({ status: 'running', done: 0, total: monthIndex(to) - monthIndex(from) + 1, key: hotSpotKey });
    (async () => {
      const job = await send('POST', '/api/analyses/emerging-hot-spots', { body: { resolution: Math.max(5, Number(r)), from, to, method: 'exact' } });
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 400));
        if (cancelled) return;
        const state = await get('/api/analyses/jobs/:id', { params: { id: job.id } });
        setHotSpots({ status: state.status, done: state.done, total: state.total, patterns: state.result?.patterns, key: hotSpotKey });
        if (state.status === 'failed') throw new Error(state.error ?? 'échec de l’analyse');
        if (state.status === 'done' && state.result) { await map.current?.setHotSpots(state.result); return; }
      }
    })().catch((e) => { if (!cancelled) { setHotSpots(null); fail(e); } });
    return () => { cancelled = true; };
  }, [view.layers, hotSpotKey, precise]); // eslint-disable-line react-hooks/exhaustive-deps

  // The national chart by commune size class.
  useEffect(() => {
    get('/api/aggregates/deal-points/series', { query: { by: 'size_class', from: view.from, to: view.to } }).then(setSizeSeries).catch(fail);
  }, [view.from, view.to, fail]);

  // Departments by the chosen SSMSI indicator (rate per 1,000 inhabitants).
  useEffect(() => {
    if (!view.layers.includes('departements')) return;
    get('/api/statistics/departments', { query: { indicator: view.indicator, year: view.year } })
      .then((r) => {
        const rates = new Map(r.items.filter((i) => i.rate_per_1000 !== null).map((i) => [i.department_code, Number(i.rate_per_1000)]));
        const classes = quantileBreaks(rates.values());
        setRateBreaks(classes);
        map.current?.setDepartmentRates(rates, classes);
      }).catch(fail);
  }, [view.layers, view.indicator, view.year, fail]);

  const offset = cube ? month - monthIndex(cube.from) : -1;
  const shown = cube && offset >= 0 && offset < cube.months.length ? totalAt(cube, offset, view.cumulative) : null;
  const breaks = useMemo(() => (cube ? quantileBreaks(cubeValues(cube, view.cumulative)) : []), [cube, view.cumulative]);
  useEffect(() => { if (breaks.length) map.current?.setHexBreaks(breaks); }, [breaks]);
  const sizeChart = useMemo(() => sizeSeries && sizeSeries.series.map((s) => ({
    label: capitalised(sizeClassNames[s.key] ?? s.label), values: view.cumulative ? s.cumulative : s.active, colour: s.key === 'petite_ville' ? '#18753c' : s.key === 'rural' ? '#929292' : colours.sizeClasses[s.key],
  })), [sizeSeries, view.cumulative]);

  // A town named in a panel: its outline shown and fitted, as when found by the search.
  const goToCommune = async (insee: string) => {
    const feature = await get('/api/communes/:insee', { params: { insee } }).catch(() => null);
    if (feature?.geometry) await map.current?.showCommune({ ...feature, geometry: feature.geometry });
  };
  const toggleLayer = (name: LayerName) => update({ layers: view.layers.includes(name) ? view.layers.filter((l) => l !== name) : [...view.layers, name] });
  const setWindow = (patch: { from?: string; to?: string }) => {
    const next = { from: patch.from ?? view.from, to: patch.to ?? view.to };
    if (next.from > next.to) return;
    const shown = view.month < next.from ? next.from : view.month > next.to ? next.to : view.month;
    update({ ...next, month: shown });
    if (playing) setRun((r) => ({ ...r, anchor: { month: monthIndex(shown), at: performance.now() } }));
  };

  return (
    <div className="sillage-map-page">
      <h1 className="fr-sr-only">{precise ? 'Carte des points de deal' : 'Carte des points de deal (données agrégées)'}</h1>
      <MapControlsSheet label="Commandes de la carte">
        <CommuneSearch onFound={(hit, feature) => { if (feature) map.current?.showCommune(feature); else map.current?.flyTo([hit.longitude, hit.latitude], 11); setSelection({ kind: 'commune', insee: hit.insee, name: hit.name }); }} onError={fail} />

        <section className="sillage-time" aria-label="Période">
          <h2 className="fr-text--md fr-text--bold fr-mb-1w">Période</h2>
          <div className="sillage-window-fields">
            <MonthField id="window-from" label="Début" min="2016-01" max={view.to} value={view.from} onChange={(m) => setWindow({ from: m })} />
            <MonthField id="window-to" label="Fin" min={view.from} max="2030-12" value={view.to} onChange={(m) => setWindow({ to: m })} />
          </div>
          <div className="sillage-window-range" aria-label="Fenêtre glissable">
            <input aria-label="Début de la fenêtre (glisser)" type="range" min={monthIndex('2019-01')} max={monthIndex('2025-12')} value={from} onChange={(e) => setWindow({ from: monthLabel(Math.min(Number(e.target.value), to)) })} />
            <input aria-label="Fin de la fenêtre (glisser)" type="range" min={monthIndex('2019-01')} max={monthIndex('2025-12')} value={to} onChange={(e) => setWindow({ to: monthLabel(Math.max(Number(e.target.value), from)) })} />
          </div>
          <label className="fr-label fr-mt-1w" htmlFor="month-slider">Mois affiché : <strong data-testid="current-month">{frenchMonth(view.month)}</strong></label>
          <input id="month-slider" className="sillage-slider" type="range" min={from} max={to} value={month} onChange={(e) => {
            const chosen = Number(e.target.value);
            if (playing) applyPlayback(seek(playbackNow(), chosen, performance.now()));
            else update({ month: monthLabel(chosen) });
          }} />
          <div className="sillage-row">
            <button type="button" className={`fr-btn fr-btn--sm ${playing ? 'fr-icon-pause-circle-line' : 'fr-icon-play-circle-line'} fr-btn--icon-left`} onClick={() => applyPlayback(toggle(playbackNow(), performance.now()))}>{playing ? 'Pause' : 'Lecture'}</button>
            <label className="fr-label" htmlFor="speed">Vitesse
              <select id="speed" className="fr-select" value={speed} onChange={(e) => applyPlayback(withSpeed(playbackNow(), Number(e.target.value), performance.now()))}>
                {playbackSpeeds.map((s) => <option key={s} value={s}>{s} mois/s</option>)}
              </select>
            </label>
          </div>
          {playing && played.rate !== null && <p className="fr-text--xs fr-mb-1v" data-testid="playback-rate">Cadence réelle : {played.rate.toLocaleString('fr-FR', { maximumFractionDigits: 1 })} mois/s{played.skipped > 0 ? ` (${played.skipped} mois non dessinés pour tenir la cadence)` : ''}</p>}
          <div className="fr-checkbox-group fr-checkbox-group--sm fr-mt-1w">
            <input type="checkbox" id="cumulative" checked={view.cumulative} onChange={(e) => update({ cumulative: e.target.checked })} />
            <label className="fr-label" htmlFor="cumulative">Cumulé depuis le début de la fenêtre</label>
          </div>
        </section>

        <section aria-label="Couches" className="fr-mt-2w">
          <h2 className="fr-text--md fr-text--bold fr-mb-1w">Couches</h2>
          {layerNames.filter((name) => precise || (name !== 'points' && name !== 'tendances')).map((name) => (
            <div key={name} className="fr-checkbox-group fr-checkbox-group--sm">
              <input type="checkbox" id={`layer-${name}`} checked={view.layers.includes(name)} onChange={() => toggleLayer(name)} />
              <label className="fr-label" htmlFor={`layer-${name}`}>{layerLabels[name]}</label>
            </div>
          ))}
          <Legend view={view} breaks={breaks} resolution={resolution} finest={finest} suppressed={cube?.suppressed_below ?? null}
            indicators={indicators} onChange={update} mapZoom={mapView.zoom} rateBreaks={rateBreaks} />
          {cube && view.layers.includes('hexagones') && <HexbinExport cube={cube} offset={month - monthIndex(cube.from)} cumulative={view.cumulative} month={view.month} />}
          {precise && view.layers.includes('points') && <MapViewExport month={view.month} bounds={mapView.bounds} minSources={view.minSources} />}
          {view.layers.includes('tendances') && hotSpots && <HotSpotLegend state={hotSpots} />}
        </section>
        <VisibleLists cube={view.layers.includes('hexagones') ? cube : null} offset={cube ? month - monthIndex(cube.from) : -1} cumulative={view.cumulative} bounds={mapView.bounds}
          monthLabel={frenchMonth(view.month)} map={map.current} showPoints={precise && view.layers.includes('points')}
          refreshKey={`${mapView.bounds.map((v) => v.toFixed(4)).join()}|${view.month}|${view.from}|${view.to}|${view.minSources}`} onPick={setSelection} />
        {precise && <button type="button" className="fr-btn fr-btn--secondary fr-btn--sm fr-mt-2w" onClick={() => setWatchOpen(!watchOpen)}>Veille des résurgences (mesure 22)</button>}
      </MapControlsSheet>

      <section className="sillage-map-area" aria-label="Carte">
        <div className="sillage-status" role="status" aria-live="polite">
          {shown && <span data-testid="shown-total">{view.cumulative ? 'Points actifs depuis ' + frenchMonth(view.from) : 'Points actifs en ' + frenchMonth(view.month)}{shown.suppressedCells ? ' dans les hexagones publiés' : ''} : <strong>{shown.total.toLocaleString('fr-FR')}</strong>{shown.suppressedCells ? `, sans les ${shown.suppressedCells.toLocaleString('fr-FR')} hexagones de moins de 5 points (masqués, non comptés)` : ''} · </span>}
          <span data-testid="cube-status">{cubeStatus}</span>
        </div>
        {error && <div className="fr-alert fr-alert--error fr-alert--sm sillage-error" role="alert"><p>{error}</p><button type="button" className="fr-link--close fr-link" onClick={() => setError(null)}>Masquer</button></div>}
        <div ref={container} className="sillage-map" data-testid="analyst-map" />
        {watchOpen && !selection && <WatchPanel departmental={(me.user?.departments.length ?? 0) > 0} month={view.month} onClose={() => setWatchOpen(false)} onTown={(insee, name) => { void goToCommune(insee); setSelection({ kind: 'commune', insee, name }); }} />}
        {selection && <DetailsPanel selection={selection} cube={cube} view={view} precise={precise} operations={operations} onClose={() => setSelection(null)} />}
      </section>

      <section className="sillage-bottom" aria-label="Évolution nationale par taille de commune">
        {sizeChart && sizeSeries && <LineChart title={`Points actifs en France par taille de commune, ${frenchMonth(view.from)} – ${frenchMonth(view.to)}${view.cumulative ? ' (cumulé)' : ''}`} months={sizeSeries.months} series={sizeChart} markerIndex={month - from} height={150} />}
      </section>
    </div>
  );
}

function pointTileTemplate(from: string, to: string, minSources: number): string {
  return `${location.origin}/tiles/deal-points/{z}/{x}/{y}.mvt?from=${from}&to=${to}${minSources > 1 ? `&min_sources=${minSources}` : ''}`;
}

function padBounds([west, south, east, north]: [number, number, number, number]): [number, number, number, number] {
  const dx = (east - west) / 2;
  const dy = (north - south) / 2;
  return [Math.max(-180, west - dx), Math.max(-90, south - dy), Math.min(180, east + dx), Math.min(90, north + dy)];
}

function selectionKey(selection: Selection | null): string | null {
  if (!selection) return null;
  return selection.kind === 'hex' ? `hex:${selection.h3}` : selection.kind === 'commune' ? `commune:${selection.insee}` : `${selection.kind}:${selection.id}`;
}

function parseSelection(key: string | null): Selection | null {
  if (!key) return null;
  const [kind, id] = key.split(':');
  if (kind === 'hex') return { kind, h3: id };
  if (kind === 'commune') return { kind, insee: id, name: id };
  if (kind === 'point' || kind === 'operation') return { kind, id: Number(id) };
  return null;
}
