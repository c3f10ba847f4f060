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
import type { GeoJSONSource, MapMouseEvent, VectorTileSource } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { cellPolygon } from '../../server/domain/h3-cells';
import { monthLabel } from '../../server/domain/months';
import type { LayerName } from './view-state';
import { baseStyle, colours, comparedLayers, drawable, empty, hexColour, patternColours, rateColour, sectorLayers } from './map-style';
import { MapProbes } from './map-probes';
import type { Selection } from './selection-key';

export { colours, drawable, patternColours };

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

export class SillageMap extends MapProbes {
  private readonly ready: Promise<void>;
  private hexStates = new Map<string, number | null>();
  private departments: GeoJSON.FeatureCollection = empty;

  constructor(container: HTMLElement, options: { center?: [number, number]; zoom?: number; basemapUrl?: string | null; basemapPmtiles?: string | null; analyst?: boolean; pointTiles?: string | null } = {}) {
    super();
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
    this.map.setPaintProperty('departments-choropleth', 'fill-color', rateColour(breaks));
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
    this.map.addSource('sectors', { type: 'geojson', data: collection });
    for (const layer of sectorLayers()) this.map.addLayer(layer);
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
      for (const layer of comparedLayers()) this.map.addLayer(layer);
    }
    // The small map may have been created before its box took its final width.
    this.map.resize();
    const focus = collection.features.filter((f) => f.properties?.role !== 'nearby');
    if (!focus.length) return;
    const bounds = new maplibregl.LngLatBounds();
    for (const f of focus) bounds.extend(f.geometry.coordinates as [number, number]);
    this.map.fitBounds(bounds, { padding: 60, duration: 0, maxZoom: 17 });
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


  destroy(): void {
    this.map.remove();
  }
}
