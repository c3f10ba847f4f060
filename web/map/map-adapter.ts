/**
 * The only module that drives maplibre-gl: an imperative adapter the pages drive with verbs, over
 * the style of map-style.ts.
 * The base map is Sillage's own reference data (department and commune outlines, commune names
 * drawn with the DSFR's Marianne font), so it works offline; an online raster basemap is optional.
 *
 * Time playback never rebuilds a source: hexbin counts change through feature-state, points and
 * operations through the style's global state (`month`, `start`, `cumulative`), which filters the
 * tiles already loaded.
 */
import * as maplibregl from 'maplibre-gl';
import { frenchMapLocale } from './french-locale';
import { Protocol as PmtilesProtocol } from 'pmtiles';
import type { ExpressionSpecification, GeoJSONSource, Map as MapLibreMap, MapMouseEvent, VectorTileSource } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { cellPolygon } from '../../server/domain/h3-cells';
import { monthLabel } from '../../server/domain/months';
import type { LayerName } from './view-state';
import type { Selection } from './selection-key';
import { baseStyle, colours, empty, hexColour, patternColours } from './map-style';

export { colours, patternColours };

/** The features of a collection that have a geometry (the reference data has departments without an outline). */
export function drawable(collection: GeoJSON.FeatureCollection<GeoJSON.Geometry | null>): GeoJSON.FeatureCollection {
  return { type: 'FeatureCollection', features: collection.features.filter((f): f is GeoJSON.Feature => f.geometry !== null) };
}

maplibregl.setWorkerUrl(workerUrl);

/** The pmtiles:// protocol (byte ranges of a PMTiles archive), registered once when a map first needs it. */
let pmtilesProtocol: PmtilesProtocol | null = null;
function pmtilesSource(path: string): string {
  if (!pmtilesProtocol) {
    pmtilesProtocol = new PmtilesProtocol();
    maplibregl.addProtocol('pmtiles', pmtilesProtocol.tile);
  }
  return `pmtiles://${new URL(path, location.origin).href}`;
}

export type { Selection };

export interface MapView { center: [number, number]; zoom: number; bounds: [number, number, number, number] }

const layerIds: Record<LayerName, string[]> = {
  hexagones: ['hex-fill', 'hex-line'],
  points: ['points'],
  communes: ['communes-fill'],
  departements: ['departments-choropleth'],
  operations: ['operations-fill', 'operations-line', 'operations-label'],
  tendances: ['hotspots-fill'],
};

export class SillageMap {
  private readonly map: MapLibreMap;
  private readonly ready: Promise<void>;
  private hexStates = new Map<string, number | null>();
  private departments: GeoJSON.FeatureCollection = empty;

  constructor(container: HTMLElement, options: { center?: [number, number]; zoom?: number; basemapUrl?: string | null; basemapPmtiles?: string | null; analyst?: boolean; pointTiles?: string | null } = {}) {
    const style = baseStyle({ ...options, basemapPmtilesUrl: options.basemapPmtiles ? pmtilesSource(options.basemapPmtiles) : null });
    this.map = new maplibregl.Map({
      locale: frenchMapLocale,
      container, style,
      center: options.center ?? [2.5, 46.6],
      zoom: options.zoom ?? 4.6,
      attributionControl: { compact: true, customAttribution: 'Contours : IGN Admin Express, Licence Ouverte' },
    });
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    this.map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
    this.ready = new Promise((resolve) => this.map.once('load', () => resolve()));
    // Tests and screenshots wait on this attribute.
    this.map.on('idle', () => { container.dataset.mapIdle = 'true'; });
    this.map.on('movestart', () => { container.dataset.mapIdle = 'false'; });
    this.map.on('dataloading', () => { container.dataset.mapIdle = 'false'; });
    this.map.on('resize', () => { container.dataset.mapIdle = 'false'; this.map.triggerRepaint(); });
  }

  whenReady(): Promise<void> { return this.ready; }

