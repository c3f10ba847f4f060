/**
 * A small map to draw a snapshot's area (clicks add vertices; the polygon closes itself), over
 * Sillage's own department outlines so it works offline. Part of web/map/, the only maplibre-gl importer.
 */
import * as maplibregl from 'maplibre-gl';
import { frenchMapLocale } from './french-locale';
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';

maplibregl.setWorkerUrl(workerUrl);

export class AreaDrawer {
  private readonly map: MapLibreMap;
  private vertices: [number, number][] = [];

  /** `initial`: an area to start from (its first outer ring becomes the editable vertices). */
  constructor(container: HTMLElement, private readonly onChange: (polygon: GeoJSON.Polygon | null) => void, center: [number, number] = [5.5, 43.7], zoom = 9, initial: GeoJSON.Polygon | GeoJSON.MultiPolygon | null = null) {
    const ring = initial ? (initial.type === 'Polygon' ? initial.coordinates[0] : initial.coordinates[0][0]) : null;
    if (ring && ring.length > 3) {
      this.vertices = ring.slice(0, -1).map(([x, y]) => [x, y] as [number, number]);
      const xs = this.vertices.map((v) => v[0]);
      const ys = this.vertices.map((v) => v[1]);
      center = [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
      zoom = 12;
    }
    this.map = new maplibregl.Map({
      locale: frenchMapLocale,
      container, center, zoom, attributionControl: false, doubleClickZoom: false,
      style: {
        version: 8,
        sources: { departments: { type: 'geojson', data: '/api/departments/outlines' }, drawn: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } } },
        layers: [
          { id: 'background', type: 'background', paint: { 'background-color': '#f6f6f6' } },
          { id: 'departments', type: 'line', source: 'departments', paint: { 'line-color': '#666666', 'line-width': 1 } },
          { id: 'drawn-fill', type: 'fill', source: 'drawn', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': '#000091', 'fill-opacity': 0.15 } },
          { id: 'drawn-line', type: 'line', source: 'drawn', paint: { 'line-color': '#e1000f', 'line-width': 2 } },
          { id: 'drawn-vertices', type: 'circle', source: 'drawn', filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-radius': 4, 'circle-color': '#e1000f' } },
        ],
      },
    });
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
    this.map.on('click', (event) => { this.vertices.push([event.lngLat.lng, event.lngLat.lat]); this.update(); });
    if (this.vertices.length) {
      const xs = this.vertices.map((v) => v[0]);
      const ys = this.vertices.map((v) => v[1]);
      this.map.fitBounds([[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]], { padding: 60, duration: 0, maxZoom: 15 });
      this.map.on('load', () => this.update());
      queueMicrotask(() => this.onChange(this.polygon()));
    }
  }

  /** The drawn polygon (ring closed), or null under three vertices. */
  polygon(): GeoJSON.Polygon | null {
    if (this.vertices.length < 3) return null;
    return { type: 'Polygon', coordinates: [[...this.vertices, this.vertices[0]].map(([x, y]) => [Math.round(x * 1e6) / 1e6, Math.round(y * 1e6) / 1e6])] };
  }

  clear(): void { this.vertices = []; this.update(); }

  private update(): void {
    const polygon = this.polygon();
    const features: GeoJSON.Feature[] = this.vertices.map((v) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: v } }));
    if (polygon) features.push({ type: 'Feature', properties: {}, geometry: polygon });
    else if (this.vertices.length === 2) features.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: this.vertices } });
    (this.map.getSource('drawn') as GeoJSONSource | undefined)?.setData({ type: 'FeatureCollection', features });
    this.onChange(polygon);
  }

  destroy(): void { this.map.remove(); }
}
