/**
 * The public statistics map: departments coloured by a rate per 1,000 inhabitants, from Sillage's own
 * outlines (works offline, no deal-point source at all). Part of web/map/, the only maplibre-gl importer.
 */
import * as maplibregl from 'maplibre-gl';
import { frenchMapLocale } from './french-locale';
import type { ExpressionSpecification, GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { colours, drawable } from './map-adapter';

maplibregl.setWorkerUrl(workerUrl);
const empty: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

export class DepartmentMap {
  private readonly map: MapLibreMap;
  private readonly ready: Promise<void>;
  private outlines: GeoJSON.FeatureCollection = empty;
  private last: { rates: ReadonlyMap<string, number>; breaks: readonly number[] } | null = null;

  constructor(container: HTMLElement) {
    this.map = new maplibregl.Map({
      locale: frenchMapLocale,
      container, center: [2.4, 46.6], zoom: 4.4, attributionControl: { compact: true, customAttribution: 'Contours : IGN Admin Express ; SSMSI' },
      style: {
        version: 8,
        sources: { departments: { type: 'geojson', data: empty } },
        layers: [
          { id: 'background', type: 'background', paint: { 'background-color': '#dfe9f5' } },
          { id: 'rates', type: 'fill', source: 'departments', paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.9 } },
          { id: 'lines', type: 'line', source: 'departments', paint: { 'line-color': '#666666', 'line-width': 0.6 } },
        ],
      },
    });
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    this.ready = new Promise((resolve) => this.map.once('load', () => resolve()));
    this.map.on('idle', () => { container.dataset.mapIdle = 'true'; });
    this.map.on('dataloading', () => { container.dataset.mapIdle = 'false'; });
  }

  async setOutlines(outlines: GeoJSON.FeatureCollection<GeoJSON.Geometry | null>): Promise<void> {
    const collection = drawable(outlines);
    this.outlines = collection;
    await this.ready;
    (this.map.getSource('departments') as GeoJSONSource).setData(collection);
    // Rates may have come first: colour the outlines with them.
    if (this.last) await this.setRates(this.last.rates, this.last.breaks);
  }

  /** `breaks`: inclusive upper bounds of the classes. */
  async setRates(rates: ReadonlyMap<string, number>, breaks: readonly number[]): Promise<void> {
    this.last = { rates, breaks };
    await this.ready;
    (this.map.getSource('departments') as GeoJSONSource).setData({
      ...this.outlines, features: this.outlines.features.map((f) => ({ ...f, properties: { ...f.properties, rate: rates.get(String(f.properties?.code)) ?? null } })),
    });
    const stops: (number | string)[] = [];
    breaks.slice(0, -1).forEach((value, i) => stops.push(colours.rateRamp[i], value + 1e-9));
    const ramp = (stops.length ? ['step', ['get', 'rate'], ...stops, colours.rateRamp[Math.min(breaks.length - 1, colours.rateRamp.length - 1)]] : ['literal', colours.rateRamp[2]]) as unknown as ExpressionSpecification;
    this.map.setPaintProperty('rates', 'fill-color', ['case', ['==', ['get', 'rate'], null], '#ffffff', ramp]);
  }

  destroy(): void { this.map.remove(); }
}
