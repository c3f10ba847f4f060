/**
 * The only module that imports maplibre-gl: an imperative adapter the pages drive with verbs.
 * The base map is Sillage's own reference data (department outlines), so it works offline.
 */
import * as maplibregl from 'maplibre-gl';
import type { Map as MapLibreMap, GeoJSONSource, MapMouseEvent } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';

maplibregl.setWorkerUrl(workerUrl);

const empty: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

export class SillageMap {
  private readonly map: MapLibreMap;
  private readonly ready: Promise<void>;

  constructor(container: HTMLElement, options: { center?: [number, number]; zoom?: number } = {}) {
    this.map = new maplibregl.Map({
      container,
      style: {
        version: 8,
        sources: {
          departments: { type: 'geojson', data: empty },
          commune: { type: 'geojson', data: empty },
          pin: { type: 'geojson', data: empty },
        },
        layers: [
          { id: 'background', type: 'background', paint: { 'background-color': '#dfe9f5' } },
          { id: 'departments-fill', type: 'fill', source: 'departments', paint: { 'fill-color': '#f6f6f6' } },
          { id: 'departments-line', type: 'line', source: 'departments', paint: { 'line-color': '#929292', 'line-width': 0.8 } },
          { id: 'commune-fill', type: 'fill', source: 'commune', paint: { 'fill-color': '#000091', 'fill-opacity': 0.08 } },
          { id: 'commune-line', type: 'line', source: 'commune', paint: { 'line-color': '#000091', 'line-width': 2 } },
          { id: 'pin', type: 'circle', source: 'pin', paint: { 'circle-radius': 9, 'circle-color': '#e1000f', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 3 } },
        ],
      },
      center: options.center ?? [2.5, 46.6],
      zoom: options.zoom ?? 4.6,
      attributionControl: { compact: true, customAttribution: 'Contours : IGN Admin Express, Licence Ouverte' },
    });
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    this.ready = new Promise((resolve) => this.map.once('load', () => resolve()));
    // Tests and screenshots wait on this attribute.
    this.map.on('idle', () => { container.dataset.mapIdle = 'true'; });
    this.map.on('movestart', () => { container.dataset.mapIdle = 'false'; });
  }

  async setDepartments(collection: GeoJSON.FeatureCollection): Promise<void> {
    await this.ready;
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
    this.map.fitBounds(bounds, { padding: 40, duration: 600, maxZoom: 15 });
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

  destroy(): void {
    this.map.remove();
  }
}
