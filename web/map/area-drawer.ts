/**
 * A small map to draw an area (clicks add vertices; the polygon closes itself), over Sillage's own
 * department outlines so it works offline. An area may hold several polygons: each finished one
 * (`nextPolygon`), each polygon of the area it starts from, or of an area set whole (`setArea`: the
 * union of communes, H3 cells) is kept with its holes; the one being drawn adds to them. Part of
 * web/map/, the only maplibre-gl importer.
 */
import * as maplibregl from 'maplibre-gl';
import { frenchMapLocale } from './french-locale';
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';

maplibregl.setWorkerUrl(workerUrl);

export type DrawnArea = GeoJSON.Polygon | GeoJSON.MultiPolygon;

const round = (value: number) => Math.round(value * 1e6) / 1e6;

/** The polygons of an area as lists of rings (outer first, then holes). */
export function polygonsOf(area: DrawnArea | null): GeoJSON.Position[][][] {
  if (!area) return [];
  return area.type === 'Polygon' ? [area.coordinates] : area.coordinates;
}

/** An area from polygons: null if none, a Polygon for one, else a MultiPolygon. */
export function areaOf(polygons: GeoJSON.Position[][][]): DrawnArea | null {
  if (polygons.length === 0) return null;
  return polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons };
}

export class AreaDrawer {
  private readonly map: MapLibreMap;
  private kept: GeoJSON.Position[][][] = [];
  private vertices: [number, number][] = [];
  private clickHandler: ((longitude: number, latitude: number) => void) | null = null;

  /** `initial`: an area to start from; every polygon of it is kept, holes included. */
  constructor(container: HTMLElement, private readonly onChange: (area: DrawnArea | null) => void, center: [number, number] = [5.5, 43.7], zoom = 9, initial: DrawnArea | null = null) {
    this.kept = polygonsOf(initial);
    this.map = new maplibregl.Map({
      locale: frenchMapLocale,
      container, center, zoom, attributionControl: false, doubleClickZoom: false,
      style: {
        version: 8,
        sources: { departments: { type: 'geojson', data: '/api/departments/outlines' }, drawn: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } } },
        layers: [
          { id: 'background', type: 'background', paint: { 'background-color': '#f6f6f6' } },
          { id: 'departments', type: 'line', source: 'departments', paint: { 'line-color': '#666666', 'line-width': 1 } },
          { id: 'drawn-fill', type: 'fill', source: 'drawn', filter: ['in', ['geometry-type'], ['literal', ['Polygon', 'MultiPolygon']]], paint: { 'fill-color': '#000091', 'fill-opacity': 0.15 } },
          { id: 'drawn-line', type: 'line', source: 'drawn', paint: { 'line-color': '#e1000f', 'line-width': 2 } },
          { id: 'drawn-vertices', type: 'circle', source: 'drawn', filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-radius': 4, 'circle-color': '#e1000f' } },
        ],
      },
    });
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
    this.map.on('click', (event) => {
      if (this.clickHandler) { this.clickHandler(event.lngLat.lng, event.lngLat.lat); return; }
      this.vertices.push([event.lngLat.lng, event.lngLat.lat]);
      this.update();
    });
    this.map.on('load', () => this.update(false));
    if (this.kept.length) {
      this.fit();
      queueMicrotask(() => this.onChange(this.area()));
    }
  }

  /** The polygon being drawn (ring closed), or null under three vertices. */
  polygon(): GeoJSON.Polygon | null {
    if (this.vertices.length < 3) return null;
    return { type: 'Polygon', coordinates: [[...this.vertices, this.vertices[0]].map(([x, y]) => [round(x), round(y)])] };
  }

  /** The whole area: the kept polygons and the one being drawn. */
  area(): DrawnArea | null {
    const current = this.polygon();
    return areaOf(current ? [...this.kept, current.coordinates] : this.kept);
  }

  /** Polygons and vertices (outer rings) of the area, for the status line. */
  counts(): { polygons: number; vertices: number; drawing: number } {
    const polygons = polygonsOf(this.area());
    return { polygons: polygons.length, vertices: polygons.reduce((sum, rings) => sum + rings[0].length - 1, 0), drawing: this.vertices.length };
  }

  /** Ends the polygon being drawn (kept in the area); the next clicks start another. False under three vertices. */
  nextPolygon(): boolean {
    const current = this.polygon();
    if (!current) return false;
    this.kept.push(current.coordinates);
    this.vertices = [];
    this.update();
    return true;
  }

  /** Replaces the whole area (the union of communes, H3 cells); `fit` zooms to it. */
  setArea(area: DrawnArea | null, fit = true): void {
    this.kept = polygonsOf(area);
    this.vertices = [];
    this.update();
    if (fit && this.kept.length) this.fit();
  }

  /** Clicks go to `handler` instead of adding vertices (null: drawing again). */
  takeClicks(handler: ((longitude: number, latitude: number) => void) | null): void { this.clickHandler = handler; }

  clear(): void { this.kept = []; this.vertices = []; this.update(); }

  private fit(): void {
    const positions = this.kept.flatMap((rings) => rings[0]);
    const xs = positions.map((p) => p[0]);
    const ys = positions.map((p) => p[1]);
    this.map.fitBounds([[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]], { padding: 40, duration: 0, maxZoom: 15 });
  }

  private update(notify = true): void {
    const current = this.polygon();
    const features: GeoJSON.Feature[] = this.kept.map((rings) => ({ type: 'Feature', properties: { kept: true }, geometry: { type: 'Polygon', coordinates: rings } }));
    features.push(...this.vertices.map((v): GeoJSON.Feature => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: v } })));
    if (current) features.push({ type: 'Feature', properties: {}, geometry: current });
    else if (this.vertices.length === 2) features.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: this.vertices } });
    (this.map.getSource('drawn') as GeoJSONSource | undefined)?.setData({ type: 'FeatureCollection', features });
    if (notify) this.onChange(this.area());
  }

  destroy(): void { this.map.remove(); }
}
