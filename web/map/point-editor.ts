/**
 * A map to record deal points: a click on the map proposes a new point there, a click on a point
 * selects it, dragging a point (when editing is allowed) moves it. Over Sillage's own department
 * outlines so it works offline. Part of web/map/, the only maplibre-gl importers.
 */
import * as maplibregl from 'maplibre-gl';
import { frenchMapLocale } from './french-locale';
import type { GeoJSONSource, Map as MapLibreMap, MapMouseEvent } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';

maplibregl.setWorkerUrl(workerUrl);

export interface EditablePoint { id: number; longitude: number; latitude: number; status: string | null }
export interface PointEditorEvents {
  onPick(longitude: number, latitude: number): void;
  onSelect(id: number): void;
  onMove(id: number, longitude: number, latitude: number): void;
}

const round = (value: number) => Math.round(value * 1e6) / 1e6;

export class PointEditor {
  private readonly map: MapLibreMap;
  private points: EditablePoint[] = [];
  private dragging: number | null = null;
  private moved = false;
  private loaded = false;

  constructor(container: HTMLElement, private readonly events: PointEditorEvents, private readonly editable: boolean, center: [number, number] = [5.4, 43.3], zoom = 11) {
    this.map = new maplibregl.Map({
      locale: frenchMapLocale,
      container, center, zoom, attributionControl: false, doubleClickZoom: false,
      style: {
        version: 8,
        sources: {
          departments: { type: 'geojson', data: '/api/departments/outlines' },
          points: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
          pick: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
        },
        layers: [
          { id: 'background', type: 'background', paint: { 'background-color': '#f6f6f6' } },
          { id: 'departments', type: 'line', source: 'departments', paint: { 'line-color': '#666666', 'line-width': 1 } },
          { id: 'points', type: 'circle', source: 'points', paint: {
            'circle-radius': ['case', ['boolean', ['get', 'selected'], false], 9, 6],
            'circle-color': ['match', ['get', 'status'], 'dismantled', '#6a6a6a', 'reopened', '#e1000f', '#000091'],
            'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2,
          } },
          { id: 'pick', type: 'circle', source: 'pick', paint: { 'circle-radius': 7, 'circle-color': '#ffffff', 'circle-stroke-color': '#e1000f', 'circle-stroke-width': 3 } },
        ],
      },
    });
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
    this.map.on('load', () => { this.loaded = true; this.draw(); });
    this.map.on('click', (event) => {
      const hit = this.map.queryRenderedFeatures(event.point, { layers: ['points'] })[0];
      if (hit) this.events.onSelect(Number(hit.properties.id));
      else if (this.editable) this.events.onPick(round(event.lngLat.lng), round(event.lngLat.lat));
    });
    this.map.on('mouseenter', 'points', () => { this.map.getCanvas().style.cursor = this.editable ? 'move' : 'pointer'; });
    this.map.on('mouseleave', 'points', () => { this.map.getCanvas().style.cursor = ''; });
    if (editable) {
      this.map.on('mousedown', 'points', (event) => {
        const id = Number(event.features?.[0]?.properties.id);
        if (!id) return;
        event.preventDefault();
        this.dragging = id;
        this.moved = false;
      });
      this.map.on('mousemove', (event: MapMouseEvent) => {
        if (this.dragging === null) return;
        this.moved = true;
        this.points = this.points.map((p) => (p.id === this.dragging ? { ...p, longitude: event.lngLat.lng, latitude: event.lngLat.lat } : p));
        this.draw();
      });
      this.map.on('mouseup', (event: MapMouseEvent) => {
        if (this.dragging === null) return;
        const id = this.dragging;
        this.dragging = null;
        if (this.moved) this.events.onMove(id, round(event.lngLat.lng), round(event.lngLat.lat));
        this.moved = false;
      });
    }
  }

  private selected: number | null = null;
  private picked: [number, number] | null = null;

  setPoints(points: EditablePoint[], fit: boolean): void {
    this.points = points;
    this.draw();
    if (fit && points.length) {
      const bounds = new maplibregl.LngLatBounds();
      for (const p of points) bounds.extend([p.longitude, p.latitude]);
      this.map.fitBounds(bounds, { padding: 40, maxZoom: 15, duration: 0 });
    }
  }

  select(id: number | null): void { this.selected = id; this.draw(); }
  setPicked(location: [number, number] | null): void { this.picked = location; this.draw(); }
  centreOn(longitude: number, latitude: number): void { this.map.jumpTo({ center: [longitude, latitude], zoom: Math.max(this.map.getZoom(), 14) }); }

  /** Screen position of a point (for keyboard-free tests and for placing a drag). */
  project(longitude: number, latitude: number): { x: number; y: number } { return this.map.project([longitude, latitude]); }

  private draw(): void {
    if (!this.loaded) return;
    (this.map.getSource('points') as GeoJSONSource).setData({
      type: 'FeatureCollection',
      features: this.points.map((p) => ({ type: 'Feature', properties: { id: p.id, status: p.status, selected: p.id === this.selected }, geometry: { type: 'Point', coordinates: [p.longitude, p.latitude] } })),
    });
    (this.map.getSource('pick') as GeoJSONSource).setData({
      type: 'FeatureCollection', features: this.picked ? [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: this.picked } }] : [],
    });
  }

  idle(): Promise<void> { return new Promise((resolve) => { if (this.loaded && this.map.loaded()) resolve(); else this.map.once('idle', () => resolve()); }); }
  destroy(): void { this.map.remove(); }
}