  async setDepartments(outlines: GeoJSON.FeatureCollection<GeoJSON.Geometry | null>): Promise<void> {
    await this.ready;
    const collection = drawable(outlines);
    this.departments = collection;
    (this.map.getSource('departments') as GeoJSONSource).setData(collection);
  }

  async showCommune(feature: GeoJSON.Feature): Promise<void> {
    await this.ready;
    (this.map.getSource('commune') as GeoJSONSource).setData(feature);
    const bounds = new maplibregl.LngLatBounds();
    const add = (value: unknown): void => {
      if (Array.isArray(value) && typeof value[0] === 'number') bounds.extend(value as [number, number]);
      else if (Array.isArray(value)) value.forEach(add);
    };
    add((feature.geometry as GeoJSON.Polygon).coordinates);
    this.map.fitBounds(bounds, { padding: 40, duration: 600, maxZoom: 13 });
  }

  async setPin(position: [number, number] | null): Promise<void> {
    await this.ready;
    (this.map.getSource('pin') as GeoJSONSource).setData(position ? { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: position } } : empty);
  }

  onPick(handler: (position: [number, number]) => void): void {
    this.map.on('click', (event: MapMouseEvent) => handler([Number(event.lngLat.lng.toFixed(6)), Number(event.lngLat.lat.toFixed(6))]));
    this.map.getCanvas().style.cursor = 'crosshair';
  }

  /** Screen position of a place, for tests that click on the map. */
  project(position: [number, number]): { x: number; y: number } {
    return this.map.project(position);
  }

  // ---- Analyst map ----

  view(): MapView {
    const center = this.map.getCenter();
    const b = this.map.getBounds();
    return { center: [center.lng, center.lat], zoom: this.map.getZoom(), bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()] };
  }

  onViewChange(handler: (view: MapView) => void): void {
    this.map.on('moveend', () => handler(this.view()));
  }

  async setLayers(visible: readonly LayerName[]): Promise<void> {
    await this.ready;
    for (const [name, ids] of Object.entries(layerIds) as [LayerName, string[]][]) {
      for (const id of ids) if (this.map.getLayer(id)) this.map.setLayoutProperty(id, 'visibility', visible.includes(name) ? 'visible' : 'none');
    }
  }

  /** Tiles of the deal points active in the window (changes with the window, not with the month). */
  async setPointWindow(template: string | null): Promise<void> {
    await this.ready;
    const source = this.map.getSource('points') as VectorTileSource | undefined;
    if (source && template) source.setTiles([template]);
  }

  /**
   * The hexbins of one cube: built once (a GeoJSON polygon per cell), coloured per month through
   * feature-state.
   */
  async setHexCells(cells: readonly string[]): Promise<void> {
    await this.ready;
    this.hexStates.clear();
    this.map.removeFeatureState({ source: 'hexes' });
    (this.map.getSource('hexes') as GeoJSONSource).setData({
      type: 'FeatureCollection',
      features: cells.map((h3) => ({ type: 'Feature', properties: { h3 }, geometry: cellPolygon(h3) })),
    });
  }

  /** Colour classes of the hexbins (upper bounds), fixed for a cube so playback compares months. */
  async setHexBreaks(breaks: readonly number[]): Promise<void> {
    await this.ready;
    this.map.setPaintProperty('hex-fill', 'fill-color', hexColour(breaks));
  }

  /** One playback tick: the month for points and operations, the counts for the hexbins (only those that changed). */
  showMonth(month: number, start: number, cumulative: boolean, counts: ReadonlyMap<string, number | null>): void {
    this.map.setGlobalStateProperty('month', month);
    this.map.setGlobalStateProperty('start', start);
    this.map.setGlobalStateProperty('month_key', monthLabel(month));
    this.map.setGlobalStateProperty('start_key', monthLabel(start));
    this.map.setGlobalStateProperty('cumulative', cumulative);
    for (const [h3, count] of counts) {
      if (this.hexStates.get(h3) === count) continue;
      this.hexStates.set(h3, count);
      this.map.setFeatureState({ source: 'hexes', id: h3 }, { count: count ?? 0, suppressed: count === null });
    }
  }

  /** Baseline for the benchmark: the same tick done by rebuilding the hexbin FeatureCollection. */
  showMonthBySetData(counts: ReadonlyMap<string, number | null>): void {
    (this.map.getSource('hexes') as GeoJSONSource).setData({
      type: 'FeatureCollection',
      features: [...counts].map(([h3, count]) => ({ type: 'Feature', properties: { h3, count: count ?? 0 }, geometry: cellPolygon(h3) })),
    });
  }

  async setOperations(collection: GeoJSON.FeatureCollection): Promise<void> {
    await this.ready;
    (this.map.getSource('operations') as GeoJSONSource).setData(collection);
  }

  /** Departments coloured by a rate (per 1,000 inhabitants); `breaks` upper bounds of the classes. */
  async setDepartmentRates(rates: ReadonlyMap<string, number>, breaks: readonly number[]): Promise<void> {
    await this.ready;
    (this.map.getSource('departments-rates') as GeoJSONSource).setData({
      ...this.departments,
      features: this.departments.features.map((f) => ({ ...f, properties: { ...f.properties, rate: rates.get(String(f.properties?.code)) ?? null } })),
    });
    const stops: (number | string)[] = [];
    // Breaks are upper bounds (inclusive): a class starts just above the previous bound.
    breaks.slice(0, -1).forEach((value, i) => stops.push(colours.rateRamp[i], value + 1e-9));
    const ramp: ExpressionSpecification = stops.length ? ['step', ['get', 'rate'], ...stops, colours.rateRamp[Math.min(breaks.length - 1, colours.rateRamp.length - 1)]] as unknown as ExpressionSpecification : ['literal', colours.rateRamp[2]];
    this.map.setPaintProperty('departments-choropleth', 'fill-color', ['case', ['==', ['get', 'rate'], null], '#ffffff', ramp]);
  }

  onSelect(handler: (selection: Selection) => void): void {
    const order = ['points', 'operations-fill', 'hex-fill', 'communes-fill'];
    this.map.on('click', (event: MapMouseEvent) => {
      const layers = order.filter((id) => this.map.getLayer(id) && this.map.getLayoutProperty(id, 'visibility') !== 'none');
      const box: [[number, number], [number, number]] = [[event.point.x - 4, event.point.y - 4], [event.point.x + 4, event.point.y + 4]];
      const features = this.map.queryRenderedFeatures(box, { layers });
      features.sort((a, b) => order.indexOf(a.layer.id) - order.indexOf(b.layer.id));
      const hit = features.find((f) => f.layer.id !== 'hex-fill' || Number(f.state?.count ?? 0) > 0 || f.state?.suppressed);
      if (!hit) return;
      if (hit.layer.id === 'points') handler({ kind: 'point', id: Number(hit.id) });
      else if (hit.layer.id === 'operations-fill') handler({ kind: 'operation', id: Number(hit.id ?? hit.properties.id) });
      else if (hit.layer.id === 'hex-fill') handler({ kind: 'hex', h3: String(hit.properties.h3) });
      else handler({ kind: 'commune', insee: String(hit.properties.insee), name: String(hit.properties.name) });
    });
    for (const id of order) {
      this.map.on('mouseenter', id, () => { this.map.getCanvas().style.cursor = 'pointer'; });
      this.map.on('mouseleave', id, () => { this.map.getCanvas().style.cursor = ''; });
    }
  }

  flyTo(center: [number, number], zoom: number): void {
    this.map.flyTo({ center, zoom, duration: 800 });
  }

  fitBounds(bounds: [number, number, number, number]): void {
    this.map.fitBounds([[bounds[0], bounds[1]], [bounds[2], bounds[3]]], { padding: 40, duration: 600, maxZoom: 13 });
  }

  /** Emerging hot spot cells, coloured by pattern. */
  async setHotSpots(collection: GeoJSON.FeatureCollection): Promise<void> {
    await this.ready;
    (this.map.getSource('hotspots') as GeoJSONSource).setData(collection);
  }

  /** An operation's target and buffer cells (property role = target | buffer). */
  async setAreas(collection: GeoJSON.FeatureCollection): Promise<void> {
    await this.ready;
    (this.map.getSource('areas') as GeoJSONSource).setData(collection);
  }

  /** Arcs from an operation to its destination towns (properties linked, flagged, name), labelled at the town. */
  async setArcs(collection: GeoJSON.FeatureCollection): Promise<void> {
    await this.ready;
    const towns = collection.features.map((f) => ({ ...f, geometry: { type: 'Point' as const, coordinates: (f.geometry as GeoJSON.LineString).coordinates.at(-1)! } }));
    (this.map.getSource('arcs') as GeoJSONSource).setData({ type: 'FeatureCollection', features: [...collection.features, ...towns] });
  }

  /** Sectors coloured by rank class (property rank_class: 0 best fifth .. 4, -1 not ranked); a click gives the sector's code. */
  async setSectors(collection: GeoJSON.FeatureCollection, onPick?: (code: string) => void): Promise<void> {
    await this.ready;
    const source = this.map.getSource('sectors') as GeoJSONSource | undefined;
    if (source) { source.setData(collection); return; }
    const ramp = [...colours.hexRamp].reverse();
    this.map.addSource('sectors', { type: 'geojson', data: collection });
    this.map.addLayer({ id: 'sectors-fill', type: 'fill', source: 'sectors', paint: { 'fill-color': ['match', ['get', 'rank_class'], 0, ramp[0], 1, ramp[1], 2, ramp[2], 3, ramp[3], 4, ramp[4], '#f6f6f6'], 'fill-opacity': 0.8 } });
    this.map.addLayer({ id: 'sectors-line', type: 'line', source: 'sectors', paint: { 'line-color': ['case', ['boolean', ['get', 'selected'], false], '#000091', '#929292'], 'line-width': ['case', ['boolean', ['get', 'selected'], false], 3, 0.5] } });
    if (onPick) this.map.on('click', 'sectors-fill', (event) => { const code = event.features?.[0]?.properties?.code; if (code) onPick(String(code)); });
  }

  /**
   * Points compared side by side (the duplicate review, moderation): each feature has a `role`
   * (a, b, or nearby) and a short `label`; the view fits them.
   */
  async setComparedPoints(collection: GeoJSON.FeatureCollection<GeoJSON.Point>): Promise<void> {
    await this.ready;
    const source = this.map.getSource('compared') as GeoJSONSource | undefined;
    if (source) source.setData(collection);
    else {
      this.map.addSource('compared', { type: 'geojson', data: collection });
      this.map.addLayer({ id: 'compared-points', type: 'circle', source: 'compared', paint: {
        'circle-radius': ['match', ['get', 'role'], 'nearby', 5, 9] as unknown as ExpressionSpecification,
        'circle-color': ['match', ['get', 'role'], 'a', '#000091', 'b', '#fc5d00', '#929292'] as unknown as ExpressionSpecification,
        'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2,
      } });
      this.map.addLayer({ id: 'compared-labels', type: 'symbol', source: 'compared', filter: ['!=', ['get', 'role'], 'nearby'], layout: {
        // A to the left of its point, B to the right: two points 5 m apart keep readable labels.
        'text-font': ['Marianne'], 'text-size': 13, 'text-field': ['get', 'label'], 'text-allow-overlap': true,
        'text-anchor': ['match', ['get', 'role'], 'a', 'right', 'left'] as unknown as ExpressionSpecification,
        'text-offset': ['match', ['get', 'role'], 'a', ['literal', [-1, 0]], ['literal', [1, 0]]] as unknown as ExpressionSpecification,
      }, paint: { 'text-color': '#161616', 'text-halo-color': '#ffffff', 'text-halo-width': 2 } });
    }
    // The small map may have been created before its box took its final width.
    this.map.resize();
    const focus = collection.features.filter((f) => f.properties?.role !== 'nearby');
    if (!focus.length) return;
    const bounds = new maplibregl.LngLatBounds();
    for (const f of focus) bounds.extend(f.geometry.coordinates as [number, number]);
    this.map.fitBounds(bounds, { padding: 60, duration: 0, maxZoom: 17 });
  }

  /** Labels of the compared points drawn on screen (for tests). */
  renderedComparedLabels(): string[] {
    return this.map.getLayer('compared-points')
      ? [...new Set(this.map.queryRenderedFeatures({ layers: ['compared-points'] }).map((f) => String(f.properties.label ?? '')))].filter(Boolean).sort() : [];
  }

  /** Sector codes drawn on screen (for tests). */
  renderedSectors(): string[] {
    return this.map.getLayer('sectors-fill') ? [...new Set(this.map.queryRenderedFeatures({ layers: ['sectors-fill'] }).map((f) => String(f.properties.code)))].sort() : [];
  }

  /** Resolves at the map's next idle (benchmarks). */
  nextIdle(): Promise<void> {
    const idle = new Promise<void>((resolve) => this.map.once('idle', () => resolve()));
    // A tick that changes nothing visible would otherwise never render, and never idle.
    this.map.triggerRepaint();
    return idle;
  }

  /** Hexbins drawn on screen with the count they show (for tests). */
  renderedHexes(): { h3: string; count: number; suppressed: boolean }[] {
    return this.map.queryRenderedFeatures({ layers: ['hex-fill'] })
      .map((f) => ({ h3: String(f.properties.h3), count: Number(f.state?.count ?? 0), suppressed: Boolean(f.state?.suppressed) }))
      .filter((hex, i, all) => all.findIndex((other) => other.h3 === hex.h3) === i);
  }

  /**
   * The deal points drawn in the view once the map is idle (id, status, source, place), nearest to
   * the centre first: the keyboard's list of points.
   */
  async visiblePoints(limit = 25): Promise<{ points: { id: number; status: string; source: string; longitude: number; latitude: number }[]; total: number }> {
    await this.ready;
    if (!this.map.getLayer('points') || this.map.getLayoutProperty('points', 'visibility') === 'none') return { points: [], total: 0 };
    if (!this.map.loaded()) await new Promise<void>((resolve) => this.map.once('idle', () => resolve()));
    const centre = this.map.getCenter();
    const seen = new Map<number, { id: number; status: string; source: string; longitude: number; latitude: number }>();
    for (const f of this.map.queryRenderedFeatures({ layers: ['points'] })) {
      const id = Number(f.id);
      if (seen.has(id) || f.geometry.type !== 'Point') continue;
      const [longitude, latitude] = f.geometry.coordinates;
      seen.set(id, { id, status: String(f.properties.status ?? ''), source: String(f.properties.source ?? ''), longitude, latitude });
    }
    const distance = (p: { longitude: number; latitude: number }) => (p.longitude - centre.lng) ** 2 + (p.latitude - centre.lat) ** 2;
    const points = [...seen.values()].sort((a, b) => distance(a) - distance(b) || a.id - b.id);
    return { points: points.slice(0, limit), total: points.length };
  }

  /** The centre of the view, rounded as picked positions are (the report pin placed without a mouse). */
  centre(): [number, number] {
    const c = this.map.getCenter();
    return [Number(c.lng.toFixed(6)), Number(c.lat.toFixed(6))];
  }

  /** Street names of the offline vector basemap drawn on screen (for tests). */
  renderedBasemapStreets(): string[] {
    return this.map.getLayer('basemap-roads') ? [...new Set(this.map.queryRenderedFeatures({ layers: ['basemap-roads'] }).map((f) => String(f.properties.name ?? '')))].filter(Boolean).sort() : [];
  }

  /** Deal points drawn on screen (for tests). */
  renderedPointIds(): number[] {
    return [...new Set(this.map.queryRenderedFeatures({ layers: ['points'] }).map((f) => Number(f.id)))].sort((a, b) => a - b);
  }

  destroy(): void {
    this.map.remove();
  }
}
