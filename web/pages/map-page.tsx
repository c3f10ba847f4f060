/**
 * The analysts' map: deal points (tiles), H3 hexbins over time, communes by size class,
 * departments by an SSMSI rate, operations; a month window with playback; click panels.
 * The view lives in the URL.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, type Me } from '../api/client';
import { get, type GetRoutes } from '../api/routes';
import { SillageMap, colours, type Selection } from '../map/map-adapter';
import { finestResolutionFor, layerNames, parseView, quantileBreaks, resolutionForZoom, serializeView, type LayerName, type ViewState } from '../map/view-state';
import { countsAt, cubeValues, totalAt } from '../map/cube';
import { parseSelection, selectionKey } from '../map/selection-key';
import { monthIndex, monthOfDate } from '../../server/domain/months';
import { LineChart } from '../components/chart';
import { capitalised, frenchDate, frenchMonth, sizeClassNames } from '../format';
import { DetailsPanel } from '../components/details-panel';
import { WatchPanel } from '../components/watch-panel';
import { MapControlsSheet } from '../components/map-controls-sheet';
import { MapPeriod } from '../components/map-period';
import { VisibleLists } from '../components/visible-lists';
import { HotSpotLegend, Legend, type Indicator } from '../components/map-legend';
import { CommuneSearch } from '../components/commune-search';
import { HexbinExport, MapViewExport } from '../components/map-exports';
import { usePlayback } from '../components/use-playback';
import { useViewCube } from '../components/use-view-cube';
import { useHotSpots } from '../components/use-hot-spots';

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
  const [error, setError] = useState<string | null>(null);
  const [sizeSeries, setSizeSeries] = useState<GetRoutes['/api/aggregates/deal-points/series'] | null>(null);
  const [indicators, setIndicators] = useState<Indicator[]>([]);
  const [operations, setOperations] = useState<GetRoutes['/api/operations'] | null>(null);
  const [selection, setSelection] = useState<Selection | null>(() => parseSelection(view.selection));
  const [watchOpen, setWatchOpen] = useState(false);
  const [rateBreaks, setRateBreaks] = useState<number[]>([]);

  const resolution = view.resolution === 'auto' ? resolutionForZoom(mapView.zoom, finest) : Math.min(view.resolution, finest);
  // Cubes finer than 7 cover the view (padded), coarser ones all of France: refetched only when needed.
  const areaKey = resolution <= 7 ? '' : mapView.bounds.map((v) => v.toFixed(1)).join();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the area is padded again when the view has moved by a tenth of a degree (areaKey), not on every frame of a pan, so the cube is not asked for again each time
  const cubeArea = useMemo(() => (areaKey ? padBounds(mapView.bounds) : null), [areaKey]);
  const from = monthIndex(view.from);
  const month = monthIndex(view.month);

  const update = useCallback((patch: Partial<ViewState>) => setView((current) => ({ ...current, ...patch })), []);
  const fail = useCallback((e: unknown) => setError(e instanceof ApiError || e instanceof Error ? e.message : String(e)), []);
  const clearError = useCallback(() => setError(null), []);
  // The view the map starts from (the URL's); later changes reach it through the adapter's verbs.
  const firstView = useRef(view);

  // The map, once (its options do not change while the page is shown).
  useEffect(() => {
    const start = firstView.current;
    const pointTiles = precise ? pointTileTemplate(start.from, start.to, start.minSources) : null;
    const instance = new SillageMap(container.current!, { center: start.center, zoom: start.zoom, analyst: true, pointTiles, basemapUrl, basemapPmtiles });
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
  }, [precise, basemapUrl, basemapPmtiles, fail]);

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

  // The cube for the view (web/components/use-view-cube.ts).
  const { cube, status: cubeStatus } = useViewCube(map, { resolution, from: view.from, to: view.to, area: cubeArea, minSources: view.minSources, precise }, fail, clearError);

  // Each tick: a lookup in the cube, feature-state and global state on the map.
  useEffect(() => {
    if (!cube || !map.current) return;
    const offset = month - monthIndex(cube.from);
    if (offset < 0 || offset >= cube.months.length) return;
    map.current.showMonth(month, from, view.cumulative, countsAt(cube, offset, view.cumulative));
  }, [cube, month, from, view.cumulative]);

  // Playback (web/components/use-playback.ts over web/map/playback.ts).
  const playback = usePlayback(view, update);

  // Emerging hot spots: a server job polled with progress (web/components/use-hot-spots.ts).
  const hotSpots = useHotSpots(map, view.layers.includes('tendances') && precise, `${Math.min(resolution, precise ? 7 : 6)}|${view.from}|${view.to}`, fail);

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
  const sizeChart = useMemo(() => sizeSeries?.series.map((s) => ({
    label: capitalised(sizeClassNames[s.key] ?? s.label), values: view.cumulative ? s.cumulative : s.active, colour: s.key === 'petite_ville' ? '#18753c' : s.key === 'rural' ? '#929292' : colours.sizeClasses[s.key],
  })), [sizeSeries, view.cumulative]);

  // A town named in a panel: its outline shown and fitted, as when found by the search.
  const goToCommune = async (insee: string) => {
    const feature = await get('/api/communes/:insee', { params: { insee } }).catch(() => null);
    if (feature?.geometry) await map.current?.showCommune({ ...feature, geometry: feature.geometry });
  };
  const toggleLayer = (name: LayerName) => update({ layers: view.layers.includes(name) ? view.layers.filter((l) => l !== name) : [...view.layers, name] });

  return (
    <div className="sillage-map-page">
      <h1 className="fr-sr-only">{precise ? 'Carte des points de deal' : 'Carte des points de deal (données agrégées)'}</h1>
      <MapControlsSheet label="Commandes de la carte">
        <CommuneSearch onFound={(hit, feature) => { if (feature) map.current?.showCommune(feature); else map.current?.flyTo([hit.longitude, hit.latitude], 11); setSelection({ kind: 'commune', insee: hit.insee, name: hit.name }); }} onError={fail} />

        <MapPeriod view={view} update={update} playback={playback} />

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
